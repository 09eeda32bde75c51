package dev.dialtone.sip.auth;

import java.util.Locale;
import java.util.Optional;

/** Quality of protection (RFC 7616 3.3): {@code auth}, or {@code auth-int} which also covers the body. */
public enum Qop {
    AUTH("auth"),
    AUTH_INT("auth-int");

    private final String token;

    Qop(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static Optional<Qop> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.toLowerCase(Locale.ROOT);
        for (Qop q : values()) {
            if (q.token.equals(t)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }
}
