package dev.dialtone.media.srtp;

import static dev.dialtone.media.srtp.SrtpVectorsTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 7714 sections 16 and 17: AEAD_AES_128_GCM / AEAD_AES_256_GCM, given as session key and salt. */
class SrtpGcmVectorsTest {
    private static final byte[] KEY_128 = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] KEY_256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] SALT = hex("517569642070726f2071756f"); // "Quid pro quo"
    private static final byte[] RTP = hex("8040f17b8041f8d35501a0b2"
            + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
    private static final byte[] SRTP_128 = hex("8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bca"
            + "be633bd50d294e6f42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce");
    private static final byte[] SRTP_256 = hex("8040f17b8041f8d35501a0b2 32b1de78a822fe12ef9f78fa332e33aa"
            + "b18012389a58e2f3b50b2a0276ffae0f1ba63799b87b 7aa3db36dfffd6b0f9bb7878d7a76c13");
    private static final byte[] RTCP = hex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    private static final byte[] SRTCP_256 = hex("81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50"
            + "a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4");
    private static final byte[] SRTCP_128_UNENCRYPTED = hex("81c8000d4d6172734e5450314e545032525450200000042a"
            + "0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4");

    private static SrtpTransformer transformer(SrtpProfile profile, byte[] key) {
        return new SrtpTransformer(profile, new SessionKeys(key, SALT, profile.rtpTagLength()),
                new SessionKeys(key, SALT, profile.rtcpTagLength()));
    }

    @Test
    void rfc7714_16_1_aes128Gcm_rtp() {
        byte[] buf = Arrays.copyOf(RTP, 128);
        int len = transformer(SrtpProfile.AEAD_AES_128_GCM, KEY_128).protect(buf, 0, RTP.length);
        assertArrayEquals(SRTP_128, Arrays.copyOf(buf, len));
        buf = SRTP_128.clone();
        assertEquals(RTP.length, transformer(SrtpProfile.AEAD_AES_128_GCM, KEY_128).unprotect(buf, 0, buf.length));
        assertArrayEquals(RTP, Arrays.copyOf(buf, RTP.length));
    }

    @Test
    void rfc7714_16_2_aes256Gcm_rtp() {
        byte[] buf = Arrays.copyOf(RTP, 128);
        int len = transformer(SrtpProfile.AEAD_AES_256_GCM, KEY_256).protect(buf, 0, RTP.length);
        assertArrayEquals(SRTP_256, Arrays.copyOf(buf, len));
    }

    @Test
    void aes256Gcm8_isTheSameCiphertextWithTheTagTruncatedToEightOctets() {
        byte[] buf = Arrays.copyOf(RTP, 128);
        int len = transformer(SrtpProfile.AEAD_AES_256_GCM_8, KEY_256).protect(buf, 0, RTP.length);
        assertArrayEquals(Arrays.copyOf(SRTP_256, RTP.length + 8), Arrays.copyOf(buf, len));
        assertEquals(RTP.length, transformer(SrtpProfile.AEAD_AES_256_GCM_8, KEY_256).unprotect(buf, 0, len));
        assertArrayEquals(RTP, Arrays.copyOf(buf, RTP.length));
    }

    @Test
    void aeadForgery_isRejectedAndBufferUnchanged() {
        byte[] buf = SRTP_256.clone();
        buf[20] ^= 0x40;
        byte[] before = buf.clone();
        assertEquals(SrtpStatus.AUTH_FAILED, SrtpStatus.of(
                transformer(SrtpProfile.AEAD_AES_256_GCM, KEY_256).unprotect(buf, 0, buf.length)));
        assertArrayEquals(before, buf);
    }

    @Test
    void rfc7714_17_2_aes256Gcm_rtcp() {
        byte[] buf = SRTCP_256.clone();
        SrtpTransformer receiver = transformer(SrtpProfile.AEAD_AES_256_GCM, KEY_256);
        assertEquals(RTCP.length, receiver.unprotectRtcp(buf, 0, buf.length));
        assertArrayEquals(RTCP, Arrays.copyOf(buf, RTCP.length));

        SrtpTransformer sender = transformer(SrtpProfile.AEAD_AES_256_GCM, KEY_256);
        byte[] scratch = new byte[128];
        for (int i = 0; i < 0x5d4; i++) {
            System.arraycopy(RTCP, 0, scratch, 0, RTCP.length);
            sender.protectRtcp(scratch, 0, RTCP.length);
        }
        byte[] out = Arrays.copyOf(RTCP, 128);
        int len = sender.protectRtcp(out, 0, RTCP.length);
        assertArrayEquals(SRTCP_256, Arrays.copyOf(out, len));
    }

    @Test
    void rfc7714_17_3_unencryptedSrtcp_isAuthenticatedOnly() {
        byte[] buf = SRTCP_128_UNENCRYPTED.clone();
        assertEquals(RTCP.length, transformer(SrtpProfile.AEAD_AES_128_GCM, KEY_128)
                .unprotectRtcp(buf, 0, buf.length));
        assertArrayEquals(RTCP, Arrays.copyOf(buf, RTCP.length));
    }
}
