package dev.dialtone.media.negotiation;

import dev.dialtone.media.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.List;

/**
 * How one leg uses SDES-SRTP: the endpoint's {@code encryption} ({@code required}, {@code optional}, or off) and
 * {@code ciphers} in preference order. {@code random} makes the keys, so tests can pass their own.
 */
public record SrtpPolicy(Mode mode, List<SrtpProfile> profiles, SecureRandom random) {
    public enum Mode {
        /** Plain RTP; an RTP/SAVP offer is rejected. */
        DISABLED,
        /** Offer RTP/AVP with {@code a=crypto} (best effort); accept SRTP or plain. */
        OPTIONAL,
        /** Offer RTP/SAVP; reject offers and answers without a usable {@code a=crypto}. */
        REQUIRED
    }

    /**
     * The endpoint {@code ciphers} values, most widely deployed first: an offer lists one {@code a=crypto} per
     * entry in this order, an answer takes the offerer's first one that is in the list.
     */
    public static final List<SrtpProfile> DEFAULT_PROFILES = List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            SrtpProfile.AES_CM_128_HMAC_SHA1_32, SrtpProfile.AES_256_CM_HMAC_SHA1_80,
            SrtpProfile.AES_256_CM_HMAC_SHA1_32, SrtpProfile.AEAD_AES_256_GCM_8);

    public SrtpPolicy {
        profiles = List.copyOf(profiles);
        if (mode != Mode.DISABLED && (profiles.isEmpty() || random == null)) {
            throw new IllegalArgumentException("SRTP " + mode + " needs profiles and a SecureRandom");
        }
    }

    public static SrtpPolicy disabled() {
        return new SrtpPolicy(Mode.DISABLED, List.of(), null);
    }

    public static SrtpPolicy optional(List<SrtpProfile> profiles, SecureRandom random) {
        return new SrtpPolicy(Mode.OPTIONAL, profiles, random);
    }

    public static SrtpPolicy required(List<SrtpProfile> profiles, SecureRandom random) {
        return new SrtpPolicy(Mode.REQUIRED, profiles, random);
    }
}
