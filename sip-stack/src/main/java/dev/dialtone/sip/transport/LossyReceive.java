package dev.dialtone.sip.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Drops a share of received datagrams before they are decoded ({@link TransportConfig#udpReceiveLoss}), so that a
 * test or a load run sees the peer's retransmissions and its own: a lost request is sent again by the peer's timer,
 * a lost ACK has our 2xx go out again. Each datagram is drawn on its own, as independent loss.
 */
@ChannelHandler.Sharable
final class LossyReceive extends ChannelInboundHandlerAdapter {
    private final double share;

    LossyReceive(double share) {
        this.share = share;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ThreadLocalRandom.current().nextDouble() < share) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
