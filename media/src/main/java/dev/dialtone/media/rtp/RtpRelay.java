package dev.dialtone.media.rtp;

import dev.dialtone.media.stats.RtpStreamStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The B2BUA's media anchor: opens a {@link MediaSession} per call, with an RTP/RTCP port pair per
 * leg from the configured range, and relays each leg's packets to the other over Netty datagram
 * channels (epoll where available, NIO otherwise).
 *
 * <pre>{@code
 * RtpRelay relay = RtpRelay.create(RtpRelayConfig.builder().ports("20000-29999").build());
 * MediaSession s = relay.openSession(listener);
 * s.legA().setRemote(callerSdpAddress);   // offer; write s.legB().localRtpPort() into the callee's SDP
 * s.legB().setRemote(calleeSdpAddress);   // answer; write s.legA().localRtpPort() into the caller's SDP
 * s.startMediaTimeout();                  // on answer
 * ...
 * Map<String, String> fields = s.legA().stats().toCallbackFields();
 * s.close();
 * }</pre>
 */
public final class RtpRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtpRelay.class);
    private static final int BIND_ATTEMPTS = 8;
    private static final long BIND_WAIT_SECONDS = 5;

    private final RtpRelayConfig config;
    private final PortAllocator allocator;
    private final MultiThreadIoEventLoopGroup group;
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    private final boolean nativeTransport;
    private final Set<MediaSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openChannels = new AtomicInteger();
    private final AtomicLong nextSessionId = new AtomicLong(1);
    private final LongAdder relayed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;

    private RtpRelay(RtpRelayConfig config) {
        this.config = config;
        this.allocator = new PortAllocator(config.portLow(), config.portHigh());
        this.nativeTransport = config.nativeTransport() && Epoll.isAvailable();
        IoHandlerFactory io = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("dialtone-rtp", true),
                io);
        this.channelFactory = nativeTransport ? EpollDatagramChannel::new : NioDatagramChannel::new;
    }

    public static RtpRelay create(RtpRelayConfig config) {
        RtpRelay relay = new RtpRelay(config);
        log.info("RTP relay on {} ports {}-{} ({} pairs, {})", config.bindAddress().getHostAddress(),
                config.portLow(), config.portHigh(), relay.allocator.capacity(), relay.nativeTransport ? "epoll" : "nio");
        return relay;
    }

    /**
     * Opens a session: two legs, each with its own RTP/RTCP port pair bound and listening. Blocks
     * until the four sockets are bound, so it must not be called on a media event loop.
     *
     * @throws MediaUnavailableException when the range has no free pair or binding keeps failing
     */
    public MediaSession openSession(MediaSessionListener listener) throws MediaUnavailableException {
        if (closed) {
            throw new MediaUnavailableException("RTP relay is closed");
        }
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                throw new IllegalStateException("openSession must not be called on a media event loop");
            }
        }
        EventLoop loop = (EventLoop) group.next();
        LegChannelHandler[] handlers = new LegChannelHandler[4];
        Channel[] channels = new Channel[4];
        int portA = bindPair(loop, handlers, channels, 0);
        int portB;
        try {
            portB = bindPair(loop, handlers, channels, 2);
        } catch (MediaUnavailableException e) {
            closeAndRelease(channels[0], channels[1], portA);
            throw e;
        }
        MediaSession session = new MediaSession(this, nextSessionId.getAndIncrement(), loop, listener, portA, portB);
        sessions.add(session);
        session.onLoop(() -> {
            MediaLeg[] legs = {session.legA(), session.legA(), session.legB(), session.legB()};
            for (int i = 0; i < 4; i++) {
                handlers[i].leg(legs[i]);
            }
            session.legA().rtpChannel = channels[0];
            session.legA().rtcpChannel = channels[1];
            session.legB().rtpChannel = channels[2];
            session.legB().rtcpChannel = channels[3];
            for (Channel channel : channels) {
                channel.config().setAutoRead(true);
            }
        });
        log.debug("session {} opened: A {} B {}", session.id(), portA, portB);
        return session;
    }

    private int bindPair(EventLoop loop, LegChannelHandler[] handlers, Channel[] channels, int at)
            throws MediaUnavailableException {
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = allocator.allocate();
            if (port < 0) {
                throw new MediaUnavailableException("RTP port range " + config.portLow() + "-" + config.portHigh()
                        + " exhausted");
            }
            handlers[at] = new LegChannelHandler(this, false);
            handlers[at + 1] = new LegChannelHandler(this, true);
            Channel rtp = bind(loop, handlers[at], port);
            Channel rtcp = rtp == null ? null : bind(loop, handlers[at + 1], port + 1);
            if (rtp != null && rtcp != null) {
                channels[at] = rtp;
                channels[at + 1] = rtcp;
                return port;
            }
            // taken by another process: the pair goes to the back of the queue, try the next
            closeAndRelease(rtp, rtcp, port);
        }
        throw new MediaUnavailableException("could not bind an RTP/RTCP pair in " + BIND_ATTEMPTS + " attempts");
    }

    private Channel bind(EventLoop loop, LegChannelHandler handler, int port) {
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
                .option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
                .handler(handler)
                .bind(new InetSocketAddress(config.bindAddress(), port));
        if (!f.awaitUninterruptibly(BIND_WAIT_SECONDS, TimeUnit.SECONDS) || !f.isSuccess()) {
            log.debug("cannot bind media port {}", port, f.cause());
            f.channel().close();
            return null;
        }
        openChannels.incrementAndGet();
        f.channel().closeFuture().addListener(c -> openChannels.decrementAndGet());
        return f.channel();
    }

    private void closeAndRelease(Channel rtp, Channel rtcp, int port) {
        for (Channel c : new Channel[] {rtp, rtcp}) {
            if (c != null) {
                c.close().awaitUninterruptibly(BIND_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
        allocator.release(port);
    }

    void sessionClosed(MediaSession session) {
        if (sessions.remove(session)) {
            allocator.release(session.legA().localRtpPort());
            allocator.release(session.legB().localRtpPort());
        }
    }

    /** Sessions opened and not yet closed. */
    public int activeSessions() {
        return sessions.size();
    }

    /** Media sockets currently open (four per session). */
    public int openChannels() {
        return openChannels.get();
    }

    public PortAllocator allocator() {
        return allocator;
    }

    public RtpRelayConfig config() {
        return config;
    }

    /** Whether epoll is in use. */
    public boolean isNativeTransport() {
        return nativeTransport;
    }

    /** RTP packets sent on to the other leg since start (for /metrics). */
    public long packetsRelayed() {
        return relayed.sum();
    }

    /** Packets not relayed: foreign sources, no destination yet, full socket, transform refusal. */
    public long packetsDropped() {
        return dropped.sum();
    }

    /** Closes every open session, then stops the event loops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MediaSession session : List.copyOf(sessions)) {
            session.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    RtpStreamStats newStats() {
        return new RtpStreamStats(config.stats());
    }

    long nanoTime() {
        return config.nanoClock().getAsLong();
    }

    void countRelayed() {
        relayed.increment();
    }

    void countDropped() {
        dropped.increment();
    }
}
