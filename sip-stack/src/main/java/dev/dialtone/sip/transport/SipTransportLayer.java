package dev.dialtone.sip.transport;

import dev.dialtone.sip.codec.SipDecoderConfig;
import dev.dialtone.sip.codec.SipEncoder;
import dev.dialtone.sip.message.Parameters;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Via;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The SIP transport layer of RFC 3261 18 over UDP, TCP and TLS on Netty: listens, frames and parses what arrives,
 * hands each message up as an {@link Inbound}, and sends messages out, reusing connections.
 *
 * <p>Lifecycle: construct with a {@link TransportConfig} and an event loop group (or null to let the layer create
 * and own one), give {@link #executors()} to the transaction layer, then {@link #start(Consumer)} with the
 * transaction layer's {@code receive}. {@link #close()} closes every socket and connection.
 *
 * <p>Inbound (RFC 3261 18.2.1, RFC 3581 4): a request's top Via gets {@code received} when its sent-by differs
 * from the source address and {@code rport=<source port>} when it asked for it. A malformed request that can be
 * answered gets a stateless {@code 400 <reason>}; other malformed input is dropped and counted. A response whose
 * top Via sent-by is not ours is dropped (18.1.2). On a stream whose framing is lost the layer answers 400 if it
 * can and closes the connection. CRLF keep-alive pings get a CRLF pong (RFC 5626 4.4.1).
 *
 * <p>Outbound: UDP leaves from the listening socket, so responses come back to our SIP port (with epoll there is
 * one such socket per event loop, all bound to the SIP port with {@code SO_REUSEPORT}). TCP and TLS reuse an
 * open connection to the same peer (whoever opened it), else connect; a {@link Destination#flow()} pins the
 * connection. With {@link TransportConfig#largeRequestsOverTcp()} a request over
 * {@value TransportConfig#UDP_MTU_LIMIT} bytes headed for UDP goes over TCP (RFC 3261 18.1.1).
 *
 * <p>Connections close after their idle timeout (5 min for accepted ones, 32 s for ours by default) unless a request
 * on them still awaits its final response; with keep-alive on, ours are pinged and closed when the pong does not
 * come (RFC 5626 4.4.1). A closed connection leaves the connection table at once.
 */
public final class SipTransportLayer implements MessageSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipTransportLayer.class);

    static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf("dialtone.sip.connection");
    private static final AttributeKey<ConnectionTable.Key> TARGET = AttributeKey.valueOf("dialtone.sip.target");
    private static final AttributeKey<DatagramBatch> BATCH = AttributeKey.valueOf("dialtone.sip.udp.batch");
    private static final SipEncoder ENCODER = new SipEncoder();
    private static final int MAX_DATAGRAM = 65536;
    /** Datagrams read per readiness event before the loop turns to its timers and tasks. */
    static final int DATAGRAMS_PER_READ = 64;
    /**
     * With epoll, datagrams one {@code recvmmsg} call takes, each in a slot the size of the largest datagram (a
     * smaller slot would cut a large message short). Under load a readiness event finds a few datagrams waiting:
     * at 20,000 calls/s {@code load} made 2.4 times fewer receive calls with 8 slots than with one per datagram.
     */
    static final int DATAGRAMS_PER_RECEIVE = 8;

    private final TransportConfig config;
    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean epoll;
    private final SipDecoderConfig decoderConfig;
    private final ConnectionTable connections = new ConnectionTable();
    private final ConcurrentHashMap<ConnectionTable.Key, CompletableFuture<Connection>> connecting =
        new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("sip-transport", ImmediateEventExecutor.INSTANCE);
    private final InboundHandler inbound;
    final LongAdder received = new LongAdder();
    final LongAdder badRequestsAnswered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder pings = new LongAdder();
    final LongAdder idleCloseDeferred = new LongAdder();

    private SslContext serverTls;
    private SslContext clientTls;
    private Bootstrap tcpClient;
    private Bootstrap tlsClient;
    private DatagramChannel udp;
    // With epoll, one UDP socket per event loop on the same port (SO_REUSEPORT): the kernel spreads peers over them,
    // so decoding is not confined to one loop. udp is the first of them.
    private DatagramChannel[] udpSockets = new DatagramChannel[0];
    // Peers given to connectUdp: for each, sockets on the SIP port connected to it, one per event loop as udpSockets.
    // Replaced whole on a change, so the send path reads it without a lock.
    private volatile Map<InetSocketAddress, DatagramChannel[]> connectedPeers = Map.of();
    private Channel tcpServer;
    private Channel tlsServer;
    private int port;
    private int tlsPort = -1;
    private long pongTimeoutMillis = 10_000;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param group the event loop group to run on (epoll or NIO, see {@link #newEventLoopGroup(int)}); null to have
     *              the layer create one (with Netty's default thread count) and shut it down on {@link #close()}
     */
    public SipTransportLayer(TransportConfig config, IoEventLoopGroup group) {
        this.config = config;
        this.ownsGroup = group == null;
        this.group = group == null ? newEventLoopGroup(0) : group;
        this.epoll = Channels.isEpoll(this.group);
        this.decoderConfig = SipDecoderConfig.DEFAULT.withMaxMessageSize(config.maxMessageSize());
        this.inbound = new InboundHandler(this);
    }

    /** An event loop group on native epoll when available, else NIO; {@code threads} 0 means Netty's default. */
    public static IoEventLoopGroup newEventLoopGroup(int threads) {
        return Channels.newGroup(threads);
    }

    /** The datagram channel class that fits this layer's event loops (for a DNS resolver sharing them). */
    public Class<? extends io.netty.channel.socket.DatagramChannel> datagramChannelType() {
        return Channels.datagram(Channels.isEpoll(group));
    }

    /**
     * Datagram channels that fit this layer's event loops for a socket bound to {@code bindHost}: IPv4 sockets for
     * an IPv4 address, as the SIP ones (see Channels), for media sockets beside them.
     */
    public io.netty.channel.ChannelFactory<? extends DatagramChannel> datagramChannelFactory(String bindHost) {
        return Channels.datagram(Channels.isEpoll(group), bindHost);
    }

    /** The client socket channel class that fits this layer's event loops. */
    public Class<? extends io.netty.channel.socket.SocketChannel> socketChannelType() {
        return Channels.isEpoll(group) ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    /** Tests shorten the RFC 5626 pong wait; set before {@link #start}. */
    void pongTimeout(java.time.Duration timeout) {
        this.pongTimeoutMillis = timeout.toMillis();
    }

    /** The group's event loops, for the transaction layer to shard calls over. */
    public List<EventExecutor> executors() {
        List<EventExecutor> list = new ArrayList<>();
        for (EventExecutor e : group) {
            list.add(e);
        }
        return list;
    }

    public IoEventLoopGroup eventLoopGroup() {
        return group;
    }

    public TransportConfig config() {
        return config;
    }

    /**
     * Binds UDP and TCP on {@link TransportConfig#port()} (the same number for both) and TLS when configured, and
     * starts handing what arrives to {@code receiver}, which is called on an event loop and must not block.
     * Blocks until bound; must not be called on an event loop.
     *
     * @throws IOException when a port cannot be bound or the TLS material cannot be loaded
     */
    public synchronized void start(Consumer<Inbound> receiver) throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        inbound.receiver(receiver);
        if (config.tlsEnabled()) {
            try {
                serverTls = TlsContexts.server(config.tls(), config.advertisedHost());
                clientTls = TlsContexts.client(config.tls());
            } catch (SSLException | RuntimeException e) {
                throw new IOException("TLS setup failed: " + e.getMessage(), e);
            }
        }
        tcpClient = clientBootstrap(Transport.TCP, null);
        tlsClient = clientTls == null ? null : clientBootstrap(Transport.TLS, clientTls);
        try {
            bindUdpAndTcp();
            if (serverTls != null) {
                tlsServer = bindStream(Transport.TLS, config.tlsPort(), serverTls);
                tlsPort = ((InetSocketAddress) tlsServer.localAddress()).getPort();
            }
        } catch (IOException | RuntimeException e) {
            closeChannels();
            throw e instanceof IOException io ? io : new IOException("bind failed: " + e.getMessage(), e);
        }
        started = true;
        log.info("SIP transport listening on {}:{} (UDP, TCP){} advertising {}, {}", config.bindHost(), port,
            tlsServer == null ? "" : " and " + tlsPort + " (TLS)", config.advertisedHost(), epoll ? "epoll" : "NIO");
    }

    // With port 0 the UDP port is picked first and TCP must get the same number; a clash means trying again.
    private void bindUdpAndTcp() throws IOException {
        int attempts = config.port() == 0 ? 8 : 1;
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            DatagramChannel u = bindUdp(epoll ? unsharedUdpPort(config.port()) : config.port());
            int p = u.localAddress().getPort();
            try {
                tcpServer = bindStream(Transport.TCP, p, null);
            } catch (IOException e) {
                u.close().syncUninterruptibly();
                last = e;
                continue;
            }
            udp = u;
            port = p;
            List<DatagramChannel> all = new ArrayList<>(List.of(u));
            int more = epoll ? executors().size() - 1 : 0;
            for (int k = 0; k < more; k++) {
                all.add(bindUdp(p));
            }
            udpSockets = all.toArray(new DatagramChannel[0]);
            return;
        }
        throw last;
    }

    /**
     * The UDP port to bind our SO_REUSEPORT sockets to: {@code p} if no socket holds it, or for 0 one that none holds.
     * SO_REUSEPORT lets a socket join the group of any other socket of the same user on its port, and Linux even
     * hands out such a port for port 0: two stacks on one machine would then split each other's datagrams without a
     * word. A plain socket binds first and proves the port free (or is given a free one); ours take it as soon as
     * it lets go.
     */
    private int unsharedUdpPort(int p) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(config.bindHost(), p));
            return probe.getLocalPort();
        } catch (BindException e) {
            throw new IOException("cannot bind UDP " + config.bindHost() + ":" + p + ": address already in use", e);
        }
    }

    private DatagramChannel bindUdp(int p) throws IOException {
        ChannelFuture f = udpBootstrap(group).bind(config.bindHost(), p).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind UDP " + config.bindHost() + ":" + p + ": " + f.cause().getMessage(), f.cause());
        }
        channels.add(f.channel());
        return (DatagramChannel) f.channel();
    }

    private Bootstrap udpBootstrap(EventLoopGroup loops) {
        Bootstrap b = new Bootstrap().group(loops).channelFactory(Channels.datagram(epoll, config.bindHost()))
            .option(ChannelOption.SO_RCVBUF, config.udpSocketBuffer())
            .option(ChannelOption.SO_SNDBUF, config.udpSocketBuffer())
            // An allocator set by hand reads one datagram per readiness event (Netty's default for its own is 16):
            // after any pause the loop would then read one datagram between runs of every due timer, and a backlog
            // of responses would trip retransmission timers (Timer A) for requests that were answered long ago.
            .option(ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(MAX_DATAGRAM * (epoll ? DATAGRAMS_PER_RECEIVE : 1))
                .maxMessagesPerRead(DATAGRAMS_PER_READ))
            .handler(new ChannelInitializer<DatagramChannel>() {
                @Override
                protected void initChannel(DatagramChannel ch) {
                    ch.attr(BATCH).set(new DatagramBatch(ch));
                    if (UdpImpairment.needed(config)) {
                        ch.pipeline().addLast("impairment", new UdpImpairment(config.udpReceiveLoss(),
                            config.udpSendLoss(), config.udpSendDuplication(), config.udpDuplicateDelay()));
                    }
                    ch.pipeline().addLast("decoder", new dev.dialtone.sip.codec.SipDatagramDecoder(decoderConfig));
                    ch.pipeline().addLast("sip", inbound);
                }
            });
        if (epoll) {
            b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
            // The slot size that has Netty read with recvmmsg into the allocator's buffer.
            b.option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        }
        return b;
    }

    /**
     * Sends what goes to {@code peer} over UDP from sockets connected to it, bound to the SIP port beside the
     * listening ones ({@code SO_REUSEPORT}; epoll only). A connected socket skips the route lookup and the address
     * a datagram would otherwise carry: about a tenth of the kernel's cost of each send on 127.0.0.1, where a load
     * test against one target spends half its CPU sending (bench/RESULTS.md, twenty-fifth part). What the peer
     * sends arrives on the connected socket (Linux prefers a connected socket of a reuseport group for its own
     * peer), what anyone else sends on the listening ones, so nothing changes on the wire: same source port, same
     * Via.
     *
     * <p>A connected socket also hears the peer's ICMP errors, which a listening one never sees: once the peer's
     * port is closed, the error is read and logged at debug, or, if a send comes first, that datagram fails its
     * transaction with a transport error (RFC 3261 8.1.3.1) instead of leaving it to Timer B or F. Returns false,
     * changing nothing, when the layer is not on epoll or not started; from any thread but an event loop.
     */
    public synchronized boolean connectUdp(InetSocketAddress peer) throws IOException {
        if (!epoll || !started || closed || peer.isUnresolved() || udpSockets.length == 0) {
            return false;
        }
        if (connectedPeers.containsKey(peer)) {
            return true;
        }
        DatagramChannel[] mine = new DatagramChannel[udpSockets.length];
        InetSocketAddress local = new InetSocketAddress(udp.localAddress().getAddress(), port);
        for (int i = 0; i < mine.length; i++) {
            ChannelFuture f = udpBootstrap(udpSockets[i].eventLoop()).connect(peer, local).awaitUninterruptibly();
            if (!f.isSuccess()) {
                for (int k = 0; k < i; k++) {
                    mine[k].close();
                }
                throw new IOException("cannot connect UDP " + local + " to " + peer + ": " + f.cause().getMessage(),
                    f.cause());
            }
            mine[i] = (DatagramChannel) f.channel();
            channels.add(mine[i]);
        }
        Map<InetSocketAddress, DatagramChannel[]> next = new HashMap<>(connectedPeers);
        next.put(peer, mine);
        connectedPeers = Map.copyOf(next);
        log.info("UDP to {} leaves from sockets connected to it", peer);
        return true;
    }

    private Channel bindStream(Transport transport, int p, SslContext tls) throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Channels.server(epoll))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    Connection c = new Connection(SipTransportLayer.this, ch, transport,
                        (InetSocketAddress) ch.remoteAddress(), false);
                    streamPipeline(ch, c, tls == null ? null : tls.newHandler(ch.alloc()));
                    connections.add(c);
                    log.debug("{} accepted", c);
                }
            });
        ChannelFuture f = b.bind(config.bindHost(), p).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind " + transport + " " + config.bindHost() + ":" + p + ": "
                + f.cause().getMessage(), f.cause());
        }
        channels.add(f.channel());
        return f.channel();
    }

    private Bootstrap clientBootstrap(Transport transport, SslContext tls) {
        return new Bootstrap().group(group).channel(Channels.socket(epoll))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ConnectionTable.Key target = ch.attr(TARGET).get();
                    Connection c = new Connection(SipTransportLayer.this, ch, transport, target.address(), true);
                    SslHandler ssl = null;
                    if (tls != null) {
                        ssl = tls.newHandler(ch.alloc(), NetUtil.toAddressString(target.address().getAddress()),
                            target.address().getPort());
                        ssl.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
                    }
                    streamPipeline(ch, c, ssl);
                }
            });
    }

    private void streamPipeline(Channel ch, Connection c, SslHandler ssl) {
        ch.attr(CONNECTION).set(c);
        // Removal is registered before the channel joins the group, so close() finds the table already emptied.
        ch.closeFuture().addListener(f -> {
            connections.remove(c);
            log.debug("{} closed", c);
        });
        channels.add(ch);
        if (closed) {
            ch.close();
        }
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl);
        }
        long idle = (c.clientOpened ? config.clientIdleTimeout() : config.serverIdleTimeout()).toMillis();
        long ping = c.clientOpened ? config.keepAliveInterval().toMillis() : 0;
        // RFC 5626 4.4.1: a ping unanswered within 10 s means the flow failed. Pongs are reads, so a flow we ping
        // that has been silent for an interval plus that long is closed.
        long silent = ping > 0 ? ping + pongTimeoutMillis : 0;
        p.addLast("idle", new IdleStateHandler(silent, ping, idle, TimeUnit.MILLISECONDS));
        p.addLast("decoder", new dev.dialtone.sip.codec.SipStreamDecoder(decoderConfig));
        p.addLast("encoder", ENCODER);
        p.addLast("usage", new FlowUsage(config.serverIdleTimeout().toMillis(), idleCloseDeferred));
        p.addLast("sip", inbound);
    }

    /**
     * Sends {@code message} to {@code destination}. The stage completes when the bytes are written and fails when
     * the connection cannot be opened, the write fails, or a request is pinned to a flow that has closed. A response
     * pinned to a closed flow goes over a new connection to the flow's address and the Via sent-by port instead
     * (RFC 3261 18.2.2). Any thread; never blocks.
     */
    @Override
    public CompletionStage<Void> send(SipMessage message, Destination destination) {
        return route(message, destination, null);
    }

    /**
     * The transaction layer's sends: a datagram written from its socket's own loop, the usual case, carries a
     * promise that reports a failure itself, in place of a listener, a completion stage and its callback per
     * datagram (about 2 % of {@code load}'s CPU at 25,000 calls/s went to completing them, for sends that UDP
     * almost never fails). Anything else reports through its stage.
     */
    @Override
    public void send(SipMessage message, Destination destination, Consumer<Throwable> onFailure) {
        CompletionStage<Void> sent = route(message, destination, onFailure);
        if (sent != null) {
            MessageSender.reportFailure(sent, onFailure);
        }
    }

    /**
     * {@link #send(SipMessage, Destination)}; with {@code onFailure}, a datagram written on its socket's loop
     * reports its failure there and null is returned instead of a stage.
     */
    private CompletionStage<Void> route(SipMessage message, Destination destination, Consumer<Throwable> onFailure) {
        if (log.isTraceEnabled()) {
            log.trace("sending over {} to {}:\n{}", destination.transport(), destination.address(), message);
        }
        if (!started || closed) {
            return failed(new IOException(closed ? "transport closed" : "transport not started"));
        }
        Flow flow = destination.flow();
        if (flow != null) {
            if (!(flow instanceof Connection c) || !c.ownedBy(this)) {
                return failed(new IOException("flow " + flow.id() + " does not belong to this transport"));
            }
            if (c.isOpen()) {
                return write(c.channel, message);
            }
            if (message instanceof SipResponse response) {
                return sendOnNewConnection(response, c);
            }
            // RFC 5626 5.3: a request for a flow that failed must fail, so the sender can try another flow.
            return failed(new IOException("flow " + c.id() + " is closed"));
        }
        InetSocketAddress to = destination.address();
        if (to.isUnresolved()) {
            return failed(new IOException("unresolved destination " + to));
        }
        return switch (destination.transport()) {
            case UDP -> {
                if (config.largeRequestsOverTcp() && message instanceof SipRequest r
                    && r.wireLength() > TransportConfig.UDP_MTU_LIMIT) {
                    yield sendLargeRequestOverTcp(r, to);
                }
                yield sendDatagram(message, to, onFailure);
            }
            case TCP -> sendStream(message, new ConnectionTable.Key(Transport.TCP, to));
            case TLS -> tlsClient == null ? failed(new IOException("TLS is not enabled"))
                : sendStream(message, new ConnectionTable.Key(Transport.TLS, to));
        };
    }

    // The socket on the calling event loop, if any, saves a hop; all of them share the port, so any will do.
    private static DatagramChannel socketHere(DatagramChannel[] sockets) {
        for (DatagramChannel ch : sockets) {
            if (ch.eventLoop().inEventLoop()) {
                return ch;
            }
        }
        return sockets[0];
    }

    /*
     * RFC 3261 18.2.2: when the connection a request came on has closed, the response goes over a new connection to
     * the request's source address (its received) and the sent-by port of its Via.
     */
    private CompletionStage<Void> sendOnNewConnection(SipResponse response, Connection closed) {
        Via via;
        try {
            via = response.topVia();
        } catch (RuntimeException e) {
            via = null;
        }
        if (via == null) {
            return failed(new IOException("flow " + closed.id() + " is closed and the response has no usable Via"));
        }
        int p = via.port() > 0 ? via.port() : closed.transport.defaultPort();
        return sendStream(response, new ConnectionTable.Key(closed.transport,
            new InetSocketAddress(closed.remote.getAddress(), p)));
    }

    private CompletionStage<Void> sendDatagram(SipMessage message, InetSocketAddress to, Consumer<Throwable> onFailure) {
        Map<InetSocketAddress, DatagramChannel[]> peers = connectedPeers;
        DatagramChannel[] connected = peers.isEmpty() ? null : peers.get(to);
        DatagramChannel ch;
        Object packet;
        if (connected == null) {
            ch = socketHere(udpSockets);
            packet = new DatagramPacket(SipEncoder.encode(ch.alloc(), message), to);
        } else {
            ch = socketHere(connected);
            // Bytes without an address: Netty's sendmmsg then leaves the kernel to use the connected one.
            packet = SipEncoder.encode(ch.alloc(), message);
        }
        if (!ch.eventLoop().inEventLoop()) {
            return write(ch, packet);
        }
        DatagramBatch batch = ch.attr(BATCH).get();
        if (onFailure != null) {
            batch.write(packet, new FailurePromise(ch, onFailure));
            return null;
        }
        return completion(batch.write(packet));
    }

    /** A write's promise that hands its failure to a callback: no listener to notify when it succeeds. */
    private static final class FailurePromise extends DefaultChannelPromise {
        private final Consumer<Throwable> onFailure;

        FailurePromise(Channel channel, Consumer<Throwable> onFailure) {
            super(channel, channel.eventLoop());
            this.onFailure = onFailure;
        }

        @Override
        public ChannelPromise setFailure(Throwable cause) {
            super.setFailure(cause);
            onFailure.accept(cause);
            return this;
        }

        @Override
        public boolean tryFailure(Throwable cause) {
            if (!super.tryFailure(cause)) {
                return false;
            }
            onFailure.accept(cause);
            return true;
        }
    }

    /*
     * RFC 3261 18.1.1: a request over 1300 bytes (path MTU unknown) MUST go over a congestion-controlled transport,
     * with the top Via changed to match; if the connection cannot be made it SHOULD be retried over UDP. The
     * transaction above still counts it as UDP, so its retransmissions follow the same way over the connection.
     */
    private CompletionStage<Void> sendLargeRequestOverTcp(SipRequest request, InetSocketAddress to) {
        Via top = request.topVia();
        SipRequest overTcp = request;
        if (top != null && Transport.fromName(top.transport()) == Transport.UDP) {
            overTcp = request.toBuilder().replaceTopVia(new Via(Transport.TCP.viaName(), top.host(), top.port(),
                top.params())).build();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        sendStream(overTcp, new ConnectionTable.Key(Transport.TCP, to)).whenComplete((ok, err) -> {
            if (err == null) {
                done.complete(null);
                return;
            }
            log.debug("large request to {} not sent over TCP ({}), falling back to UDP", to, err.toString());
            sendDatagram(request, to, null).whenComplete((ok2, err2) -> {
                if (err2 == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(err2);
                }
            });
        });
        return done;
    }

    private CompletionStage<Void> sendStream(SipMessage message, ConnectionTable.Key key) {
        Connection c = connections.get(key);
        if (c != null && c.isOpen()) {
            return write(c.channel, message);
        }
        return connect(key).thenCompose(conn -> write(conn.channel, message));
    }

    /** One connection attempt per peer at a time: concurrent sends to a peer being connected to wait for it. */
    private CompletableFuture<Connection> connect(ConnectionTable.Key key) {
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> other = connecting.putIfAbsent(key, mine);
        if (other != null) {
            return other;
        }
        Connection existing = connections.get(key);
        if (existing != null && existing.isOpen()) {
            connecting.remove(key, mine);
            mine.complete(existing);
            return mine;
        }
        Bootstrap b = (key.transport() == Transport.TLS ? tlsClient : tcpClient).clone().attr(TARGET, key);
        ChannelFuture cf = b.connect(key.address());
        cf.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                connecting.remove(key, mine);
                mine.completeExceptionally(f.cause());
                return;
            }
            Channel ch = f.channel();
            Connection conn = ch.attr(CONNECTION).get();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            io.netty.util.concurrent.Future<?> ready = ssl == null ? ch.newSucceededFuture() : ssl.handshakeFuture();
            ready.addListener(h -> {
                if (h.isSuccess() && ch.isActive()) {
                    connections.add(conn);
                    connecting.remove(key, mine);
                    log.debug("{} opened", conn);
                    mine.complete(conn);
                } else {
                    connecting.remove(key, mine);
                    ch.close();
                    Throwable cause = h.cause() != null ? h.cause() : new IOException("connection to " + key.address() + " closed");
                    mine.completeExceptionally(cause);
                }
            });
        });
        return mine;
    }

    private static CompletionStage<Void> write(Channel ch, Object message) {
        return completion(ch.writeAndFlush(message));
    }

    private static CompletionStage<Void> completion(ChannelFuture write) {
        Written done = new Written();
        write.addListener(done);
        return done;
    }

    /** The outcome of one write, as the stage the transaction layer waits on (one object a send, not two). */
    private static final class Written extends CompletableFuture<Void> implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture f) {
            if (f.isSuccess()) {
                complete(null);
            } else {
                completeExceptionally(f.cause());
            }
        }
    }

    private static CompletionStage<Void> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    /** The UDP and TCP listen port (after binding, the real one when 0 was configured). */
    public int port() {
        return port;
    }

    /** The TLS listen port, or -1 when TLS is off. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The port our Via and Contact carry for {@code transport}. */
    public int port(Transport transport) {
        return transport == Transport.TLS ? tlsPort : port;
    }

    /** The bound address of the listener for {@code transport}, or null when it is not listening. */
    public InetSocketAddress localAddress(Transport transport) {
        Channel ch = switch (transport) {
            case UDP -> udp;
            case TCP -> tcpServer;
            case TLS -> tlsServer;
        };
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /**
     * Our Via for a request sent over {@code transport}: {@code SIP/2.0/<transport> <advertised host>:<port>;
     * branch=<branch>;rport} (the bare rport asks the server to answer to the source port, RFC 3581 3).
     */
    public Via via(Transport transport, String branch) {
        return new Via(transport.viaName(), hostForUri(), port(transport), Parameters.of("branch", branch, "rport", null));
    }

    /**
     * Our Contact URI for {@code transport}: {@code sip:user@host:port} for UDP, with {@code ;transport=tcp} for
     * TCP, and {@code sips:user@host:tlsPort} for TLS (RFC 3261 19.1). {@code user} may be null.
     */
    public SipUri contactUri(Transport transport, String user) {
        SipUri.Builder b = SipUri.builder(hostForUri()).user(user).port(port(transport));
        if (transport == Transport.TCP) {
            b.param("transport", "tcp");
        } else if (transport == Transport.TLS) {
            b.secure(true);
        }
        return b.build();
    }

    private String hostForUri() {
        String h = config.advertisedHost();
        return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    /** An open connection by its {@link Flow#id()}, for a registrar that stored the id with a binding. */
    public Optional<Flow> flow(String id) {
        Connection c = connections.byId(id);
        return c != null && c.isOpen() ? Optional.of(c) : Optional.empty();
    }

    /** Open TCP and TLS connections, both directions. */
    public int connectionCount() {
        return connections.size();
    }

    /** Counters since start. */
    public TransportStats stats() {
        return new TransportStats(received.sum(), badRequestsAnswered.sum(), dropped.sum(), pings.sum(),
            connections.size());
    }

    /** Whether {@code via} names us, as RFC 3261 18.1.2 requires of a response's top Via. */
    boolean isOurSentBy(Via via) {
        String host = via.host();
        if (!host.equalsIgnoreCase(hostForUri()) && !host.equalsIgnoreCase(config.bindHost())) {
            return false;
        }
        int p = via.portOrDefault();
        return p == port || p == tlsPort;
    }

    /**
     * On an event loop of this layer: whether datagrams that have reached one of its UDP sockets are still unread,
     * its last read pass having stopped at the {@value #DATAGRAMS_PER_READ}-datagram budget. A timer wheel can
     * let due timers wait for them (see {@code LoopTimer.holdWhile}).
     */
    public boolean inputPending() {
        return InboundHandler.inputPending();
    }

    InetSocketAddress udpLocalAddress() {
        return udp == null ? null : udp.localAddress();
    }

    /** Closes every listener and connection, and shuts the event loop group down if the layer created it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeChannels();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void closeChannels() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (CompletableFuture<Connection> pending : connecting.values()) {
            pending.completeExceptionally(new IOException("transport closed"));
        }
        connecting.clear();
    }
}
