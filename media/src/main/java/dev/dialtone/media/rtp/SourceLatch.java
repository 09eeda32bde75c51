package dev.dialtone.media.rtp;

import java.net.InetSocketAddress;

/**
 * Symmetric RTP (RFC 4961) latching for one socket of a leg: the first source heard from becomes
 * the far end's address, whatever the SDP said, since a NATed endpoint's SDP shows its private
 * address. After that, other sources are dropped, so a third party cannot take over the stream,
 * unless the latched source has been silent for {@code holdoff} (the endpoint moved or its NAT
 * binding changed).
 */
final class SourceLatch {

    enum Verdict { LATCHED, ACCEPTED, RELATCHED, DROPPED }

    private final long holdoffNanos;
    private InetSocketAddress source;
    private long lastHeardNanos;

    SourceLatch(long holdoffNanos) {
        this.holdoffNanos = holdoffNanos;
    }

    Verdict offer(InetSocketAddress from, long nowNanos) {
        if (source == null) {
            source = from;
            lastHeardNanos = nowNanos;
            return Verdict.LATCHED;
        }
        if (source.equals(from)) {
            lastHeardNanos = nowNanos;
            return Verdict.ACCEPTED;
        }
        if (nowNanos - lastHeardNanos >= holdoffNanos) {
            source = from;
            lastHeardNanos = nowNanos;
            return Verdict.RELATCHED;
        }
        return Verdict.DROPPED;
    }

    /** Whether {@link #offer} would take a packet from {@code from} now, without latching. */
    boolean admits(InetSocketAddress from, long nowNanos) {
        return source == null || source.equals(from) || nowNanos - lastHeardNanos >= holdoffNanos;
    }

    InetSocketAddress source() {
        return source;
    }

    void reset() {
        source = null;
    }
}
