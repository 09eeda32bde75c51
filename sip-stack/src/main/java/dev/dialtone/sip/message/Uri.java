package dev.dialtone.sip.message;

/**
 * A URI as SIP carries it: {@link SipUri} for sip and sips, {@link TelUri} for tel, {@link AbsoluteUri} for any
 * other scheme (kept opaque, RFC 3261 19.1: a stack must parse unknown schemes and answer 416 if it cannot use them).
 */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {

    /** The scheme in lower case. */
    String scheme();

    /** The URI in its canonical text form. */
    @Override
    String toString();

    /**
     * Parses a URI (sip, sips, tel or any absolute URI).
     *
     * @throws SipParseException with a reason naming the fault
     */
    static Uri parse(String text) {
        return Grammar.uri(text, 0, text.length(), "Bad URI", 0);
    }
}
