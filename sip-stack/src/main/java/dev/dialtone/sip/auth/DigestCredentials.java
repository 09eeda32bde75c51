package dev.dialtone.sip.auth;

import java.util.Map;
import java.util.Objects;

/**
 * Digest credentials from an {@code Authorization} or {@code Proxy-Authorization} header value
 * (RFC 3261 25.1 {@code digest-response}, RFC 7616 3.4).
 *
 * @param username  the username, or its hash when {@code userhash} is set
 * @param uri       the digest-uri exactly as the client hashed it
 * @param algorithm token as sent, null when absent (MD5)
 * @param cnonce    null without qop
 * @param qop       token as sent, null for RFC 2069 compatibility
 * @param nc        the nonce-count as sent (8 hex digits), null without qop
 * @param opaque    null when absent
 */
public record DigestCredentials(String username, String realm, String nonce, String uri, String response,
                                String algorithm, String cnonce, String opaque, String qop, String nc,
                                boolean userhash) {

    public DigestCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(response, "response");
    }

    /**
     * Parses a credentials header value in the Digest scheme.
     *
     * @throws AuthParseException for a malformed value, a missing required parameter, or another scheme
     */
    public static DigestCredentials parse(String headerValue) throws AuthParseException {
        AuthParams.Split split = AuthParams.scheme(headerValue);
        if (!split.scheme().equalsIgnoreCase("Digest")) {
            throw new AuthParseException(0, "unsupported auth-scheme " + split.scheme());
        }
        Map<String, String> p = AuthParams.params(headerValue, split.paramsOffset(), split.scheme());
        for (String required : new String[] {"username", "realm", "nonce", "uri", "response"}) {
            if (!p.containsKey(required)) {
                throw new AuthParseException(0, "Digest credentials without " + required);
            }
        }
        String qop = p.get("qop");
        String nc = p.get("nc");
        String cnonce = p.get("cnonce");
        if (qop != null) {
            // RFC 7616 3.4: cnonce and nc MUST be sent when qop is.
            if (cnonce == null) {
                throw new AuthParseException(0, "qop without cnonce");
            }
            if (nc == null) {
                throw new AuthParseException(0, "qop without nc");
            }
            if (!isNonceCount(nc)) {
                throw new AuthParseException(0, "nc must be 8 hex digits, got " + nc);
            }
        }
        String userhash = p.get("userhash");
        if (userhash != null && !userhash.equalsIgnoreCase("true") && !userhash.equalsIgnoreCase("false")) {
            throw new AuthParseException(0, "userhash must be true or false, got " + userhash);
        }
        return new DigestCredentials(p.get("username"), p.get("realm"), p.get("nonce"), p.get("uri"),
                p.get("response"), p.get("algorithm"), cnonce, p.get("opaque"), qop, nc,
                "true".equalsIgnoreCase(userhash));
    }

    private static boolean isNonceCount(String nc) {
        if (nc.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (Character.digit(nc.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The header value in the parameter order common among SIP phones. */
    public String headerValue() {
        StringBuilder sb = new StringBuilder(256).append("Digest username=");
        AuthParams.appendQuoted(sb, username);
        sb.append(", realm=");
        AuthParams.appendQuoted(sb, realm);
        sb.append(", nonce=");
        AuthParams.appendQuoted(sb, nonce);
        sb.append(", uri=");
        AuthParams.appendQuoted(sb, uri);
        sb.append(", response=");
        AuthParams.appendQuoted(sb, response);
        if (algorithm != null) {
            sb.append(", algorithm=").append(algorithm);
        }
        if (cnonce != null) {
            sb.append(", cnonce=");
            AuthParams.appendQuoted(sb, cnonce);
        }
        if (opaque != null) {
            sb.append(", opaque=");
            AuthParams.appendQuoted(sb, opaque);
        }
        if (qop != null) {
            // RFC 3261 25.1: message-qop is an unquoted token.
            sb.append(", qop=").append(qop);
        }
        if (nc != null) {
            sb.append(", nc=").append(nc);
        }
        if (userhash) {
            sb.append(", userhash=true");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
