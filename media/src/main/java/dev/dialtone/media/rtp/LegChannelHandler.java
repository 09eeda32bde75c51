package dev.dialtone.media.rtp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each datagram of one leg socket (its RTP or its RTCP port) to the leg. */
final class LegChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(LegChannelHandler.class);

    private final RtpRelay relay;
    private final boolean rtcp;
    /** Set before reading is enabled, on the channel's event loop. */
    private MediaLeg leg;

    LegChannelHandler(RtpRelay relay, boolean rtcp) {
        this.relay = relay;
        this.rtcp = rtcp;
    }

    void leg(MediaLeg leg) {
        this.leg = leg;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet) || leg == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long now = relay.nanoTime();
        if (rtcp) {
            leg.onRtcp(packet, now);
        } else {
            leg.onRtp(packet, now);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (leg != null) {
            leg.peer.flushPending();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors surface here on some platforms; a media socket outlives them
        relay.countDropped();
        log.debug("media socket {} error", ctx.channel().localAddress(), cause);
    }
}
