package dev.dialtone.sip.auth;

/**
 * A header to add to the retried request: {@code Authorization} answering a {@code WWW-Authenticate}
 * challenge, {@code Proxy-Authorization} answering a {@code Proxy-Authenticate} one (RFC 3261 22.2, 22.3).
 */
public record AuthorizationHeader(String name, String value) {
    public static final String AUTHORIZATION = "Authorization";
    public static final String PROXY_AUTHORIZATION = "Proxy-Authorization";
}
