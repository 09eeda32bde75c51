package dev.dialtone.engine.call;

import java.util.Locale;

/** A call leg's status, spelled on the wire as the compatibility API spells {@code CallStatus}. */
public enum CallStatus {
    QUEUED, INITIATED, RINGING, IN_PROGRESS, COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED;

    /** {@code in-progress}, {@code no-answer}, ...: the value of {@code CallStatus} and {@code DialCallStatus}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFinal() {
        return ordinal() >= COMPLETED.ordinal();
    }

    public static CallStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
