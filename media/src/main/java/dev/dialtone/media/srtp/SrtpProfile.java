package dev.dialtone.media.srtp;

import java.util.Optional;

/**
 * The SDES crypto suites Dialtone implements, named as in RFC 4568 6.2 and RFC 6188 7.1. All use AES in counter
 * mode (RFC 3711 4.1.1), HMAC-SHA1 with a 160-bit key (4.2.1) and a 112-bit master salt.
 */
public enum SrtpProfile {
    AES_CM_128_HMAC_SHA1_80(16, 10),
    AES_CM_128_HMAC_SHA1_32(16, 4),
    AES_256_CM_HMAC_SHA1_80(32, 10),
    AES_256_CM_HMAC_SHA1_32(32, 4);

    static final int SALT_LENGTH = 14;
    static final int AUTH_KEY_LENGTH = 20;

    private final int keyLength;
    private final int rtpTagLength;

    SrtpProfile(int keyLength, int rtpTagLength) {
        this.keyLength = keyLength;
        this.rtpTagLength = rtpTagLength;
    }

    /** Master key length in bytes (16 or 32). */
    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return SALT_LENGTH;
    }

    public int rtpTagLength() {
        return rtpTagLength;
    }

    /** RFC 4568 6.2.1 and RFC 6188 7.1: the _32 suites still use an 80-bit tag on SRTCP. */
    public int rtcpTagLength() {
        return 10;
    }

    /** The suite name used in {@code a=crypto}. */
    public String suiteName() {
        return name();
    }

    public static Optional<SrtpProfile> fromSuite(String suite) {
        for (SrtpProfile p : values()) {
            if (p.name().equals(suite)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
