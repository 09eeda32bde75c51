package dev.dialtone.media.rtp;

import io.netty.buffer.ByteBuf;

/** Reads RTP and RTCP header fields in place (RFC 3550 5.1, 6.4), without copying. */
final class RtpPackets {

    static final int RTP_HEADER = 12;
    static final int RTCP_SR = 200;
    static final int RTCP_RR = 201;
    private static final int REPORT_BLOCK = 24;

    private RtpPackets() {
    }

    /** Version 2 and a full fixed header. STUN, ZRTP and garbage are relayed but not counted. */
    static boolean isRtp(ByteBuf b) {
        return b.readableBytes() >= RTP_HEADER && (b.getUnsignedByte(b.readerIndex()) >> 6) == 2;
    }

    static boolean marker(ByteBuf b) {
        return (b.getUnsignedByte(b.readerIndex() + 1) & 0x80) != 0;
    }

    static int payloadType(ByteBuf b) {
        return b.getUnsignedByte(b.readerIndex() + 1) & 0x7F;
    }

    static int sequence(ByteBuf b) {
        return b.getUnsignedShort(b.readerIndex() + 2);
    }

    static long timestamp(ByteBuf b) {
        return b.getUnsignedInt(b.readerIndex() + 4);
    }

    static long ssrc(ByteBuf b) {
        return b.getUnsignedInt(b.readerIndex() + 8);
    }

    /** The packet type of the first RTCP packet of a compound, or -1 if it is not RTCP v2. */
    static int rtcpType(ByteBuf b) {
        if (b.readableBytes() < 8 || (b.getUnsignedByte(b.readerIndex()) >> 6) != 2) {
            return -1;
        }
        return b.getUnsignedByte(b.readerIndex() + 1);
    }

    /** RFC 3550 6.4.1: the middle 32 bits of a sender report's NTP timestamp, or -1. */
    static long senderReportNtpMiddle(ByteBuf b) {
        if (rtcpType(b) != RTCP_SR || b.readableBytes() < 28) {
            return -1;
        }
        return b.getUnsignedInt(b.readerIndex() + 10);
    }

    /** Calls {@code sink} with LSR and DLSR of each report block of a leading SR or RR. */
    static void forEachReportBlock(ByteBuf b, ReportBlockSink sink) {
        int type = rtcpType(b);
        if (type != RTCP_SR && type != RTCP_RR) {
            return;
        }
        int start = b.readerIndex();
        int count = b.getUnsignedByte(start) & 0x1F;
        int length = Math.min(b.readableBytes(), (b.getUnsignedShort(start + 2) + 1) * 4);
        int offset = start + (type == RTCP_SR ? 28 : 8);
        for (int i = 0; i < count && offset + REPORT_BLOCK <= start + length; i++, offset += REPORT_BLOCK) {
            sink.accept(b.getUnsignedInt(offset + 16), b.getUnsignedInt(offset + 20));
        }
    }

    @FunctionalInterface
    interface ReportBlockSink {
        void accept(long lastSr, long delaySinceLastSr);
    }
}
