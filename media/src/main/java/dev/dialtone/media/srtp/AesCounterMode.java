package dev.dialtone.media.srtp;

import org.bouncycastle.crypto.MultiBlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES in counter mode as RFC 3711 4.1.1 defines it: keystream block i is AES(key, IV + i), the IV's low 16 bits
 * being zero so the block counter never carries into the packet index. One instance per key, single-threaded,
 * allocation-free after construction.
 */
final class AesCounterMode {
    private final MultiBlockCipher aes = AESEngine.newInstance();
    private final byte[] counter = new byte[16];
    private final byte[] block = new byte[16];

    AesCounterMode(byte[] key) {
        aes.init(true, new KeyParameter(key));
    }

    /** XORs the keystream for {@code iv} into {@code data[off, off+len)}; iv bytes 14 and 15 are ignored. */
    void apply(byte[] iv, byte[] data, int off, int len) {
        System.arraycopy(iv, 0, counter, 0, 14);
        int blockIndex = 0;
        for (int done = 0; done < len; done += 16, blockIndex++) {
            counter[14] = (byte) (blockIndex >>> 8);
            counter[15] = (byte) blockIndex;
            aes.processBlock(counter, 0, block, 0);
            int n = Math.min(16, len - done);
            for (int i = 0; i < n; i++) {
                data[off + done + i] ^= block[i];
            }
        }
    }

    /**
     * RFC 3711 4.3.1 / 4.3.3: the AES-CM PRF. x = key_id XOR master_salt, key_id = label || r with r = 0 because
     * Dialtone uses a key derivation rate of 0 (keys derived once), so only the label byte (byte 7 of the 14-byte
     * salt) changes.
     */
    static byte[] deriveSessionKey(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, 14);
        iv[7] ^= (byte) label;
        byte[] out = new byte[length];
        new AesCounterMode(masterKey).apply(iv, out, 0, length);
        return out;
    }
}
