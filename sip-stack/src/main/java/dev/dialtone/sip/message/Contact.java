package dev.dialtone.sip.message;

/**
 * One Contact value (RFC 3261 20.10): an address with {@code expires} and {@code q} parameters, or the {@code *}
 * wildcard of a REGISTER that removes all bindings ({@link #STAR}, {@link #isStar()}).
 */
public record Contact(Address address) {

    public static final Contact STAR = new Contact(null);

    public boolean isStar() {
        return address == null;
    }

    /**
     * The {@code expires} parameter in seconds, or null.
     *
     * @throws SipParseException if it is not a delta-seconds value (RFC 3261 25.1: at most 2^32-1)
     */
    public Long expires() {
        String v = address == null ? null : address.params().get("expires");
        return v == null ? null : Grammar.deltaSeconds(v, "Bad Contact: expires");
    }

    /**
     * The {@code q} parameter (0 to 1), or null.
     *
     * @throws SipParseException if malformed
     */
    public Float q() {
        String v = address == null ? null : address.params().get("q");
        return v == null ? null : Grammar.qvalue(v, "Bad Contact: q");
    }

    public Uri uri() {
        return address == null ? null : address.uri();
    }

    @Override
    public String toString() {
        return address == null ? "*" : address.toString();
    }
}
