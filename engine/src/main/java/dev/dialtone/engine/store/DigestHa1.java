package dev.dialtone.engine.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** HA1 = H(username ":" realm ":" password), lowercase hex (RFC 7616 3.4.2, RFC 2617 3.2.2.2). */
final class DigestHa1 {
    private DigestHa1() {
    }

    static String md5(String username, String realm, String password) {
        return hash("MD5", username, realm, password);
    }

    static String sha256(String username, String realm, String password) {
        return hash("SHA-256", username, realm, password);
    }

    /**
     * The stored column for an RFC 7616 algorithm token. The {@code -sess} variants start from the same
     * H(username:realm:password) and fold in the nonces per request (RFC 7616 3.4.2), so they share it.
     */
    static Optional<String> column(String algorithm) {
        return switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "MD5", "MD5-SESS" -> Optional.of("ha1_md5");
            case "SHA-256", "SHA-256-SESS" -> Optional.of("ha1_sha256");
            default -> Optional.empty();
        };
    }

    private static String hash(String algorithm, String username, String realm, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            // RFC 7616 4: the user's password and name are hashed as UTF-8.
            byte[] a1 = (username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(md.digest(a1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides " + algorithm, e);
        }
    }
}
