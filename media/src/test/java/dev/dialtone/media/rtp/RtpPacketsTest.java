package dev.dialtone.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpPacketsTest {

    @Test
    void rtpHeaderFields_readInPlace() {
        ByteBuf b = Unpooled.buffer().writeByte(0x80).writeByte(0x80 | 101).writeShort(65535)
                .writeInt(0xFFFFFFF0).writeInt(0xDEADBEEF).writeZero(4);
        b.readerIndex(0);
        assertTrue(RtpPackets.isRtp(b));
        assertTrue(RtpPackets.marker(b));
        assertEquals(101, RtpPackets.payloadType(b));
        assertEquals(65535, RtpPackets.sequence(b));
        assertEquals(0xFFFFFFF0L, RtpPackets.timestamp(b));
        assertEquals(0xDEADBEEFL, RtpPackets.ssrc(b));
        b.release();
    }

    @Test
    void stunAndShortPackets_areNotRtp() {
        // a STUN binding request starts with two zero bits
        ByteBuf stun = Unpooled.buffer().writeShort(0x0001).writeShort(0).writeInt(0x2112A442).writeZero(12);
        assertFalse(RtpPackets.isRtp(stun));
        ByteBuf shortOne = Unpooled.buffer().writeByte(0x80).writeByte(0).writeShort(1);
        assertFalse(RtpPackets.isRtp(shortOne));
        assertEquals(-1, RtpPackets.rtcpType(shortOne));
        stun.release();
        shortOne.release();
    }

    @Test
    void truncatedReceiverReport_readsOnlyTheBlocksPresent() {
        // claims three report blocks but carries one: only that one is read, nothing thrown
        ByteBuf rr = Unpooled.buffer().writeByte(0x83).writeByte(201).writeShort(19).writeInt(7)
                .writeInt(9).writeInt(0).writeInt(0).writeInt(0).writeInt(0x01020304).writeInt(0x00010000);
        List<long[]> blocks = new ArrayList<>();
        RtpPackets.forEachReportBlock(rr, (lsr, dlsr) -> blocks.add(new long[] {lsr, dlsr}));
        assertEquals(1, blocks.size());
        assertEquals(0x01020304L, blocks.get(0)[0]);
        assertEquals(0x00010000L, blocks.get(0)[1]);
        assertEquals(-1, RtpPackets.senderReportNtpMiddle(rr));
        rr.release();
    }

    @Test
    void receiverReportWithoutBlock_isRrPlusSdesCname() {
        ByteBuf out = Unpooled.buffer();
        RtpPackets.writeReceiverReport(out, 0x11223344L, null, "abc".getBytes());
        // RR: 8 bytes, length 1; SDES: 4 + chunk (4 SSRC + 2 + 3 + END, padded to 12) = 16, length 3
        assertEquals(24, out.readableBytes());
        assertEquals(0x80, out.getUnsignedByte(0));
        assertEquals(201, out.getUnsignedByte(1));
        assertEquals(1, out.getUnsignedShort(2));
        assertEquals(0x81, out.getUnsignedByte(8));
        assertEquals(202, out.getUnsignedByte(9));
        assertEquals(3, out.getUnsignedShort(10));
        assertEquals(0x11223344L, out.getUnsignedInt(12));
        assertEquals(1, out.getByte(16));
        assertEquals(3, out.getByte(17));
        assertEquals(0, out.getByte(21));
        out.release();
    }
}
