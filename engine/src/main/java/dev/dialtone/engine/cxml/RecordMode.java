package dev.dialtone.engine.cxml;

import java.util.Optional;

/** The {@code record} attribute of {@code <Dial>}: mono or dual channel, starting at answer or at ringing. */
public enum RecordMode {
    DO_NOT_RECORD("do-not-record"),
    RECORD_FROM_ANSWER("record-from-answer"),
    RECORD_FROM_RINGING("record-from-ringing"),
    RECORD_FROM_ANSWER_DUAL("record-from-answer-dual"),
    RECORD_FROM_RINGING_DUAL("record-from-ringing-dual");

    private final String value;

    RecordMode(String value) {
        this.value = value;
    }

    /** The attribute value as written in cXML. */
    public String value() {
        return value;
    }

    /** Parses an attribute value; the legacy {@code true}/{@code false} mean record-from-answer/do-not-record. */
    public static Optional<RecordMode> fromValue(String value) {
        if (value.equals("true")) {
            return Optional.of(RECORD_FROM_ANSWER);
        }
        if (value.equals("false")) {
            return Optional.of(DO_NOT_RECORD);
        }
        for (RecordMode m : values()) {
            if (m.value.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
