package dev.dialtone.media.srtp;

import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The session keys of one direction for RTP or for RTCP (RFC 3711 4.3.2 labels 0-2 and 3-5), with the ciphers
 * built once. Holds the IV and MAC scratch so packets are processed without allocation.
 */
final class SessionKeys {
    static final int RTP_LABELS = 0;
    static final int RTCP_LABELS = 3;

    final byte[] encryptionKey;
    final byte[] authKey;
    final byte[] salt;
    final AesCounterMode cipher;
    final HMac mac = new HMac(new SHA1Digest());
    final byte[] iv = new byte[16];
    final byte[] macOut = new byte[20];

    SessionKeys(SrtpProfile profile, SrtpMasterKey master, int firstLabel) {
        encryptionKey = AesCounterMode.deriveSessionKey(master.key(), master.salt(), firstLabel, profile.keyLength());
        authKey = AesCounterMode.deriveSessionKey(master.key(), master.salt(), firstLabel + 1,
                SrtpProfile.AUTH_KEY_LENGTH);
        salt = AesCounterMode.deriveSessionKey(master.key(), master.salt(), firstLabel + 2, SrtpProfile.SALT_LENGTH);
        cipher = new AesCounterMode(encryptionKey);
        mac.init(new KeyParameter(authKey));
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
}
