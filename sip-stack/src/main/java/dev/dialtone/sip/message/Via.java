package dev.dialtone.sip.message;

/**
 * One Via value (RFC 3261 20.42): {@code SIP/2.0/transport host[:port];params}. {@code port} is -1 when absent;
 * {@code host} keeps the brackets of an IPv6 reference; {@code transport} is as written (upper case by convention).
 */
public record Via(String transport, String host, int port, Parameters params) {

    /** The magic cookie that marks an RFC 3261 branch (RFC 3261 8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    public Via {
        if (transport == null || !Chars.isToken(transport)) {
            throw new IllegalArgumentException("bad transport: " + transport);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("Via without host");
        }
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        params = params == null ? Parameters.EMPTY : params;
    }

    public static Via of(String transport, String host, int port, String branch) {
        return new Via(transport, host, port, Parameters.of("branch", branch));
    }

    /** Parses one Via value. */
    public static Via parse(String text) {
        return Grammar.via(text, 0, text.length(), "Bad Via", 0);
    }

    public String branch() {
        return params.get("branch");
    }

    /** True if the branch starts with the RFC 3261 magic cookie. */
    public boolean hasRfc3261Branch() {
        String b = branch();
        return b != null && b.startsWith(MAGIC_COOKIE);
    }

    public String received() {
        return params.get("received");
    }

    /** True if an {@code rport} parameter is present, with or without a value (RFC 3581). */
    public boolean hasRport() {
        return params.has("rport");
    }

    /**
     * The {@code rport} value, or null when absent or present as a bare flag.
     *
     * @throws SipParseException if the value is not a port number
     */
    public Integer rport() {
        String v = params.get("rport");
        return v == null ? null : Grammar.portValue(v, "Bad Via: rport");
    }

    /** The {@code ttl} value, or null. */
    public Integer ttl() {
        String v = params.get("ttl");
        if (v == null) {
            return null;
        }
        long t = Grammar.number(v, 3, "Bad Via: ttl");
        if (t > 255) {
            throw new SipParseException(0, "Bad Via: ttl out of range");
        }
        return (int) t;
    }

    public String maddr() {
        return params.get("maddr");
    }

    public Via withReceived(String address) {
        return new Via(transport, host, port, params.with("received", address));
    }

    /** Sets {@code rport} to the source port (RFC 3581 4). */
    public Via withRport(int port) {
        return new Via(transport, host, this.port, params.with("rport", Integer.toString(port)));
    }

    public Via withParam(String name, String value) {
        return new Via(transport, host, port, params.with(name, value));
    }

    /** The sent-by port, or the default for the transport (5061 for TLS, else 5060) when absent. */
    public int portOrDefault() {
        return port >= 0 ? port : "TLS".equalsIgnoreCase(transport) ? 5061 : 5060;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        sb.append("SIP/2.0/").append(transport).append(' ').append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        params.appendTo(sb, ';', ';', false, false);
        return sb.toString();
    }
}
