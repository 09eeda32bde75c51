package dev.dialtone.sip.message;

/** A URI of a scheme this stack does not interpret, kept as written (RFC 3261 19.1, RFC 3986 absolute-URI). */
public record AbsoluteUri(String scheme, String schemeSpecificPart) implements Uri {

    @Override
    public String toString() {
        return scheme + ":" + schemeSpecificPart;
    }
}
