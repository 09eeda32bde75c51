package dev.dialtone.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A bad network in front of a UDP socket, for tests and load runs ({@link TransportConfig#udpReceiveLoss},
 * {@link TransportConfig#udpSendLoss}, {@link TransportConfig#udpSendDuplication}): a share of received datagrams
 * dropped before they are decoded, a share of sent ones dropped or sent twice. The peer and this side then run
 * their recovery paths: a lost request is sent again by its sender's timer, a lost ACK has the 2xx go out again, a
 * response sent twice reaches a transaction that has already moved on, or with a delay, a call that has ended. Each
 * datagram is drawn on its own.
 */
@ChannelHandler.Sharable
final class UdpImpairment extends ChannelDuplexHandler {
    private final double receiveLoss;
    private final double sendLoss;
    private final double sendDuplication;
    private final long duplicateDelayNanos;

    UdpImpairment(double receiveLoss, double sendLoss, double sendDuplication, Duration duplicateDelay) {
        this.receiveLoss = receiveLoss;
        this.sendLoss = sendLoss;
        this.sendDuplication = sendDuplication;
        this.duplicateDelayNanos = duplicateDelay.toNanos();
    }

    static boolean needed(TransportConfig c) {
        return c.udpReceiveLoss() > 0 || c.udpSendLoss() > 0 || c.udpSendDuplication() > 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (receiveLoss > 0 && ThreadLocalRandom.current().nextDouble() < receiveLoss) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // A DatagramPacket on a listening socket; bare bytes on a socket connected to its peer.
        if (!(msg instanceof DatagramPacket) && !(msg instanceof ByteBuf)) {
            ctx.write(msg, promise);
            return;
        }
        double draw = ThreadLocalRandom.current().nextDouble();
        if (draw < sendLoss) {
            // Lost on the way: as far as the sender can tell, it was sent.
            ReferenceCountUtil.release(msg);
            promise.setSuccess();
            return;
        }
        if (draw < sendLoss + sendDuplication) {
            if (duplicateDelayNanos > 0) {
                // A heap copy: if the loop stops before the copy is due, the task is dropped and nothing pooled leaks.
                Object copy = msg instanceof DatagramPacket packet
                    ? new DatagramPacket(Unpooled.copiedBuffer(packet.content()), packet.recipient())
                    : Unpooled.copiedBuffer((ByteBuf) msg);
                long delay = ThreadLocalRandom.current().nextLong(duplicateDelayNanos + 1);
                ctx.executor().schedule(() -> {
                    ctx.writeAndFlush(copy, ctx.voidPromise());
                }, delay, TimeUnit.NANOSECONDS);
            } else {
                ctx.write(msg instanceof DatagramPacket packet ? packet.retainedDuplicate()
                    : ((ByteBuf) msg).retainedDuplicate(), ctx.voidPromise());
            }
        }
        ctx.write(msg, promise);
    }
}
