package dev.dialtone.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Published vectors: RFC 3711 appendix B, RFC 6188 7.2, and the libsrtp validation packets. */
class SrtpVectorsTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static final byte[] B3_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void rfc3711_b2_aesCmKeystream() {
        AesCounterMode cm = new AesCounterMode(hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] out = new byte[0xFF02 * 16];
        cm.apply(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), out, 0, out.length);
        assertArrayEquals(hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                + "41E95B3BB0A2E8DD477901E4FCA894C0"), Arrays.copyOf(out, 48));
        assertArrayEquals(hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                + "6A2CC3787889374FBEB4C81B17BA6C44"), Arrays.copyOfRange(out, 0xFEFF * 16, 0xFF02 * 16));
    }

    @Test
    void rfc3711_b3_keyDerivation() {
        SessionKeys keys = new SessionKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpMasterKey.of(B3_KEY, B3_SALT),
                SessionKeys.RTP_LABELS);
        assertArrayEquals(hex("C61E7A93744F39EE10734AFE3FF7A087"), keys.encryptionKey);
        assertArrayEquals(hex("30CBBC08863D8C85D49DB34A9AE1"), keys.salt);
        assertArrayEquals(hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), keys.authKey);
    }

    @Test
    void rfc3711_b3_masterKeys_srtcpLabels() {
        SessionKeys keys = new SessionKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpMasterKey.of(B3_KEY, B3_SALT),
                SessionKeys.RTCP_LABELS);
        assertArrayEquals(hex("4c1aa45a81f73d61c800bbb00fbb1eaa"), keys.encryptionKey);
        assertArrayEquals(hex("8d54534feb49ae8e7993a6bd0b844fc323a93dfd"), keys.authKey);
        assertArrayEquals(hex("9581c7ad87b3e530bf3e4454a8b3"), keys.salt);
    }

    @Test
    void rfc6188_7_2_aes256KeyDerivation() {
        SessionKeys keys = new SessionKeys(SrtpProfile.AES_256_CM_HMAC_SHA1_80,
                SrtpMasterKey.of(hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"),
                        hex("3b04803de51ee7c96423ab5b78d2")), SessionKeys.RTP_LABELS);
        assertArrayEquals(hex("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"),
                keys.encryptionKey);
        assertArrayEquals(hex("fa31791685ca444a9e07c6c64e93"), keys.salt);
        assertArrayEquals(hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"), keys.authKey);
    }

    private static final String RTP_PLAIN = "800f1234decafbadcafebabe abababababababababababababababab";

    @Test
    void libsrtpPacket_aes128Sha1_80_protectAndUnprotect() {
        SrtpMasterKey key = SrtpMasterKey.of(B3_KEY, B3_SALT);
        byte[] packet = Arrays.copyOf(hex(RTP_PLAIN), 100);
        int len = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key).protect(packet, 0, 28);
        byte[] expected = hex("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
        assertArrayEquals(expected, Arrays.copyOf(packet, len));

        int plainLen = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key).unprotect(packet, 0, len);
        assertArrayEquals(hex(RTP_PLAIN), Arrays.copyOf(packet, plainLen));
    }

    @Test
    void libsrtpPacket_aes256Sha1_80_protect() {
        SrtpMasterKey key = SrtpMasterKey.of(hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"),
                hex("3b04803de51ee7c96423ab5b78d2"));
        byte[] packet = Arrays.copyOf(hex(RTP_PLAIN), 100);
        int len = SrtpTransformer.create(SrtpProfile.AES_256_CM_HMAC_SHA1_80, key).protect(packet, 0, 28);
        assertArrayEquals(hex("800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b"),
                Arrays.copyOf(packet, len));
    }

    @Test
    void libsrtpRtcpPacket_srtcpIndexOne_protectAndUnprotect() {
        SrtpMasterKey key = SrtpMasterKey.of(B3_KEY, B3_SALT);
        String plain = "81c8000bcafebabe abababababababababababababababab";
        SrtpTransformer sender = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key);
        byte[] first = Arrays.copyOf(hex(plain), 100);
        sender.protectRtcp(first, 0, 24);
        // The published packet carries SRTCP index 1: the sender's second packet.
        byte[] packet = Arrays.copyOf(hex(plain), 100);
        int len = sender.protectRtcp(packet, 0, 24);
        byte[] expected = hex("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");
        assertArrayEquals(expected, Arrays.copyOf(packet, len));

        SrtpTransformer receiver = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key);
        assertEquals(24, receiver.unprotectRtcp(packet, 0, len));
        assertArrayEquals(hex(plain), Arrays.copyOf(packet, 24));
    }

    @Test
    void truncatedPackets_areAllRejected() {
        SrtpMasterKey key = SrtpMasterKey.of(B3_KEY, B3_SALT);
        byte[] srtp = hex("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
        for (int len = 0; len < srtp.length; len++) {
            SrtpTransformer receiver = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key);
            int r = receiver.unprotect(Arrays.copyOf(srtp, len), 0, len);
            assertEquals(true, r < 0, "accepted a packet truncated to " + len);
        }
        byte[] srtcp = hex("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");
        for (int len = 0; len < srtcp.length; len++) {
            SrtpTransformer receiver = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key);
            assertEquals(true, receiver.unprotectRtcp(Arrays.copyOf(srtcp, len), 0, len) < 0,
                    "accepted SRTCP truncated to " + len);
        }
    }
}
