package dev.dialtone.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The digest algorithms of RFC 7616 section 3.3 as used by SIP (RFC 8760), with their {@code -sess} variants.
 * Hash output is lowercase hex, as the response and the HA1 are sent and stored.
 */
public enum DigestAlgorithm {
    MD5("MD5", "MD5", false, 1),
    MD5_SESS("MD5-sess", "MD5", true, 1),
    SHA_256("SHA-256", "SHA-256", false, 2),
    SHA_256_SESS("SHA-256-sess", "SHA-256", true, 2),
    // RFC 7616 3.2: SHA-512-256 is FIPS 180-4 SHA-512/256 (its own initial values), not a truncated SHA-512.
    SHA_512_256("SHA-512-256", "SHA-512/256", false, 3),
    SHA_512_256_SESS("SHA-512-256-sess", "SHA-512/256", true, 3);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String token;
    private final String jcaName;
    private final boolean session;
    private final int strength;

    DigestAlgorithm(String token, String jcaName, boolean session, int strength) {
        this.token = token;
        this.jcaName = jcaName;
        this.session = session;
        this.strength = strength;
    }

    /** The {@code algorithm} parameter value as written on the wire. */
    public String token() {
        return token;
    }

    /** True for the {@code -sess} variants, whose A1 also covers nonce and cnonce (RFC 7616 3.4.2). */
    public boolean session() {
        return session;
    }

    /** Higher is stronger; variants of the same hash are equally strong. */
    public int strength() {
        return strength;
    }

    /** The variant without {@code -sess}: the one whose HA1 a credential store keeps. */
    public DigestAlgorithm base() {
        return switch (this) {
            case MD5, MD5_SESS -> MD5;
            case SHA_256, SHA_256_SESS -> SHA_256;
            case SHA_512_256, SHA_512_256_SESS -> SHA_512_256;
        };
    }

    /** Length of a hex digest of this algorithm (32 for MD5, 64 for the SHA-2 family). */
    public int hexLength() {
        return strength == 1 ? 32 : 64;
    }

    /** The algorithm named by an {@code algorithm} token, compared case-insensitively (RFC 7616 3.3). */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.toUpperCase(Locale.ROOT).equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Lowercase hex hash of the UTF-8 bytes of {@code s}. */
    public String hash(String s) {
        return hash(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex hash of {@code bytes}. */
    public String hash(byte[] bytes) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
        byte[] d = md.digest(bytes);
        char[] out = new char[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[d[i] & 0xf];
        }
        return new String(out);
    }

    /** {@code H(username ":" realm ":" password)}: what a credential store keeps instead of the password. */
    public String ha1(String username, String realm, String password) {
        return base().hash(username + ":" + realm + ":" + password);
    }
}
