package dev.dialtone.media.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * A master key and salt (RFC 3711 3.2.1) with the optional MKI of an SDES key param (RFC 4568 6.1):
 * {@code inline:<base64(key||salt)>[|<lifetime>][|<MKI value>:<MKI length>]}.
 */
public final class SrtpMasterKey {
    private final byte[] key;
    private final byte[] salt;
    private final byte[] mki;

    private SrtpMasterKey(byte[] key, byte[] salt, byte[] mki) {
        this.key = key;
        this.salt = salt;
        this.mki = mki;
    }

    public static SrtpMasterKey of(byte[] key, byte[] salt) {
        if (key.length != 16 && key.length != 32) {
            throw new IllegalArgumentException("master key must be 16 or 32 bytes: " + key.length);
        }
        if (salt.length != 14 && salt.length != 12) {
            throw new IllegalArgumentException("master salt must be 14 (AES_CM) or 12 (AEAD) bytes: " + salt.length);
        }
        return new SrtpMasterKey(key.clone(), salt.clone(), new byte[0]);
    }

    /** A fresh random key for an offer or answer. */
    public static SrtpMasterKey generate(SrtpProfile profile, SecureRandom random) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new SrtpMasterKey(key, salt, new byte[0]);
    }

    /**
     * Parses an SDES key param, with or without the {@code inline:} prefix. The message of the exception is the
     * reason to give the peer (RFC 4568 says to reject the crypto line; the engine answers 488 if none is usable).
     */
    public static SrtpMasterKey fromSdes(SrtpProfile profile, String keyParam) {
        String info = keyParam;
        if (info.regionMatches(true, 0, "inline:", 0, 7)) {
            info = info.substring(7);
        }
        String[] parts = info.split("\\|", -1);
        if (parts[0].indexOf(':') >= 0) {
            // Base64 has no ':', so this is another key method; RFC 4568 6.1 defines only "inline".
            throw new IllegalArgumentException("only the inline key method is supported");
        }
        if (parts.length > 3) {
            throw new IllegalArgumentException("inline key has too many '|' parts");
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("inline key is not base64");
        }
        int expected = profile.keyLength() + profile.saltLength();
        if (material.length != expected) {
            throw new IllegalArgumentException("inline key for " + profile.suiteName() + " must be " + expected
                    + " bytes, got " + material.length);
        }
        byte[] mki = new byte[0];
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int colon = p.indexOf(':');
            if (colon >= 0) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("MKI must be the last inline key part");
                }
                mki = parseMki(p.substring(0, colon), p.substring(colon + 1));
            } else if (!isLifetime(p)) {
                throw new IllegalArgumentException("bad key lifetime '" + p + "'");
            }
        }
        return new SrtpMasterKey(Arrays.copyOfRange(material, 0, profile.keyLength()),
                Arrays.copyOfRange(material, profile.keyLength(), expected), mki);
    }

    private static boolean isLifetime(String p) {
        String digits = p.toLowerCase(Locale.ROOT).startsWith("2^") ? p.substring(2) : p;
        return !digits.isEmpty() && digits.length() <= 20 && digits.chars().allMatch(Character::isDigit);
    }

    // RFC 4568 6.1: MKI value (decimal) and MKI length in bytes, 1 to 128.
    private static byte[] parseMki(String value, String length) {
        if (value.isEmpty() || length.isEmpty() || value.length() > 18 || length.length() > 3
                || !value.chars().allMatch(Character::isDigit) || !length.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad MKI '" + value + ":" + length + "'");
        }
        int len = Integer.parseInt(length);
        long v = Long.parseLong(value);
        if (len < 1 || len > 128) {
            throw new IllegalArgumentException("MKI length must be 1-128 bytes: " + len);
        }
        if (len < 8 && v >= (1L << (8 * len))) {
            throw new IllegalArgumentException("MKI value " + v + " does not fit in " + len + " bytes");
        }
        byte[] mki = new byte[len];
        for (int i = len - 1, shift = 0; i >= 0 && shift < 64; i--, shift += 8) {
            mki[i] = (byte) (v >>> shift);
        }
        return mki;
    }

    /** The SDES key param for this key: {@code inline:<base64>} (plus {@code |<mki>:<len>} when it has an MKI). */
    public String toInline() {
        byte[] material = new byte[key.length + salt.length];
        System.arraycopy(key, 0, material, 0, key.length);
        System.arraycopy(salt, 0, material, key.length, salt.length);
        String s = "inline:" + Base64.getEncoder().encodeToString(material);
        if (mki.length > 0) {
            long v = 0;
            for (byte b : mki) {
                v = (v << 8) | (b & 0xFF);
            }
            s += "|" + v + ":" + mki.length;
        }
        return s;
    }

    byte[] key() {
        return key;
    }

    byte[] salt() {
        return salt;
    }

    byte[] mki() {
        return mki;
    }

    public int mkiLength() {
        return mki.length;
    }

    /** Does not reveal the key. */
    @Override
    public String toString() {
        return "SrtpMasterKey[" + key.length * 8 + " bit" + (mki.length > 0 ? ", MKI " + mki.length + " bytes" : "")
                + "]";
    }
}
