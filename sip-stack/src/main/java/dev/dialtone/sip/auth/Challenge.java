package dev.dialtone.sip.auth;

/**
 * One challenge from a {@code WWW-Authenticate} or {@code Proxy-Authenticate} header value (RFC 3261 20.44, 20.28).
 * A response with several challenges carries several header values; parse each.
 */
public sealed interface Challenge permits DigestChallenge, OtherChallenge {

    /** The auth-scheme as sent. */
    String scheme();

    /**
     * Parses one header value. Digest challenges are parsed and checked (realm and nonce required);
     * other schemes are kept as sent, not interpreted.
     *
     * @throws AuthParseException with the offset and reason when the value is malformed
     */
    static Challenge parse(String headerValue) throws AuthParseException {
        AuthParams.Split split = AuthParams.scheme(headerValue);
        if (!split.scheme().equalsIgnoreCase("Digest")) {
            return new OtherChallenge(split.scheme(), headerValue.substring(split.paramsOffset()).strip());
        }
        return DigestChallenge.fromParams(AuthParams.params(headerValue, split.paramsOffset(), split.scheme()));
    }
}
