package dev.dialtone.media.srtp;

import java.util.Optional;

/**
 * The SDES crypto suites Dialtone implements, named as in RFC 4568 6.2, RFC 6188 7.1 and RFC 7714 14.2.
 * The AES_CM suites use AES in counter mode (RFC 3711 4.1.1) with HMAC-SHA1 and a 112-bit salt; the AEAD suites
 * use AES-GCM (RFC 7714) with a 96-bit salt and no separate authentication key. {@code AEAD_AES_256_GCM_8} is the
 * 8-octet-tag variant that several SBCs and FreeSWITCH offer.
 */
public enum SrtpProfile {
    AES_CM_128_HMAC_SHA1_80(16, 14, 10, 10, false),
    // RFC 4568 6.2.1 and RFC 6188 7.1: the _32 suites still use an 80-bit tag on SRTCP.
    AES_CM_128_HMAC_SHA1_32(16, 14, 4, 10, false),
    AES_256_CM_HMAC_SHA1_80(32, 14, 10, 10, false),
    AES_256_CM_HMAC_SHA1_32(32, 14, 4, 10, false),
    AEAD_AES_128_GCM(16, 12, 16, 16, true),
    AEAD_AES_256_GCM(32, 12, 16, 16, true),
    AEAD_AES_256_GCM_8(32, 12, 8, 8, true);

    static final int AUTH_KEY_LENGTH = 20;

    private final int keyLength;
    private final int saltLength;
    private final int rtpTagLength;
    private final int rtcpTagLength;
    private final boolean aead;

    SrtpProfile(int keyLength, int saltLength, int rtpTagLength, int rtcpTagLength, boolean aead) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
        this.aead = aead;
    }

    /** Master key length in bytes (16 or 32). */
    public int keyLength() {
        return keyLength;
    }

    /** Master and session salt length in bytes: 14 for AES_CM, 12 for AEAD (RFC 7714 8.1). */
    public int saltLength() {
        return saltLength;
    }

    public int rtpTagLength() {
        return rtpTagLength;
    }

    public int rtcpTagLength() {
        return rtcpTagLength;
    }

    /** AES-GCM (RFC 7714) rather than AES-CM with HMAC-SHA1. */
    public boolean isAead() {
        return aead;
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
