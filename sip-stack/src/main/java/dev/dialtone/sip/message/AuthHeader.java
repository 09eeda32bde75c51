package dev.dialtone.sip.message;

/**
 * A challenge (WWW-Authenticate, Proxy-Authenticate) or credentials (Authorization, Proxy-Authorization)
 * value (RFC 3261 25.1): the scheme and its comma-separated auth-params. Values keep their quotes;
 * {@link #param(String)} removes them.
 */
public record AuthHeader(String scheme, Parameters params) {

    public AuthHeader {
        params = params == null ? Parameters.EMPTY : params;
    }

    /** The value of auth-param {@code name}, unquoted; null if absent. */
    public String param(String name) {
        return params.unquoted(name);
    }

    public boolean isDigest() {
        return "Digest".equalsIgnoreCase(scheme);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme);
        for (int i = 0; i < params.size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(params.name(i));
            if (params.value(i) != null) {
                sb.append('=').append(params.value(i));
            }
        }
        return sb.toString();
    }
}
