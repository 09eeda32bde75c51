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
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private static final int BIND_ATTEMPTS = 16;
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
        // An IPv4 socket for an IPv4 address: the default, an IPv6 socket taking IPv4 through mapped addresses,
        // runs every packet through the kernel's IPv6 UDP layer before its IPv4 one. The wildcard stays dual-stack.
        boolean ipv4 = config.bindAddress() instanceof Inet4Address && !config.bindAddress().isAnyLocalAddress();
        if (ipv4) {
            this.channelFactory = nativeTransport ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET)
                : () -> new NioDatagramChannel(SocketProtocolFamily.INET);
        } else {
            this.channelFactory = nativeTransport ? EpollDatagramChannel::new : NioDatagramChannel::new;
        }
    }

    public static RtpRelay create(RtpRelayConfig config) {
        RtpRelay relay = new RtpRelay(config);
        log.info("RTP relay on {} ports {}-{} ({} pairs, {})", config.bindAddress().getHostAddress(),
                config.portLow(), config.portHigh(), relay.allocator.capacity(), relay.nativeTransport ? "epoll" : "nio");
        return relay;
    }

    /**
     * Opens a session: two legs, each with its own RTP/RTCP port pair bound and listening. Waits
     * until the four sockets are bound (a few ms), so it must not be called on any Netty event
     * loop; there use {@link #openSessionAsync}.
     *
     * @throws MediaUnavailableException when the range has no free pair or binding keeps failing
     */
    public MediaSession openSession(MediaSessionListener listener) throws MediaUnavailableException {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                throw new IllegalStateException("openSession must not be called on a media event loop");
            }
        }
        CompletableFuture<MediaSession> opening = openSessionAsync(listener);
        try {
            return opening.get(BIND_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MediaUnavailableException unavailable) {
                throw unavailable;
            }
            throw new MediaUnavailableException("cannot open media session", e.getCause());
        } catch (TimeoutException e) {
            opening.cancel(false);
            throw new MediaUnavailableException("binding media ports timed out", e);
        } catch (InterruptedException e) {
            opening.cancel(false);
            Thread.currentThread().interrupt();
            throw new MediaUnavailableException("interrupted while binding media ports", e);
        }
    }

    /**
     * As {@link #openSession} without blocking: the future completes on the session's event loop,
     * or fails with {@link MediaUnavailableException}. A cancelled future closes the session it
     * would have delivered.
     */
    public CompletableFuture<MediaSession> openSessionAsync(MediaSessionListener listener) {
        CompletableFuture<MediaSession> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new MediaUnavailableException("RTP relay is closed"));
            return result;
        }
        EventLoop loop = (EventLoop) group.next();
        loop.execute(new SessionOpener(loop, listener, result)::start);
        return result;
    }

    /** Binds the four sockets of a session one after the other on its event loop. */
    private final class SessionOpener {
        private final EventLoop loop;
        private final MediaSessionListener listener;
        private final CompletableFuture<MediaSession> result;
        private final int[] ports = {-1, -1};
        private final Channel[] channels = new Channel[4];
        private final LegChannelHandler[] handlers = new LegChannelHandler[4];
        private int attempts;

        SessionOpener(EventLoop loop, MediaSessionListener listener, CompletableFuture<MediaSession> result) {
            this.loop = loop;
            this.listener = listener;
            this.result = result;
        }

        void start() {
            bindPair(0);
        }

        private void bindPair(int pair) {
            if (result.isDone()) {
                fail(null);
                return;
            }
            if (++attempts > BIND_ATTEMPTS) {
                fail("could not bind RTP/RTCP pairs in " + BIND_ATTEMPTS + " attempts");
                return;
            }
            int port = allocator.allocate();
            if (port < 0) {
                fail("RTP port range " + config.portLow() + "-" + config.portHigh() + " exhausted");
                return;
            }
            ports[pair] = port;
            handlers[2 * pair] = new LegChannelHandler(RtpRelay.this, false);
            handlers[2 * pair + 1] = new LegChannelHandler(RtpRelay.this, true);
            bind(loop, handlers[2 * pair], port).addListener((ChannelFuture rtp) -> {
                if (!rtp.isSuccess()) {
                    retry(pair, rtp);
                    return;
                }
                channels[2 * pair] = tracked(rtp.channel());
                bind(loop, handlers[2 * pair + 1], port + 1).addListener((ChannelFuture rtcp) -> {
                    if (!rtcp.isSuccess()) {
                        retry(pair, rtcp);
                        return;
                    }
                    channels[2 * pair + 1] = tracked(rtcp.channel());
                    if (pair == 0) {
                        bindPair(1);
                    } else {
                        finish();
                    }
                });
            });
        }

        /**
         * The pair is taken (by another process, or a socket of ours not yet fully closed): it goes
         * to the back of the queue; try the next.
         */
        private void retry(int pair, ChannelFuture failed) {
            log.debug("cannot bind media port {}", ports[pair], failed.cause());
            failed.channel().close();
            closeChannels(pair);
            allocator.release(ports[pair]);
            ports[pair] = -1;
            // NIO frees a closed socket's port only at the selector's next pass: give it one
            loop.schedule(() -> bindPair(pair), attempts, TimeUnit.MILLISECONDS);
        }

        private void closeChannels(int pair) {
            for (int i = 2 * pair; i < 2 * pair + 2; i++) {
                if (channels[i] != null) {
                    channels[i].close();
                    channels[i] = null;
                }
            }
        }

        private void fail(String reason) {
            for (int pair = 0; pair < 2; pair++) {
                closeChannels(pair);
                if (ports[pair] >= 0) {
                    allocator.release(ports[pair]);
                    ports[pair] = -1;
                }
            }
            if (reason != null) {
                result.completeExceptionally(new MediaUnavailableException(reason));
            }
        }

        private void finish() {
            MediaSession session = new MediaSession(RtpRelay.this, nextSessionId.getAndIncrement(), loop, listener,
                    ports[0], ports[1]);
            sessions.add(session);
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
            session.startReports();
            log.debug("session {} opened: A {} B {}", session.id(), ports[0], ports[1]);
            if (closed || !result.complete(session)) {
                session.close();
            }
        }
    }

    private ChannelFuture bind(EventLoop loop, LegChannelHandler handler, int port) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
                .option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
                .handler(handler)
                .bind(new InetSocketAddress(config.bindAddress(), port));
    }

    private Channel tracked(Channel channel) {
        openChannels.incrementAndGet();
        channel.closeFuture().addListener(c -> openChannels.decrementAndGet());
        return channel;
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
