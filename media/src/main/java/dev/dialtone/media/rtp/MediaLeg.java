package dev.dialtone.media.rtp;

import dev.dialtone.media.stats.LegStats;
import dev.dialtone.media.stats.RtpStreamStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a relayed call: the relay's RTP/RTCP port pair facing one endpoint. Packets the
 * endpoint sends here leave through the other leg, payload untouched.
 *
 * <p>All packet handling runs on the session's event loop; the public setters may be called from
 * any thread and take effect on that loop.
 */
public final class MediaLeg {

    private static final Logger log = LoggerFactory.getLogger(MediaLeg.class);

    /** Which side of the session; A is conventionally the caller. */
    public enum Side { A, B }

    private final MediaSession session;
    private final Side side;
    private final int rtpPort;
    final SourceLatch rtpLatch;
    final SourceLatch rtcpLatch;
    final RtpStreamStats stats;

    MediaLeg peer;
    Channel rtpChannel;
    Channel rtcpChannel;

    private volatile InetSocketAddress remoteRtp;
    private volatile InetSocketAddress remoteRtcp;
    private volatile LegTransforms transforms = LegTransforms.IDENTITY;
    private volatile long streamFormat;
    private long lastDtmfTimestamp = -1;
    private long appliedStreamFormat;

    long lastRtpNanos;
    boolean timeoutArmed;
    boolean timedOut;
    private boolean rtpFlushPending;
    private boolean rtcpFlushPending;

    MediaLeg(MediaSession session, Side side, int rtpPort, RtpStreamStats stats, long latchHoldoffNanos) {
        this.session = session;
        this.side = side;
        this.rtpPort = rtpPort;
        this.stats = stats;
        this.rtpLatch = new SourceLatch(latchHoldoffNanos);
        this.rtcpLatch = new SourceLatch(latchHoldoffNanos);
    }

    public Side side() {
        return side;
    }

    public MediaSession session() {
        return session;
    }

    /** The relay's RTP port for this leg, to write into the SDP sent to its endpoint. */
    public int localRtpPort() {
        return rtpPort;
    }

    /** Always {@link #localRtpPort()} + 1. */
    public int localRtcpPort() {
        return rtpPort + 1;
    }

    /**
     * Where the endpoint said (in its SDP) it receives RTP; RTCP goes to the next port up. Packets
     * go here until the endpoint's own packets reveal its real address. A different address than
     * before (a re-INVITE moving the media) also forgets the latched source.
     */
    public void setRemote(InetSocketAddress rtp) {
        setRemote(rtp, new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1));
    }

    /** As {@link #setRemote(InetSocketAddress)} with an explicit RTCP address (RFC 3605 a=rtcp). */
    public void setRemote(InetSocketAddress rtp, InetSocketAddress rtcp) {
        Objects.requireNonNull(rtp, "rtp");
        Objects.requireNonNull(rtcp, "rtcp");
        InetSocketAddress before = remoteRtp;
        remoteRtcp = rtcp;
        remoteRtp = rtp;
        if (before != null && !before.equals(rtp)) {
            session.onLoop(() -> {
                rtpLatch.reset();
                rtcpLatch.reset();
            });
        }
    }

    /** The address from the SDP, if set. */
    public Optional<InetSocketAddress> remote() {
        return Optional.ofNullable(remoteRtp);
    }

    /** The negotiated codec clock rate and telephone-event payload type (-1 if none), for statistics. */
    public void setStreamFormat(int clockRate, int telephoneEventPayloadType) {
        if (clockRate <= 0 || telephoneEventPayloadType < -1 || telephoneEventPayloadType > 127) {
            throw new IllegalArgumentException("bad stream format " + clockRate + "/" + telephoneEventPayloadType);
        }
        // packed so the packet path picks it up with one volatile read and no allocation
        streamFormat = ((long) clockRate << 8) | (telephoneEventPayloadType + 1);
    }

    /** Plugs SRTP (or any rewrite) into this leg; {@link LegTransforms#IDENTITY} by default. */
    public void setTransforms(LegTransforms transforms) {
        this.transforms = Objects.requireNonNull(transforms, "transforms");
    }

    /** The source the endpoint's RTP actually comes from, once heard. */
    public Optional<InetSocketAddress> latchedSource() {
        return Optional.ofNullable(session.callOnLoop(rtpLatch::source));
    }

    /** A snapshot of this leg's statistics; valid after the session is closed too. */
    public LegStats stats() {
        return session.callOnLoop(() -> {
            applyStreamFormat();
            return stats.snapshot();
        });
    }

    InetSocketAddress rtpTarget() {
        InetSocketAddress latched = rtpLatch.source();
        return latched != null ? latched : remoteRtp;
    }

    InetSocketAddress rtcpTarget() {
        InetSocketAddress latched = rtcpLatch.source();
        return latched != null ? latched : remoteRtcp;
    }

    void onRtp(DatagramPacket packet, long now) {
        ByteBuf buf = packet.content();
        InetSocketAddress from = packet.sender();
        if (!rtpLatch.admits(from, now)) {
            stats.onForeignSourceDropped();
            drop(buf);
            return;
        }
        // the inbound transform (SRTP authentication) runs before the source may latch
        if (!transform(transforms.rtpInbound(), buf)) {
            drop(buf);
            return;
        }
        latch(rtpLatch, from, now);
        lastRtpNanos = now;
        timedOut = false;
        applyStreamFormat();
        int payloadType = -1;
        if (RtpPackets.isRtp(buf)) {
            payloadType = RtpPackets.payloadType(buf);
            stats.onReceived(RtpPackets.ssrc(buf), RtpPackets.sequence(buf), RtpPackets.timestamp(buf),
                    payloadType, RtpPackets.marker(buf), now);
            if (payloadType == (int) (appliedStreamFormat & 0xFF) - 1) {
                onTelephoneEvent(buf);
            }
        }
        peer.sendRtp(buf, payloadType);
    }

    /**
     * RFC 4733 2.5: all packets of one event carry the RTP timestamp of its start, so a new timestamp is a new
     * event (its first packet, or the first that survived loss).
     */
    private void onTelephoneEvent(ByteBuf buf) {
        int offset = RtpPackets.payloadOffset(buf);
        if (offset < 0 || buf.readableBytes() < offset + 4) {
            return;
        }
        long timestamp = RtpPackets.timestamp(buf);
        if (timestamp == lastDtmfTimestamp) {
            return;
        }
        lastDtmfTimestamp = timestamp;
        session.notifyDtmf(this, buf.getUnsignedByte(buf.readerIndex() + offset));
    }

    private void sendRtp(ByteBuf buf, int payloadType) {
        InetSocketAddress target = rtpTarget();
        Channel channel = rtpChannel;
        if (target == null || !channel.isWritable()) {
            drop(buf);
            return;
        }
        PacketTransform out = transforms.rtpOutbound();
        if (out != PacketTransform.IDENTITY) {
            buf = withRoom(buf, channel);
            if (!transform(out, buf)) {
                drop(buf);
                return;
            }
        }
        if (payloadType >= 0) {
            applyStreamFormat();
            stats.onSent(payloadType);
        }
        channel.write(new DatagramPacket(buf, target), channel.voidPromise());
        rtpFlushPending = true;
        session.relay().countRelayed();
    }

    void onRtcp(DatagramPacket packet, long now) {
        ByteBuf buf = packet.content();
        InetSocketAddress from = packet.sender();
        if (!rtcpLatch.admits(from, now) || !transform(transforms.rtcpInbound(), buf)) {
            drop(buf);
            return;
        }
        latch(rtcpLatch, from, now);
        long srNtpMiddle = RtpPackets.senderReportNtpMiddle(buf);
        if (srNtpMiddle >= 0) {
            stats.onSenderReportReceived(srNtpMiddle, now);
        }
        RtpPackets.forEachReportBlock(buf, (lsr, dlsr) -> stats.onReportBlock(lsr, dlsr, now));
        peer.sendRtcp(buf, now);
    }

    private void sendRtcp(ByteBuf buf, long now) {
        InetSocketAddress target = rtcpTarget();
        Channel channel = rtcpChannel;
        if (target == null || !channel.isWritable()) {
            drop(buf);
            return;
        }
        long ntpMiddle = RtpPackets.senderReportNtpMiddle(buf);
        PacketTransform out = transforms.rtcpOutbound();
        if (out != PacketTransform.IDENTITY) {
            buf = withRoom(buf, channel);
            if (!transform(out, buf)) {
                drop(buf);
                return;
            }
        }
        if (ntpMiddle >= 0) {
            stats.onSenderReportSent(ntpMiddle, now);
        }
        channel.write(new DatagramPacket(buf, target), channel.voidPromise());
        rtcpFlushPending = true;
    }

    private void drop(ByteBuf buf) {
        session.relay().countDropped();
        buf.release();
    }

    /** A transform that throws is a bug in it; the packet is dropped rather than the exception reaching Netty. */
    private boolean transform(PacketTransform transform, ByteBuf buf) {
        if (transform == PacketTransform.IDENTITY) {
            return true;
        }
        try {
            return transform.apply(buf) >= 0;
        } catch (RuntimeException e) {
            log.debug("session {} leg {} transform failed", session.id(), side, e);
            return false;
        }
    }

    /**
     * A received buffer may be a slice of exactly the datagram (epoll reads that way); an outbound
     * transform gets {@link PacketTransform#OUTBOUND_ROOM} bytes of room, by a copy if need be.
     */
    private static ByteBuf withRoom(ByteBuf buf, Channel channel) {
        if (buf.maxWritableBytes() >= PacketTransform.OUTBOUND_ROOM) {
            return buf;
        }
        ByteBuf copy = channel.alloc().directBuffer(buf.readableBytes() + PacketTransform.OUTBOUND_ROOM);
        copy.writeBytes(buf);
        buf.release();
        return copy;
    }

    private void applyStreamFormat() {
        long format = streamFormat;
        if (format != appliedStreamFormat) {
            appliedStreamFormat = format;
            stats.format((int) (format >>> 8), (int) (format & 0xFF) - 1);
        }
    }

    private void latch(SourceLatch latch, InetSocketAddress from, long now) {
        if (latch.offer(from, now) == SourceLatch.Verdict.ACCEPTED) {
            return;
        }
        log.debug("session {} leg {} port {} latched to {}", session.id(), side,
                latch == rtpLatch ? rtpPort : rtpPort + 1, from);
        if (latch == rtpLatch) {
            session.notifyLatched(this, from);
        }
    }

    /** Sends what the other leg's reads queued for this one: one syscall batch per read burst. */
    void flushPending() {
        if (rtpFlushPending) {
            rtpFlushPending = false;
            rtpChannel.flush();
        }
        if (rtcpFlushPending) {
            rtcpFlushPending = false;
            rtcpChannel.flush();
        }
    }

    /**
     * Sends the endpoint the relay's own receiver report on the stream it sends. RFC 3550 7.2
     * lets a translator report as a participant; it reports only as a receiver (RR, never SR):
     * the media it forwards carry the other endpoint's SSRC, not its own.
     */
    void sendReceiverReport(long now, long reporterSsrc, byte[] cname) {
        InetSocketAddress target = rtcpTarget();
        Channel channel = rtcpChannel;
        if (target == null || !channel.isActive() || !channel.isWritable()) {
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(64 + cname.length + PacketTransform.OUTBOUND_ROOM);
        RtpPackets.writeReceiverReport(out, reporterSsrc, stats.receptionReport(now), cname);
        if (!transform(transforms.rtcpOutbound(), out)) {
            out.release();
            return;
        }
        channel.writeAndFlush(new DatagramPacket(out, target), channel.voidPromise());
    }

    void checkTimeout(long now, long timeoutNanos) {
        if (!timeoutArmed || timedOut || now - lastRtpNanos < timeoutNanos) {
            return;
        }
        timedOut = true;
        stats.onMediaTimeout();
        session.notifyTimeout(this, Duration.ofNanos(now - lastRtpNanos));
    }

    @Override
    public String toString() {
        return "MediaLeg[" + session.id() + side + " :" + rtpPort + "]";
    }
}
