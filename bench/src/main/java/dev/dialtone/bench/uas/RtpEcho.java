package dev.dialtone.bench.uas;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Media of the UAS when it echoes: one UDP socket per answered call on the port its SDP names, sending every packet
 * back to where it came from, unchanged (the caller measures loss and round trip on its own stream).
 */
final class RtpEcho {
    private final Bootstrap bootstrap;
    private final String bindHost;
    final LongAdder packets = new LongAdder();

    RtpEcho(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> channels, String bindHost) {
        this.bindHost = bindHost;
        this.bootstrap = new Bootstrap().group(group).channelFactory(channels).handler(new Echo());
    }

    /** Binds {@code port}; fails when it is taken. */
    CompletionStage<Channel> open(int port) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        bootstrap.bind(new InetSocketAddress(bindHost, port)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                result.complete(f.channel());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    @ChannelHandler.Sharable
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                packets.increment();
                // The content is handed on to the outgoing packet, which releases it once written.
                ctx.writeAndFlush(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP port unreachable from a caller that already hung up: nothing to do.
        }
    }
}
