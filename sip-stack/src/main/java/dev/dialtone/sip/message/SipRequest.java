package dev.dialtone.sip.message;

import java.nio.charset.StandardCharsets;

/** A SIP request (RFC 3261 7.1). Immutable; see {@link SipMessage}. */
public final class SipRequest implements SipMessage {

    final Head head;
    private final SipMethod method;
    private final int uriStart;
    private final int uriEnd;
    private final String version;
    private Uri requestUri;

    SipRequest(Head head, SipMethod method, int uriStart, int uriEnd, String version) {
        this.head = head;
        this.method = method;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
        this.version = version;
    }

    public SipMethod method() {
        return method;
    }

    /**
     * The Request-URI: a {@link SipUri}, {@link TelUri}, or for other schemes an {@link AbsoluteUri}.
     *
     * @throws SipParseException if it is malformed
     */
    public Uri requestUri() {
        Uri u = requestUri;
        if (u == null) {
            u = Quick.sipUri(head.b, uriStart, uriEnd);
            if (u == null) {
                String text = requestUriText();
                try {
                    u = Grammar.uri(text, 0, text.length(), "Bad Request-URI", uriStart);
                } catch (SipParseException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new SipParseException(uriStart, "Bad Request-URI: malformed");
                }
            }
            requestUri = u;
        }
        return u;
    }

    /** The Request-URI exactly as received. */
    public String requestUriText() {
        return new String(head.b, uriStart, uriEnd - uriStart, StandardCharsets.UTF_8);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String startLine() {
        return head.startLine();
    }

    /** A response with the standard reason phrase; see {@link #createResponse(int, String)}. */
    public SipResponse createResponse(int status) {
        return createResponse(status, SipResponse.reasonPhrase(status));
    }

    /**
     * A response to this request: RFC 3261 8.2.6.2, Via (all values, in order), From, To, Call-ID and CSeq copied
     * byte for byte, Timestamp too for a 100 (8.2.6.1), and Content-Length 0. Use {@code toBuilder().toTag(..)} to add a tag.
     */
    public SipResponse createResponse(int status, String reason) {
        return responseBuilder(status, reason).build();
    }

    /** A builder for a response to this request, pre-filled as {@link #createResponse(int, String)} describes. */
    public SipResponse.Builder responseBuilder(int status, String reason) {
        SipResponse.Builder b = SipResponse.builder(status, reason);
        for (int i = 0; i < head.count; i++) {
            String n = head.names[i];
            if (n == HeaderName.VIA || n == HeaderName.FROM || n == HeaderName.TO || n == HeaderName.CALL_ID
                || n == HeaderName.CSEQ || status == 100 && n == HeaderName.TIMESTAMP) {
                b.copyHeader(head, i);
            }
        }
        return b;
    }

    /**
     * This request with {@code via} for its topmost Via (a server stamping received and rport on arrival, RFC 3261
     * 18.2.1, RFC 3581 4), every other byte as received.
     *
     * @throws IllegalStateException if the request has no Via
     */
    public SipRequest withTopVia(Via via) {
        Head h = head.withFirstVia(via);
        if (h == null) {
            return toBuilder().replaceTopVia(via).build();
        }
        SipRequest r = new SipRequest(h, method, uriStart, uriEnd, version);
        r.requestUri = requestUri;
        return r;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder(SipMethod method, Uri requestUri) {
        return new Builder(method, requestUri);
    }

    @Override
    public String toString() {
        return new String(head.b, 0, head.length, StandardCharsets.UTF_8);
    }

    /** Builds a {@link SipRequest}; misuse raises {@link IllegalArgumentException}. */
    public static final class Builder extends Draft<Builder> {
        private final SipRequest source;
        private SipMethod method;
        private Uri requestUri;
        private String requestUriText; // requestUri printed, when the caller had it

        private Builder(SipRequest source) {
            super(source.head);
            this.source = source;
            this.method = source.method;
        }

        private Builder(SipMethod method, Uri requestUri) {
            super(null);
            this.source = null;
            this.method = method;
            this.requestUri = requestUri;
            if (method == null || requestUri == null) {
                throw new IllegalArgumentException("method and Request-URI are required");
            }
        }

        public Builder method(SipMethod method) {
            this.method = method;
            return this;
        }

        public Builder requestUri(Uri requestUri) {
            this.requestUri = requestUri;
            this.requestUriText = null;
            return this;
        }

        /**
         * The Request-URI with its text as it goes on the wire, for a caller that printed it before (a dialog
         * sends every request to the same remote target): {@code text} must be {@code requestUri.toString()}.
         */
        public Builder requestUri(Uri requestUri, String text) {
            this.requestUri = requestUri;
            this.requestUriText = text;
            return this;
        }

        @Override
        byte[] startLine() {
            if (source != null && requestUri == null && method.equals(source.method)) {
                return java.util.Arrays.copyOf(source.head.b, source.head.startLineEnd);
            }
            String uri = requestUriText != null ? requestUriText
                : requestUri != null ? requestUri.toString() : source.requestUriText();
            String version = source != null ? source.version : SIP_2_0;
            return (method + " " + uri + " " + version).getBytes(StandardCharsets.UTF_8);
        }

        public SipRequest build() {
            if (frame() instanceof SipRequest r) {
                return r;
            }
            throw new IllegalArgumentException("not a request");
        }
    }
}
