package dev.dialtone.sip.message;

/**
 * A name-addr or addr-spec with header parameters, as in From, To, Contact, Route, Record-Route (RFC 3261 20.10,
 * 25.1). {@code displayName} is unquoted and unescaped, null when absent.
 */
public record Address(String displayName, Uri uri, Parameters params) {

    public Address {
        if (uri == null) {
            throw new IllegalArgumentException("address without URI");
        }
        params = params == null ? Parameters.EMPTY : params;
    }

    public static Address of(Uri uri) {
        return new Address(null, uri, Parameters.EMPTY);
    }

    /**
     * Parses a name-addr or addr-spec with parameters.
     *
     * @throws SipParseException when malformed
     */
    public static Address parse(String text) {
        return Grammar.address(text, 0, text.length(), "Bad address", 0);
    }

    /** The {@code tag} parameter (RFC 3261 19.3), or null. */
    public String tag() {
        return params.get("tag");
    }

    public Address withTag(String tag) {
        return new Address(displayName, uri, params.with("tag", tag));
    }

    public Address withParam(String name, String value) {
        return new Address(displayName, uri, params.with(name, value));
    }

    public Address withUri(Uri uri) {
        return new Address(displayName, uri, params);
    }

    /** The URI if it is a sip or sips URI, else null. */
    public SipUri sipUri() {
        return uri instanceof SipUri u ? u : null;
    }

    /** Always the name-addr form ({@code "name" <uri>;params}), which is unambiguous for every URI. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        if (displayName != null) {
            Grammar.appendDisplayName(sb, displayName);
            sb.append(' ');
        }
        sb.append('<').append(uri).append('>');
        params.appendTo(sb, ';', ';', false, false);
        return sb.toString();
    }
}
