package dev.dialtone.engine.cxml;

import java.util.Objects;

/** {@code <Reject reason="rejected|busy"/>}: refuse an unanswered call without answering it. */
public record Reject(Reason reason) implements Verb {

    public static final Reason DEFAULT_REASON = Reason.REJECTED;

    /** The {@code reason} attribute; the engine answers 603 Decline for {@code rejected}, 486 Busy Here for {@code busy}. */
    public enum Reason {
        REJECTED("rejected"), BUSY("busy");

        private final String value;

        Reason(String value) {
            this.value = value;
        }

        /** The attribute value as written in cXML. */
        public String value() {
            return value;
        }
    }

    public Reject {
        Objects.requireNonNull(reason, "reason");
    }
}
