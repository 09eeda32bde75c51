package dev.dialtone.engine.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/** The standalone server: owns the event loops and every listener. */
public final class DialtoneServer {
    private static final Logger log = LoggerFactory.getLogger(DialtoneServer.class);

    private final ServerConfig config;
    private EventLoopGroup group;
    private Channel http;

    public DialtoneServer(ServerConfig config) {
        this.config = config;
    }

    public void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new HttpRouter());
                    }
                });
        http = b.bind(config.sipHost(), config.httpPort()).sync().channel();
    }

    public int httpPort() {
        return ((InetSocketAddress) http.localAddress()).getPort();
    }

    public String startupLine() {
        return "Dialtone ready: http=" + config.sipHost() + ":" + httpPort();
    }

    public void stop() {
        if (http != null) {
            http.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        log.info("Dialtone stopped");
    }
}
