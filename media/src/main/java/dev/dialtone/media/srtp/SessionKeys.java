package dev.dialtone.media.srtp;

import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The session keys of one direction for RTP or for RTCP (RFC 3711 4.3.2 labels 0-2 and 3-5), with the ciphers
 * built once. Holds the IV and MAC scratch so packets are processed without allocation. AEAD profiles have no
 * authentication key (RFC 7714 11) and use {@link #gcm} instead of {@link #cipher} and {@link #mac}.
 */
final class SessionKeys {
    static final int RTP_LABELS = 0;
    static final int RTCP_LABELS = 3;

    final byte[] encryptionKey;
    final byte[] authKey;
    final byte[] salt;
    final AesCounterMode cipher;
    final HMac mac;
    final AesGcm gcm;
    final byte[] iv = new byte[16];
    final byte[] macOut = new byte[20];

    SessionKeys(SrtpProfile profile, SrtpMasterKey master, int firstLabel) {
        // RFC 7714 11: the AEAD master salt is 96 bits; the AES-CM PRF takes it zero-padded to 112.
        byte[] masterSalt = new byte[14];
        System.arraycopy(master.salt(), 0, masterSalt, 0, master.salt().length);
        encryptionKey = AesCounterMode.deriveSessionKey(master.key(), masterSalt, firstLabel, profile.keyLength());
        salt = AesCounterMode.deriveSessionKey(master.key(), masterSalt, firstLabel + 2, profile.saltLength());
        if (profile.isAead()) {
            authKey = new byte[0];
            cipher = null;
            mac = null;
            gcm = new AesGcm(encryptionKey, profile.rtpTagLength());
        } else {
            authKey = AesCounterMode.deriveSessionKey(master.key(), masterSalt, firstLabel + 1,
                    SrtpProfile.AUTH_KEY_LENGTH);
            cipher = new AesCounterMode(encryptionKey);
            mac = new HMac(new SHA1Digest());
            mac.init(new KeyParameter(authKey));
            gcm = null;
        }
    }

    /** The RFC 7714 §16/§17 vectors are given as session keys, below the key derivation. */
    SessionKeys(byte[] sessionKey, byte[] sessionSalt, int tagLength) {
        encryptionKey = sessionKey.clone();
        salt = sessionSalt.clone();
        authKey = new byte[0];
        cipher = null;
        mac = null;
        gcm = new AesGcm(encryptionKey, tagLength);
    }

    /**
     * RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), written into {@link #iv}. For SRTCP
     * the index is the 31-bit SRTCP index.
     */
    void computeIv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        iv[8] ^= (byte) (index >>> 40);
        iv[9] ^= (byte) (index >>> 32);
        iv[10] ^= (byte) (index >>> 24);
        iv[11] ^= (byte) (index >>> 16);
        iv[12] ^= (byte) (index >>> 8);
        iv[13] ^= (byte) index;
    }

    /**
     * RFC 7714 8.1 and 9.1: the 12-octet IV is 00 00 || SSRC || a 48-bit value, XORed with the session salt,
     * written into {@link #iv}[0..12). The value is ROC || SEQ for RTP (the packet index) and 00 00 || 0 || the
     * 31-bit SRTCP index for RTCP, i.e. the index in both cases.
     */
    void computeAeadIv(int ssrc, long index) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        iv[2] = (byte) (salt[2] ^ (ssrc >>> 24));
        iv[3] = (byte) (salt[3] ^ (ssrc >>> 16));
        iv[4] = (byte) (salt[4] ^ (ssrc >>> 8));
        iv[5] = (byte) (salt[5] ^ ssrc);
        for (int i = 0; i < 6; i++) {
            iv[6 + i] = (byte) (salt[6 + i] ^ (index >>> (40 - 8 * i)));
        }
    }
}
