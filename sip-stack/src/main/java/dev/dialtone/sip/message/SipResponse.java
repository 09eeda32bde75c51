package dev.dialtone.sip.message;

import java.nio.charset.StandardCharsets;

/** A SIP response (RFC 3261 7.2). Immutable; see {@link SipMessage}. */
public final class SipResponse implements SipMessage {

    final Head head;
    private final int status;
    // The reason phrase is b[reasonStart, startLineEnd), made into a String on first read (a race makes equal ones).
    private final int reasonStart;
    private String reason;
    private final String version;

    SipResponse(Head head, int status, int reasonStart, String version) {
        this.head = head;
        this.status = status;
        this.reasonStart = reasonStart;
        this.version = version;
    }

    /** The status code (three digits as received; RFC 3261 allows 100-699). */
    public int status() {
        return status;
    }

    /** The reason phrase, possibly empty. */
    public String reason() {
        String r = reason;
        if (r == null) {
            int end = head.startLineEnd;
            r = reasonStart < end ? new String(head.b, reasonStart, end - reasonStart, StandardCharsets.UTF_8) : "";
            reason = r;
        }
        return r;
    }

    public boolean isProvisional() {
        return status < 200;
    }

    public boolean isFinal() {
        return status >= 200;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String startLine() {
        return head.startLine();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder(int status, String reason) {
        return new Builder(status, reason);
    }

    @Override
    public String toString() {
        return new String(head.b, 0, head.length, StandardCharsets.UTF_8);
    }

    /** The RFC 3261 21 reason phrase for {@code status} (plus common extensions), or a generic one for its class. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Trying";
            case 180 -> "Ringing";
            case 181 -> "Call Is Being Forwarded";
            case 182 -> "Queued";
            case 183 -> "Session Progress";
            case 199 -> "Early Dialog Terminated";
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 204 -> "No Notification";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Moved Temporarily";
            case 305 -> "Use Proxy";
            case 380 -> "Alternative Service";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 410 -> "Gone";
            case 413 -> "Request Entity Too Large";
            case 414 -> "Request-URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Unsupported URI Scheme";
            case 420 -> "Bad Extension";
            case 421 -> "Extension Required";
            case 422 -> "Session Interval Too Small";
            case 423 -> "Interval Too Brief";
            case 480 -> "Temporarily Unavailable";
            case 481 -> "Call/Transaction Does Not Exist";
            case 482 -> "Loop Detected";
            case 483 -> "Too Many Hops";
            case 484 -> "Address Incomplete";
            case 485 -> "Ambiguous";
            case 486 -> "Busy Here";
            case 487 -> "Request Terminated";
            case 488 -> "Not Acceptable Here";
            case 489 -> "Bad Event";
            case 491 -> "Request Pending";
            case 493 -> "Undecipherable";
            case 500 -> "Server Internal Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Server Time-out";
            case 505 -> "Version Not Supported";
            case 513 -> "Message Too Large";
            case 600 -> "Busy Everywhere";
            case 603 -> "Decline";
            case 604 -> "Does Not Exist Anywhere";
            case 606 -> "Not Acceptable";
            default -> switch (status / 100) {
                case 1 -> "Progress";
                case 2 -> "OK";
                case 3 -> "Redirection";
                case 4 -> "Client Error";
                case 5 -> "Server Error";
                default -> "Global Failure";
            };
        };
    }

    /** Builds a {@link SipResponse}; misuse raises {@link IllegalArgumentException}. */
    public static final class Builder extends Draft<Builder> {
        private final SipResponse source;
        private int status;
        private String reason;

        private Builder(SipResponse source) {
            super(source.head);
            this.source = source;
            this.status = source.status;
            this.reason = source.reason();
        }

        private Builder(int status, String reason) {
            super(null);
            this.source = null;
            status(status);
            reason(reason);
        }

        public Builder status(int status) {
            if (status < 100 || status > 699) {
                throw new IllegalArgumentException("status out of range: " + status);
            }
            this.status = status;
            return this;
        }

        public Builder reason(String reason) {
            if (reason == null) {
                reason = reasonPhrase(status);
            }
            if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reason phrase must be one line");
            }
            this.reason = reason;
            return this;
        }

        @Override
        byte[] startLine() {
            if (source != null && status == source.status && reason.equals(source.reason())) {
                return java.util.Arrays.copyOf(source.head.b, source.head.startLineEnd);
            }
            String version = source != null ? source.version : SIP_2_0;
            return (version + " " + status + " " + reason).getBytes(StandardCharsets.UTF_8);
        }

        public SipResponse build() {
            if (frame() instanceof SipResponse r) {
                return r;
            }
            throw new IllegalArgumentException("not a response");
        }
    }
}
