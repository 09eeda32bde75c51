package dev.dialtone.sip.message;

/**
 * A sip or sips URI (RFC 3261 19.1.1). {@code user} and {@code password} are unescaped (so {@code sip:%75ser@h}
 * has user {@code "user"}); {@code host} is as written, an IPv6 reference keeping its brackets; {@code port} is -1
 * when absent. URI parameters and headers are unescaped too; {@link #toString()} escapes what needs escaping.
 */
public record SipUri(boolean secure, String user, String password, String host, int port, Parameters params,
                     Parameters headers) implements Uri {

    public SipUri {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("SIP URI without host");
        }
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (password != null && user == null) {
            throw new IllegalArgumentException("password without user");
        }
        params = params == null ? Parameters.EMPTY : params;
        headers = headers == null ? Parameters.EMPTY : headers;
    }

    /** {@code sip:host}. */
    public static SipUri of(String user, String host, int port) {
        return new SipUri(false, user, null, host, port, Parameters.EMPTY, Parameters.EMPTY);
    }

    /**
     * Parses a sip or sips URI.
     *
     * @throws SipParseException when the text is not one
     */
    public static SipUri parse(String text) {
        if (Uri.parse(text) instanceof SipUri u) {
            return u;
        }
        throw new SipParseException(0, "Bad URI: not a sip or sips URI");
    }

    public static Builder builder(String host) {
        return new Builder(host);
    }

    @Override
    public String scheme() {
        return secure ? "sips" : "sip";
    }

    /** The {@code transport} parameter, or null. */
    public String transport() {
        return params.get("transport");
    }

    /** The value of URI parameter {@code name} (null if absent or valueless). */
    public String param(String name) {
        return params.get(name);
    }

    /** True if the loose-routing flag {@code lr} is present (RFC 3261 19.1.1). */
    public boolean lr() {
        return params.has("lr");
    }

    /** The {@code maddr} parameter, or null. */
    public String maddr() {
        return params.get("maddr");
    }

    /** True if the host is an IPv6 reference ({@code [..]}). */
    public boolean isIpv6() {
        return host.startsWith("[");
    }

    public SipUri withUser(String user) {
        return new SipUri(secure, user, user == null ? null : password, host, port, params, headers);
    }

    public SipUri withHost(String host) {
        return new SipUri(secure, user, password, host, port, params, headers);
    }

    public SipUri withPort(int port) {
        return new SipUri(secure, user, password, host, port, params, headers);
    }

    public SipUri withParam(String name, String value) {
        return new SipUri(secure, user, password, host, port, params.with(name, value), headers);
    }

    public SipUri withoutParam(String name) {
        return new SipUri(secure, user, password, host, port, params.without(name), headers);
    }

    public SipUri withoutHeaders() {
        return new SipUri(secure, user, password, host, port, params, Parameters.EMPTY);
    }

    public Builder toBuilder() {
        Builder b = new Builder(host);
        b.secure = secure;
        b.user = user;
        b.password = password;
        b.port = port;
        b.params = params;
        b.headers = headers;
        return b;
    }

    /** The canonical form: escapes applied where the grammar requires them, nothing else changed. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(48);
        sb.append(secure ? "sips:" : "sip:");
        if (user != null) {
            Grammar.escape(sb, user, Grammar.Escaping.USER);
            if (password != null) {
                sb.append(':');
                Grammar.escape(sb, password, Grammar.Escaping.PASSWORD);
            }
            sb.append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        params.appendTo(sb, ';', ';', true, false);
        headers.appendTo(sb, '?', '&', true, true);
        return sb.toString();
    }

    /** Builder for a {@link SipUri}. */
    public static final class Builder {
        private boolean secure;
        private String user;
        private String password;
        private String host;
        private int port = -1;
        private Parameters params = Parameters.EMPTY;
        private Parameters headers = Parameters.EMPTY;

        private Builder(String host) {
            this.host = host;
        }

        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder param(String name, String value) {
            this.params = params.with(name, value);
            return this;
        }

        public Builder header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        public SipUri build() {
            return new SipUri(secure, user, password, host, port, params, headers);
        }
    }
}
