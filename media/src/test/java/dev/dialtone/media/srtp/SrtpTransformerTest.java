package dev.dialtone.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpTransformerTest {
    private static final int SSRC = 0x11223344;

    private static SrtpMasterKey key(SrtpProfile profile) {
        byte[] material = new byte[profile.keyLength() + profile.saltLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (i * 7 + 3);
        }
        return SrtpMasterKey.fromSdes(profile, "inline:" + Base64.getEncoder().encodeToString(material));
    }

    /** An RTP packet with a 160-byte payload whose bytes depend on the sequence number. */
    private static byte[] rtp(int seq, int ssrc) {
        byte[] p = new byte[12 + 160];
        p[0] = (byte) 0x80;
        p[1] = 0;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        int ts = seq * 160;
        p[4] = (byte) (ts >>> 24);
        p[5] = (byte) (ts >>> 16);
        p[6] = (byte) (ts >>> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (seq + i);
        }
        return p;
    }

    private static byte[] protect(SrtpTransformer sender, byte[] plain) {
        byte[] buf = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());
        int len = sender.protect(buf, 0, plain.length);
        assertEquals(plain.length + sender.rtpOverhead(), len);
        return buf;
    }

    private static int unprotect(SrtpTransformer receiver, byte[] srtp) {
        return receiver.unprotect(srtp.clone(), 0, srtp.length);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTrip_everyProfile(SrtpProfile profile) {
        SrtpTransformer sender = SrtpTransformer.create(profile, key(profile));
        SrtpTransformer receiver = SrtpTransformer.create(profile, key(profile));
        for (int seq = 1000; seq < 1010; seq++) {
            byte[] plain = rtp(seq, SSRC);
            byte[] srtp = protect(sender, plain);
            assertFalse(Arrays.equals(Arrays.copyOfRange(plain, 12, plain.length),
                    Arrays.copyOfRange(srtp, 12, plain.length)), "payload must be encrypted");
            assertArrayEquals(Arrays.copyOf(plain, 12), Arrays.copyOf(srtp, 12), "header stays in the clear");
            int len = receiver.unprotect(srtp, 0, srtp.length);
            assertEquals(plain.length, len);
            assertArrayEquals(plain, Arrays.copyOf(srtp, len));
        }
    }

    @Test
    void aesCm_protectAndUnprotect_allocateNothingPerPacket() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
        byte[] buf = new byte[172 + 10];
        byte[] header = rtp(0, SSRC);
        int packets = 20_000;
        long before = 0;
        for (int seq = 0; seq < packets; seq++) {
            if (seq == packets / 2) {
                before = threads.getCurrentThreadAllocatedBytes();
            }
            System.arraycopy(header, 0, buf, 0, 12);
            buf[2] = (byte) (seq >>> 8);
            buf[3] = (byte) seq;
            int len = sender.protect(buf, 0, 172);
            assertEquals(172, receiver.unprotect(buf, 0, len));
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 10,000 packets each way: even one 16-byte object per packet would be 160 KB.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes");
    }

    @Test
    void tagLengths_80And32() {
        assertEquals(10, SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                key(SrtpProfile.AES_CM_128_HMAC_SHA1_80)).rtpOverhead());
        assertEquals(4, SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_32,
                key(SrtpProfile.AES_CM_128_HMAC_SHA1_32)).rtpOverhead());
        // RFC 4568 6.2.1: SRTCP keeps the 80-bit tag.
        assertEquals(14, SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_32,
                key(SrtpProfile.AES_CM_128_HMAC_SHA1_32)).rtcpOverhead());
    }

    @Test
    void flippedBit_isRejectedAndBufferUnchanged() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] srtp = protect(SrtpTransformer.create(p, key(p)), rtp(7, SSRC));
        for (int i : new int[] {1, 12, 100, srtp.length - 1}) {
            byte[] tampered = srtp.clone();
            tampered[i] ^= 0x01;
            byte[] before = tampered.clone();
            SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
            assertEquals(SrtpStatus.AUTH_FAILED, SrtpStatus.of(receiver.unprotect(tampered, 0, tampered.length)));
            assertArrayEquals(before, tampered);
        }
    }

    @Test
    void wrongKey_failsAuthentication() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] srtp = protect(SrtpTransformer.create(p, key(p)), rtp(7, SSRC));
        SrtpTransformer other = SrtpTransformer.create(p, SrtpMasterKey.of(new byte[16], new byte[14]));
        assertEquals(SrtpStatus.AUTH_FAILED, SrtpStatus.of(unprotect(other, srtp)));
    }

    @Test
    void replayWindow_rejectsDuplicatesAndTooOld_acceptsReorderedInsideWindow() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        byte[][] packets = new byte[200][];
        for (int seq = 0; seq < 200; seq++) {
            packets[seq] = protect(sender, rtp(seq, SSRC));
        }
        SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
        assertTrue(unprotect(receiver, packets[100]) > 0);
        assertEquals(SrtpStatus.REPLAYED, SrtpStatus.of(unprotect(receiver, packets[100])));
        assertTrue(unprotect(receiver, packets[99]) > 0, "late but inside the window");
        assertEquals(SrtpStatus.REPLAYED, SrtpStatus.of(unprotect(receiver, packets[99])));
        assertTrue(unprotect(receiver, packets[163]) > 0);
        assertEquals(SrtpStatus.TOO_OLD, SrtpStatus.of(unprotect(receiver, packets[99])), "63+1 behind");
        assertTrue(unprotect(receiver, packets[101]) > 0, "62 behind, never seen");
        assertEquals(SrtpStatus.REPLAYED, SrtpStatus.of(unprotect(receiver, packets[163])));
    }

    @Test
    void sequenceWrap_rocAdvances_andReorderedPacketAroundTheWrapDecrypts() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        int[] seqs = {65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3};
        byte[][] plain = new byte[seqs.length][];
        byte[][] srtp = new byte[seqs.length][];
        for (int i = 0; i < seqs.length; i++) {
            plain[i] = rtp(seqs[i], SSRC);
            srtp[i] = protect(sender, plain[i]);
        }
        SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
        // Arrival order: 65535 comes after 0 and 1, i.e. reordered across the wrap.
        int[] arrival = {0, 1, 2, 3, 4, 6, 7, 5, 8, 9};
        for (int i : arrival) {
            byte[] buf = srtp[i].clone();
            int len = receiver.unprotect(buf, 0, buf.length);
            assertEquals(plain[i].length, len, "seq " + seqs[i] + ": " + SrtpStatus.of(len));
            assertArrayEquals(plain[i], Arrays.copyOf(buf, len));
        }
        assertEquals(SrtpStatus.REPLAYED, SrtpStatus.of(unprotect(receiver, srtp[5])));
    }

    @Test
    void senderRoc_isPartOfTheKeystreamAfterTheWrap() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        protect(sender, rtp(65535, SSRC));
        byte[] afterWrap = protect(sender, rtp(0, SSRC));
        // A receiver that never saw the wrap assumes ROC 0 and must fail authentication: proof the ROC was 1.
        SrtpTransformer fresh = SrtpTransformer.create(p, key(p));
        assertEquals(SrtpStatus.AUTH_FAILED, SrtpStatus.of(unprotect(fresh, afterWrap)));
    }

    @Test
    void rocEstimation_rfc3711AppendixA() {
        assertEquals(0, SrtpTransformer.estimateRoc(100, 200));
        assertEquals(1, SrtpTransformer.estimateRoc(65535, 0));
        assertEquals(0, SrtpTransformer.estimateRoc((1L << 16) | 2, 65534));
        assertEquals(-1, SrtpTransformer.estimateRoc(2, 65534));
        assertEquals(5, SrtpTransformer.estimateRoc((5L << 16) | 40000, 30000));
    }

    @Test
    void independentSsrcs_haveIndependentState() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
        byte[] a = protect(sender, rtp(5, 1));
        byte[] b = protect(sender, rtp(5, 2));
        assertTrue(unprotect(receiver, a) > 0);
        assertTrue(unprotect(receiver, b) > 0, "same seq, other SSRC is not a replay");
    }

    @Test
    void mki_isWrittenAndChecked() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        String inline = "inline:" + Base64.getEncoder().encodeToString(new byte[30]) + "|2^20|258:2";
        SrtpMasterKey k = SrtpMasterKey.fromSdes(p, inline);
        assertEquals(inline.replace("|2^20", ""), k.toInline());
        SrtpTransformer sender = SrtpTransformer.create(p, k);
        assertEquals(12, sender.rtpOverhead());
        byte[] plain = rtp(9, SSRC);
        byte[] srtp = protect(sender, plain);
        assertEquals(1, srtp[plain.length]);
        assertEquals(2, srtp[plain.length + 1]);
        assertEquals(plain.length, unprotect(SrtpTransformer.create(p, k), srtp));
        srtp[plain.length + 1] = 3;
        assertEquals(SrtpStatus.MKI_MISMATCH, SrtpStatus.of(unprotect(SrtpTransformer.create(p, k), srtp)));
    }

    @Test
    void headerExtensionAndCsrcs_stayInTheClear() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] plain = new byte[12 + 8 + 8 + 20];
        plain[0] = (byte) 0x92; // V=2, X=1, CC=2
        plain[11] = 1;
        plain[20] = (byte) 0xBE;
        plain[21] = (byte) 0xDE;
        plain[23] = 1; // one 32-bit extension word
        Arrays.fill(plain, 28, plain.length, (byte) 0x55);
        byte[] srtp = protect(SrtpTransformer.create(p, key(p)), plain);
        assertArrayEquals(Arrays.copyOf(plain, 28), Arrays.copyOf(srtp, 28));
        assertEquals(plain.length, unprotect(SrtpTransformer.create(p, key(p)), srtp));
    }

    @Test
    void malformed_notVersion2() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] plain = rtp(1, SSRC);
        plain[0] = 0x40;
        assertEquals(SrtpStatus.MALFORMED,
                SrtpStatus.of(SrtpTransformer.create(p, key(p)).protect(plain, 0, plain.length)));
    }

    @Test
    void byteArrayWithoutRoomForTheTag_isReported() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] plain = rtp(1, SSRC);
        assertEquals(SrtpStatus.BUFFER_TOO_SMALL,
                SrtpStatus.of(SrtpTransformer.create(p, key(p)).protect(plain, 0, plain.length)));
    }

    @Test
    void byteBuf_inPlace_heapAndDirect_andIntoTarget() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_32;
        byte[] plain = rtp(42, SSRC);
        byte[] expected = protect(SrtpTransformer.create(p, key(p)), plain);
        ByteBuf fixed = Unpooled.wrappedBuffer(plain.clone());
        assertEquals(SrtpStatus.BUFFER_TOO_SMALL, SrtpTransformer.create(p, key(p)).protect(fixed));
        assertArrayEquals(plain, ByteBufUtil.getBytes(fixed));
        fixed.release();
        for (ByteBuf buf : new ByteBuf[] {Unpooled.buffer(16), PooledByteBufAllocator.DEFAULT.directBuffer(200)}) {
            try {
                buf.clear().writeBytes(plain);
                assertEquals(SrtpStatus.OK, SrtpTransformer.create(p, key(p)).protect(buf));
                assertArrayEquals(expected, ByteBufUtil.getBytes(buf));
                assertEquals(SrtpStatus.OK, SrtpTransformer.create(p, key(p)).unprotect(buf));
                assertArrayEquals(plain, ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
        ByteBuf src = Unpooled.wrappedBuffer(expected.clone());
        ByteBuf target = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        try {
            assertEquals(SrtpStatus.OK, SrtpTransformer.create(p, key(p)).unprotect(src, target));
            assertArrayEquals(plain, ByteBufUtil.getBytes(target));
            assertArrayEquals(expected, ByteBufUtil.getBytes(src), "source untouched");
            target.clear();
            SrtpTransformer strict = SrtpTransformer.create(p, SrtpMasterKey.of(new byte[16], new byte[14]));
            assertEquals(SrtpStatus.AUTH_FAILED, strict.unprotect(src, target));
            assertEquals(0, target.readableBytes(), "nothing written on failure");
        } finally {
            src.release();
            target.release();
        }
    }

    @Test
    void relay_srtpLegToPlainLeg_andBack() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpMasterKey callerKey = key(p);
        SrtpMasterKey dialtoneKey = SrtpMasterKey.of(new byte[16], new byte[14]);
        SrtpTransformer callerSends = SrtpTransformer.create(p, callerKey);
        SrtpTransformer fromCaller = SrtpTransformer.create(p, callerKey);
        SrtpTransformer toCaller = SrtpTransformer.create(p, dialtoneKey);
        SrtpTransformer callerReceives = SrtpTransformer.create(p, dialtoneKey);

        byte[] plain = rtp(3, SSRC);
        ByteBuf wire = Unpooled.buffer(256).writeBytes(protect(callerSends, plain));
        assertEquals(SrtpStatus.OK, fromCaller.unprotect(wire));
        assertArrayEquals(plain, ByteBufUtil.getBytes(wire), "the plain leg receives ordinary RTP");
        wire.release();

        byte[] fromCallee = rtp(900, 0x55667788);
        ByteBuf back = Unpooled.buffer(256).writeBytes(fromCallee);
        assertEquals(SrtpStatus.OK, toCaller.protect(back));
        byte[] received = ByteBufUtil.getBytes(back);
        back.release();
        int len = callerReceives.unprotect(received, 0, received.length);
        assertArrayEquals(fromCallee, Arrays.copyOf(received, len));
    }

    @Test
    void srtcp_roundTrip_replayAndUnencryptedFlag() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_32;
        SrtpTransformer sender = SrtpTransformer.create(p, key(p));
        SrtpTransformer receiver = SrtpTransformer.create(p, key(p));
        byte[] rr = {(byte) 0x81, (byte) 201, 0, 7, 0x11, 0x22, 0x33, 0x44, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
            13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
        byte[] buf = Arrays.copyOf(rr, rr.length + sender.rtcpOverhead());
        int len = sender.protectRtcp(buf, 0, rr.length);
        assertEquals(rr.length + 14, len);
        assertEquals((byte) 0x80, buf[rr.length], "E flag set");
        byte[] copy = buf.clone();
        assertEquals(rr.length, receiver.unprotectRtcp(buf, 0, len));
        assertArrayEquals(rr, Arrays.copyOf(buf, rr.length));
        assertEquals(SrtpStatus.REPLAYED, SrtpStatus.of(receiver.unprotectRtcp(copy, 0, len)));
        copy[12] ^= 1;
        assertEquals(SrtpStatus.AUTH_FAILED,
                SrtpStatus.of(SrtpTransformer.create(p, key(p)).unprotectRtcp(copy, 0, len)));
    }

    @Test
    void sdesKeyParams_rejectedWithReasons() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        assertEquals("inline key for AES_CM_128_HMAC_SHA1_80 must be 30 bytes, got 46",
                assertThrows(IllegalArgumentException.class, () -> SrtpMasterKey.fromSdes(p,
                        "inline:" + Base64.getEncoder().encodeToString(new byte[46]))).getMessage());
        assertEquals("inline key is not base64", assertThrows(IllegalArgumentException.class,
                () -> SrtpMasterKey.fromSdes(p, "inline:@@@@")).getMessage());
        assertEquals("bad key lifetime 'forever'", assertThrows(IllegalArgumentException.class,
                () -> SrtpMasterKey.fromSdes(p, "inline:" + Base64.getEncoder().encodeToString(new byte[30])
                        + "|forever")).getMessage());
        assertEquals("MKI length must be 1-128 bytes: 0", assertThrows(IllegalArgumentException.class,
                () -> SrtpMasterKey.fromSdes(p, "inline:" + Base64.getEncoder().encodeToString(new byte[30])
                        + "|1:0")).getMessage());
    }

    @Test
    void sdesKey_fromFreeswitchShape_withLifetimeAndMki() {
        SrtpMasterKey k = SrtpMasterKey.fromSdes(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32");
        assertEquals(32, k.mkiLength());
        assertEquals(1, k.mki()[31]);
        assertEquals(0, k.mki()[0]);
    }
}
