package dev.dialtone.sip.auth;

/** A malformed authentication header value: where it went wrong and why. */
public final class AuthParseException extends Exception {
    private final int offset;
    private final String reason;

    public AuthParseException(int offset, String reason) {
        super(reason + " at offset " + offset, null, false, false);
        this.offset = offset;
        this.reason = reason;
    }

    /** Character offset in the header value where the error was found. */
    public int offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
