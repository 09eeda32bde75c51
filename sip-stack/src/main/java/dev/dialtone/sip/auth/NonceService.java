package dev.dialtone.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: {@code base64url(timestamp || random || HMAC-SHA256(secret, timestamp || random || realm))}.
 * A server recognises its own nonces and their age without storing them, so any number of challenges costs no
 * memory and nodes sharing the secret accept each other's nonces. The random part makes every nonce unique,
 * which the per-nonce replay cache relies on.
 */
final class NonceService {
    private static final int TIME_LEN = 8;
    private static final int RANDOM_LEN = 8;
    private static final int MAC_LEN = 16;
    private static final int NONCE_LEN = TIME_LEN + RANDOM_LEN + MAC_LEN;

    enum Status { VALID, EXPIRED, FORGED }

    record Check(Status status, long issuedAtMillis) {
    }

    private final SecretKeySpec key;
    private final Clock clock;
    private final long lifetimeMillis;
    private final SecureRandom random;

    NonceService(byte[] secret, Clock clock, Duration lifetime, SecureRandom random) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("nonce secret must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.clock = clock;
        this.lifetimeMillis = lifetime.toMillis();
        this.random = random;
    }

    long lifetimeMillis() {
        return lifetimeMillis;
    }

    String issue(String realm) {
        ByteBuffer b = ByteBuffer.allocate(NONCE_LEN);
        b.putLong(clock.millis());
        byte[] r = new byte[RANDOM_LEN];
        random.nextBytes(r);
        b.put(r);
        b.put(mac(b.array(), realm), 0, MAC_LEN);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    Check check(String nonce, String realm) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return new Check(Status.FORGED, 0);
        }
        if (raw.length != NONCE_LEN) {
            return new Check(Status.FORGED, 0);
        }
        byte[] expected = mac(raw, realm);
        byte[] got = new byte[MAC_LEN];
        System.arraycopy(raw, TIME_LEN + RANDOM_LEN, got, 0, MAC_LEN);
        byte[] want = new byte[MAC_LEN];
        System.arraycopy(expected, 0, want, 0, MAC_LEN);
        if (!MessageDigest.isEqual(got, want)) {
            return new Check(Status.FORGED, 0);
        }
        long issuedAt = ByteBuffer.wrap(raw).getLong();
        long age = clock.millis() - issuedAt;
        // A nonce from the future is as suspicious as an old one: only a clock step back explains it.
        if (age < 0 || age > lifetimeMillis) {
            return new Check(Status.EXPIRED, issuedAt);
        }
        return new Check(Status.VALID, issuedAt);
    }

    private byte[] mac(byte[] nonceBytes, String realm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(nonceBytes, 0, TIME_LEN + RANDOM_LEN);
            mac.update(realm.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
