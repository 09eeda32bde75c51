package dev.dialtone.media.sdp;

import java.util.List;

/**
 * {@code a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]} (RFC 4568 9.1). Key params are split on
 * {@code ;} (several master keys), each kept as text ({@code inline:<key||salt>[|lifetime][|MKI:length]}); the
 * {@code srtp} package turns one into keys.
 */
public record Crypto(int tag, String suite, List<String> keyParams, List<String> sessionParams) {
    public static final String NAME = "crypto";

    public Crypto {
        if (tag < 0 || tag > 999_999_999) {
            throw new IllegalArgumentException("crypto tag must be 1-9 digits: " + tag);
        }
        if (suite == null || suite.isEmpty() || suite.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("crypto suite must be a token: " + suite);
        }
        keyParams = List.copyOf(keyParams);
        sessionParams = List.copyOf(sessionParams);
        if (keyParams.isEmpty()) {
            throw new IllegalArgumentException("crypto needs at least one key param");
        }
        for (String k : keyParams) {
            // RFC 4568 9.1: key-method ":" key-info; "inline" is the only method defined (6.1).
            if (k.indexOf(':') <= 0) {
                throw new IllegalArgumentException("crypto key param must be '<method>:<info>': " + k);
            }
        }
    }

    public static Crypto parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a=crypto needs '<tag> <suite> <key-params>'");
        }
        String[] parts = value.trim().split(" +");
        if (parts.length < 3) {
            throw new IllegalArgumentException("a=crypto needs '<tag> <suite> <key-params>'");
        }
        if (!Origin.isDigits(parts[0]) || parts[0].length() > 9) {
            throw new IllegalArgumentException("a=crypto tag is not 1-9 digits: '" + parts[0] + "'");
        }
        return new Crypto(Integer.parseInt(parts[0]), parts[1], List.of(parts[2].split(";")),
                List.of(parts).subList(3, parts.length));
    }

    /** The first key param whose method is {@code inline}, without the {@code inline:} prefix. */
    public String inlineKey() {
        for (String k : keyParams) {
            if (k.regionMatches(true, 0, "inline:", 0, 7)) {
                return k.substring(7);
            }
        }
        throw new IllegalStateException("no inline key in a=crypto " + tag);
    }

    public Attribute toAttribute() {
        StringBuilder sb = new StringBuilder().append(tag).append(' ').append(suite).append(' ')
                .append(String.join(";", keyParams));
        for (String p : sessionParams) {
            sb.append(' ').append(p);
        }
        return Attribute.of(NAME, sb.toString());
    }
}
