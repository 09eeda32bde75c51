package dev.dialtone.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll channels where the group runs epoll, NIO ones otherwise. */
final class Channels {
    private Channels() {
    }

    static IoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads,
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static boolean isEpoll(IoEventLoopGroup group) {
        return group.isIoType(EpollIoHandler.class);
    }

    static Class<? extends DatagramChannel> datagram(boolean epoll) {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    static Class<? extends ServerChannel> server(boolean epoll) {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> socket(boolean epoll) {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
