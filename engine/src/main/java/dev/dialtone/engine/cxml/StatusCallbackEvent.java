package dev.dialtone.engine.cxml;

import java.util.Optional;

/** A call progress event a {@code statusCallback} can ask for. */
public enum StatusCallbackEvent {
    INITIATED("initiated"), RINGING("ringing"), ANSWERED("answered"), COMPLETED("completed");

    private final String value;

    StatusCallbackEvent(String value) {
        this.value = value;
    }

    /** The event name as written in {@code statusCallbackEvent}. */
    public String value() {
        return value;
    }

    public static Optional<StatusCallbackEvent> fromValue(String value) {
        for (StatusCallbackEvent e : values()) {
            if (e.value.equals(value)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
