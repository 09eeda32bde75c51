package dev.dialtone.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One call's media check: PCMU at 50 packets a second (RFC 3551: 20 ms of 8 kHz mu-law is 160 bytes), each
 * payload starting with its send time, sent to the answer's address; the UAS echoes them back. From the echo:
 * the round trip per packet, loss by sequence number, and interarrival jitter as RFC 3550 6.4.1 defines it
 * (J += (|D| - J) / 16), computed on the echo's transit time. Everything runs on the channel's event loop.
 */
final class RtpProbe {
    static final int PAYLOAD_TYPE_PCMU = 0;
    static final int PAYLOAD_BYTES = 160;
    static final long PACKET_INTERVAL_MILLIS = 20;
    private static final int HEADER_BYTES = 12;
    private static final byte MU_LAW_SILENCE = (byte) 0xFF;

    /** What the echo showed. */
    record Stats(long sent, long received, long lost, long jitterMicros) {
    }

    private final Channel channel;
    private final CallAttempt attempt;
    private final int ssrc = ThreadLocalRandom.current().nextInt();
    private final int firstSeq = ThreadLocalRandom.current().nextInt(0x10000);
    private final long firstTimestamp = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private final BitSet seen = new BitSet();
    private InetSocketAddress remote;
    private ScheduledFuture<?> sending;
    private long sent;
    private long received;
    private long lastTransit = Long.MIN_VALUE;
    private double jitterNanos;

    private RtpProbe(Channel channel, CallAttempt attempt) {
        this.channel = channel;
        this.attempt = attempt;
    }

    /** Binds a UDP port on {@code host} for one call. */
    static CompletionStage<RtpProbe> open(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> channels,
                                          String host, CallAttempt attempt) {
        CompletableFuture<RtpProbe> result = new CompletableFuture<>();
        RtpProbe[] self = new RtpProbe[1];
        Bootstrap b = new Bootstrap().group(group).channelFactory(channels).handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                RtpProbe p = self[0];
                if (p != null) {
                    p.onPacket(packet.content());
                }
            }
        });
        b.bind(host, 0).addListener(f -> {
            if (f.isSuccess()) {
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                self[0] = new RtpProbe(ch, attempt);
                result.complete(self[0]);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Completes when the port is closed. */
    io.netty.channel.ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    int localPort() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Starts sending to the address of the SDP answer. Any thread. */
    void start(InetSocketAddress to) {
        channel.eventLoop().execute(() -> {
            if (sending != null || !channel.isOpen()) {
                return;
            }
            remote = to;
            sending = channel.eventLoop().scheduleAtFixedRate(this::sendOne, 0, PACKET_INTERVAL_MILLIS,
                    TimeUnit.MILLISECONDS);
        });
    }

    /** Stops sending, waits {@code graceMillis} for echoes in flight, closes the port and reports. Any thread. */
    CompletionStage<Stats> finish(long graceMillis) {
        CompletableFuture<Stats> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (sending != null) {
                sending.cancel(false);
            }
            channel.eventLoop().schedule(() -> {
                long unique = seen.cardinality();
                Stats s = new Stats(sent, received, Math.max(0, sent - unique), Math.round(jitterNanos / 1000));
                channel.close();
                result.complete(s);
            }, sent == 0 ? 0 : graceMillis, TimeUnit.MILLISECONDS);
        });
        return result;
    }

    /** Closes without reporting (the call failed before media). Any thread. */
    void close() {
        channel.eventLoop().execute(() -> {
            if (sending != null) {
                sending.cancel(false);
            }
            channel.close();
        });
    }

    private void sendOne() {
        if (!channel.isOpen()) {
            return;
        }
        ByteBuf buf = channel.alloc().directBuffer(HEADER_BYTES + PAYLOAD_BYTES);
        int seq = (firstSeq + (int) sent) & 0xffff;
        // RFC 3550 5.1: V=2, no padding, extension or CSRC; the marker on the first packet of the talkspurt.
        buf.writeByte(0x80);
        buf.writeByte((sent == 0 ? 0x80 : 0) | PAYLOAD_TYPE_PCMU);
        buf.writeShort(seq);
        buf.writeInt((int) (firstTimestamp + sent * PAYLOAD_BYTES));
        buf.writeInt(ssrc);
        buf.writeLong(System.nanoTime());
        for (int i = 8; i < PAYLOAD_BYTES; i++) {
            buf.writeByte(MU_LAW_SILENCE);
        }
        sent++;
        channel.writeAndFlush(new DatagramPacket(buf, remote));
    }

    private void onPacket(ByteBuf b) {
        long now = System.nanoTime();
        // The port is this call's alone, so whatever comes back is its echo; an echo may rewrite the SSRC, but the
        // sequence number and the send time in the payload must come back as sent.
        if (b.readableBytes() < HEADER_BYTES + 8 || (b.getByte(b.readerIndex()) & 0xC0) != 0x80) {
            return;
        }
        int seq = b.getUnsignedShort(b.readerIndex() + 2);
        int index = (seq - firstSeq) & 0xffff;
        long sentAt = b.getLong(b.readerIndex() + HEADER_BYTES);
        long transit = now - sentAt;
        if (index >= sent || transit < 0) {
            return;
        }
        received++;
        seen.set(index);
        attempt.rtpRoundTrip(transit / 1000);
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            jitterNanos += (d - jitterNanos) / 16.0;
        }
        lastTransit = transit;
    }
}
