package dev.dialtone.sip.message;

import java.util.List;

/**
 * The one error the SIP parser raises: where in the message ({@link #offset()}) and why ({@link #reason()}),
 * the reason being short enough to be the phrase of a {@code 400} ("Bad CSeq: method does not match
 * request line"). Typed header getters raise it lazily for malformed header values.
 *
 * <p>When the failure happened after the header section could be framed, {@link #startLine()} and
 * {@link #headers()} carry what was read, so a transport can still answer a bad request with a {@code 400}
 * (RFC 3261 8.2.2, 16.3) by copying Via, From, To, Call-ID and CSeq.
 */
public final class SipParseException extends RuntimeException {

    private final int offset;
    private final String reason;
    private final String startLine;
    private final List<Header> headers;

    public SipParseException(int offset, String reason) {
        this(offset, reason, null, List.of());
    }

    /** A failure that carries the start line and header fields read before it (see {@link #headers()}). */
    public SipParseException(int offset, String reason, String startLine, List<Header> headers) {
        super(reason, null, false, false);
        this.offset = offset;
        this.reason = reason;
        this.startLine = startLine;
        this.headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** Byte offset in the message at or near the fault; 0 when not known. */
    public int offset() {
        return offset;
    }

    /** Short reason fit for a response's reason phrase. */
    public String reason() {
        return reason;
    }

    /** The start line as read (without CRLF), or null when the message could not be framed that far. */
    public String startLine() {
        return startLine;
    }

    /** The header fields read before the failure (values unfolded), in wire order; possibly empty. */
    public List<Header> headers() {
        return headers;
    }

    SipParseException withContext(String startLine, List<Header> headers) {
        if (this.startLine != null || startLine == null) {
            return this;
        }
        return new SipParseException(offset, reason, startLine, List.copyOf(headers));
    }

    @Override
    public String toString() {
        return "SipParseException(" + offset + ", " + reason + ")";
    }
}
