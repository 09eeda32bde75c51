package dev.dialtone.media.sdp;

/**
 * An SDP body that does not follow RFC 8866. {@link #lineNumber()} is 1-based (0 when the error is not tied to a
 * line, e.g. a missing mandatory field) and {@link #reason()} says what was wrong, so the engine can answer
 * {@code 400} (malformed) or {@code 488} (well-formed but unusable) with a precise reason phrase.
 */
public final class SdpParseException extends Exception {
    private final int lineNumber;
    private final String reason;

    public SdpParseException(int lineNumber, String reason) {
        super(lineNumber > 0 ? "SDP line " + lineNumber + ": " + reason : "SDP: " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    public int lineNumber() {
        return lineNumber;
    }

    public String reason() {
        return reason;
    }
}
