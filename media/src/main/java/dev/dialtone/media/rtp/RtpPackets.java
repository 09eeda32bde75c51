package dev.dialtone.media.rtp;

import dev.dialtone.media.stats.ReceptionReport;
import io.netty.buffer.ByteBuf;

/** Reads RTP and RTCP header fields in place (RFC 3550 5.1, 6.4), without copying. */
final class RtpPackets {

    static final int RTP_HEADER = 12;
    static final int RTCP_SR = 200;
    static final int RTCP_RR = 201;
    static final int RTCP_SDES = 202;
    private static final int SDES_CNAME = 1;
    private static final int REPORT_BLOCK = 24;

    private RtpPackets() {
    }

    /** Version 2 and a full fixed header. STUN, ZRTP and garbage are relayed but not counted. */
    static boolean isRtp(ByteBuf b) {
        return b.readableBytes() >= RTP_HEADER && (b.getUnsignedByte(b.readerIndex()) >> 6) == 2;
    }

    /** Where the payload starts: after the CSRC list and any header extension (RFC 3550 5.1, 5.3.1); -1 if cut. */
    static int payloadOffset(ByteBuf b) {
        int at = b.readerIndex();
        int first = b.getUnsignedByte(at);
        int offset = RTP_HEADER + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (b.readableBytes() < offset + 4) {
                return -1;
            }
            offset += 4 + 4 * b.getUnsignedShort(at + offset + 2);
        }
        return offset <= b.readableBytes() ? offset : -1;
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

    /**
     * Writes a compound RTCP packet (RFC 3550 6.1: a report first, SDES with CNAME always): a
     * receiver report from {@code ssrc} with one block, or none when {@code report} is null.
     */
    static void writeReceiverReport(ByteBuf out, long ssrc, ReceptionReport report, byte[] cname) {
        int blocks = report == null ? 0 : 1;
        // RFC 3550 6.4.2: RR header, sender SSRC, then the blocks; length in 32-bit words minus one
        out.writeByte(0x80 | blocks).writeByte(RTCP_RR).writeShort((8 + REPORT_BLOCK * blocks) / 4 - 1)
                .writeInt((int) ssrc);
        if (report != null) {
            out.writeInt((int) report.sourceSsrc())
                    .writeByte(report.fractionLost())
                    .writeMedium(report.cumulativeLost())
                    .writeInt((int) report.extendedHighestSeq())
                    .writeInt((int) report.jitter())
                    .writeInt((int) report.lastSr())
                    .writeInt((int) report.delaySinceLastSr());
        }
        // RFC 3550 6.5: one chunk, CNAME item, then at least one null octet up to a 32-bit boundary
        int chunk = 4 + 2 + cname.length;
        int padded = (chunk + 4) & ~3;
        out.writeByte(0x81).writeByte(RTCP_SDES).writeShort((4 + padded) / 4 - 1)
                .writeInt((int) ssrc).writeByte(SDES_CNAME).writeByte(cname.length).writeBytes(cname)
                .writeZero(padded - chunk);
    }

    @FunctionalInterface
    interface ReportBlockSink {
        void accept(long lastSr, long delaySinceLastSr);
    }
}
