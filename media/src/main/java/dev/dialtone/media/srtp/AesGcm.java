package dev.dialtone.media.srtp;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM for RFC 7714: ciphertext followed by the (possibly truncated) tag. A truncated GCM tag is the leading
 * bytes of the full tag (NIST SP 800-38D 5.2.1.2). Decryption writes into a scratch buffer first so a packet that
 * fails authentication is left untouched.
 */
final class AesGcm {
    private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final KeyParameter key;
    private final int tagLength;
    private boolean keyed;
    private byte[] scratch = new byte[2048];

    AesGcm(byte[] key, int tagLength) {
        this.key = new KeyParameter(key);
        this.tagLength = tagLength;
    }

    int tagLength() {
        return tagLength;
    }

    /**
     * Encrypts {@code b[at, at+len)} in place and writes the tag right after it. False when the nonce is the one
     * just used (the same packet index protected twice in a row), which GCM must never do.
     */
    boolean seal(byte[] iv12, byte[] aad1, int aad1Off, int aad1Len, byte[] aad2, int aad2Len, byte[] b, int at,
                 int len) {
        try {
            init(true, iv12);
        } catch (IllegalArgumentException nonceReuse) {
            return false;
        }
        gcm.processAADBytes(aad1, aad1Off, aad1Len);
        if (aad2Len > 0) {
            gcm.processAADBytes(aad2, 0, aad2Len);
        }
        ensureScratch(len + 16);
        int n = gcm.processBytes(b, at, len, scratch, 0);
        try {
            n += gcm.doFinal(scratch, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption cannot fail", e);
        }
        System.arraycopy(scratch, 0, b, at, len + tagLength);
        return true;
    }

    /** Verifies and decrypts {@code b[at, at+len)} (ciphertext then tag) in place; false if forged. */
    boolean open(byte[] iv12, byte[] aad1, int aad1Off, int aad1Len, byte[] aad2, int aad2Len, byte[] b, int at,
                 int len) {
        init(false, iv12);
        gcm.processAADBytes(aad1, aad1Off, aad1Len);
        if (aad2Len > 0) {
            gcm.processAADBytes(aad2, 0, aad2Len);
        }
        ensureScratch(len);
        int n = gcm.processBytes(b, at, len, scratch, 0);
        try {
            n += gcm.doFinal(scratch, n);
        } catch (InvalidCipherTextException e) {
            return false;
        }
        System.arraycopy(scratch, 0, b, at, n);
        return true;
    }

    private void init(boolean encrypt, byte[] iv12) {
        // A fresh nonce array each time: BouncyCastle keeps the reference to detect nonce reuse.
        byte[] nonce = java.util.Arrays.copyOf(iv12, 12);
        // The key is given once; a null key makes BouncyCastle keep its GHASH tables instead of rebuilding them.
        // AEADParameters is its only way to pass a nonce: two small objects per AEAD packet.
        gcm.init(encrypt, new AEADParameters(keyed ? null : key, tagLength * 8, nonce));
        keyed = true;
    }

    private void ensureScratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[n];
        }
    }
}
