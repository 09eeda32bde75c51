package dev.dialtone.engine.server;

import dev.dialtone.engine.Dialtone;
import dev.dialtone.engine.api.ApiCredentials;
import dev.dialtone.engine.call.CallStatus;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.registrar.EndpointRouter;
import dev.dialtone.engine.registrar.Registrar;
import dev.dialtone.engine.registrar.TrustedPeers;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.engine.api.SipEndpointApi;
import dev.dialtone.engine.metrics.MetricsRegistry;
import dev.dialtone.engine.store.BindingStore;
import dev.dialtone.engine.store.Database;
import dev.dialtone.engine.store.SipEndpointStore;
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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The standalone server: owns the event loops, every listener, the database and the REST API. */
public final class DialtoneServer {
    private static final Logger log = LoggerFactory.getLogger(DialtoneServer.class);
    /** Database work for REST requests; few threads, as the pool has few connections. */
    private static final int API_THREADS = 4;
    private static final int API_QUEUE = 1024;

    private final ServerConfig config;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private EventLoopGroup group;
    private Channel http;
    private ThreadPoolExecutor apiExecutor;
    private Database database;
    private SipEndpointStore endpoints;
    private BindingStore bindings;
    private ApiCredentials credentials;
    private Registrar registrar;
    private Dialtone dialtone;

    public DialtoneServer(ServerConfig config) {
        this.config = config;
    }

    /** Starts every listener; on failure, releases whatever had started and rethrows. */
    public void start() throws InterruptedException, IOException {
        try {
            startAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void startAll() throws InterruptedException, IOException {
        Files.createDirectories(config.dataDir());
        credentials = ApiCredentials.resolve(config.dataDir(), config.projectId(), config.apiToken());
        if (credentials.generated()) {
            log.info("Generated REST credentials project_id={} api_token={} (stored in {}; shown only once)",
                    credentials.projectId(), credentials.apiToken(), credentials.file().orElseThrow());
        }
        database = Database.open(config.effectiveDbUrl());
        endpoints = new SipEndpointStore(database, config.effectiveSipRealm(), Clock.systemUTC());
        bindings = new BindingStore(database);
        metrics.gauge("dialtone_sip_endpoints", "SIP endpoints in the store", () -> endpoints.count());
        MetricsRegistry.Counter requests = metrics.counter("dialtone_http_requests_total",
                "HTTP requests answered, by method, route template and status", "method", "route", "status");

        AtomicInteger threads = new AtomicInteger();
        apiExecutor = new ThreadPoolExecutor(API_THREADS, API_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(API_QUEUE), r -> {
                    Thread t = new Thread(r, "dialtone-api-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        HttpRouter.Shared shared = new HttpRouter.Shared(credentials, new SipEndpointApi(endpoints), metrics,
                requests, apiExecutor);

        startCalls(metrics);

        group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new HttpRouter(shared));
                    }
                });
        http = b.bind(config.sipHost(), config.httpPort()).sync().channel();
    }

    /** The SIP side: the B2BUA engine on its stack and relay, and the registrar answering REGISTER. */
    private void startCalls(MetricsRegistry metrics) throws IOException {
        TlsConfig tls = null;
        if (config.tlsPort() != 0) {
            tls = config.tlsCert() != null ? TlsConfig.fromPem(config.tlsCert(), config.tlsKey())
                    : TlsConfig.selfSigned(config.dataDir());
        }
        MetricsRegistry.Counter callsTotal = metrics.counter("dialtone_calls_total",
                "Call legs ended, by final status and direction", "status", "direction");
        MetricsRegistry.Counter webhookRequests = metrics.counter("dialtone_webhook_requests_total",
                "Webhook requests, by method and HTTP status (0: no response)", "method", "status");
        MetricsRegistry.Counter webhookMillis = metrics.counter("dialtone_webhook_latency_milliseconds_total",
                "Total webhook latency in milliseconds, by method (divide by the request count for the mean)",
                "method");
        Dialtone.Builder b = Dialtone.builder()
                .bindHost(config.sipHost())
                .advertisedHost(config.advertisedHost())
                .sipPort(config.sipPort())
                .tls(config.tlsPort(), tls)
                .rtpPorts(config.rtpPortLow(), config.rtpPortHigh())
                .accountSid(credentials.projectId())
                .webhookToken(credentials.apiToken())
                .webhookObserver((method, host, status, latency) -> {
                    webhookRequests.inc(method.name(), Integer.toString(status));
                    webhookMillis.labels(method.name()).add(latency.toMillis());
                })
                .onCallStatus((call, previous) -> {
                    if (call.status().isFinal()) {
                        callsTotal.inc(call.status().wire(), call.direction().wire());
                    }
                });
        // No application on the engine itself: --inbound-url is reached only through the endpoint router below, so
        // an INVITE that arrives before the router is in place finds no application (404) rather than skipping
        // authentication and --trusted-peers.
        dialtone = b.start();
        registrar = Registrar.builder(endpoints, bindings).build();
        dialtone.setRegistrar(txn -> registrar.handle(txn.request(), txn.inbound(), txn::respond));

        var stack = dialtone.stack();
        Set<String> hosts = new HashSet<>(List.of(config.advertisedHost(), registrar.realm()));
        if (!config.sipHost().equals("0.0.0.0") && !config.sipHost().equals("::")) {
            hosts.add(config.sipHost());
        }
        Set<Integer> ports = new HashSet<>();
        ports.add(dialtone.sipAddress(Transport.UDP).getPort());
        ports.add(dialtone.sipAddress(Transport.TCP).getPort());
        if (config.tlsPort() != 0) {
            ports.add(dialtone.sipAddress(Transport.TLS).getPort());
        }
        EndpointRouter router = new EndpointRouter(registrar, stack.transport()::flow, hosts, ports,
                TrustedPeers.parse(config.trustedPeers()), config.inboundUrl(),
                HttpMethod.valueOf(config.inboundMethod().toUpperCase()));
        dialtone.engine().setEndpoints(router);
        dialtone.engine().setRouter(router);

        metrics.gauge("dialtone_calls_active", "Calls in progress", () -> dialtone.activeCalls());
        metrics.gauge("dialtone_sip_transactions_active", "SIP transactions not yet terminated",
                () -> stack.transactions().activeTransactions());
        metrics.gauge("dialtone_sip_dialogs_active", "SIP dialogs", () -> stack.dialogs().activeDialogs());
        metrics.gauge("dialtone_sip_messages_received_total", "SIP messages received and handed to the stack",
                () -> stack.transport().stats().received());
        metrics.gauge("dialtone_sip_bad_requests_answered_total", "Malformed SIP requests answered 400",
                () -> stack.transport().stats().badRequestsAnswered());
        metrics.gauge("dialtone_sip_messages_dropped_total", "SIP messages dropped as malformed or misrouted",
                () -> stack.transport().stats().dropped());
        metrics.gauge("dialtone_sip_connections", "Open SIP TCP/TLS connections",
                () -> stack.transport().stats().connections());
        metrics.gauge("dialtone_rtp_packets_relayed_total", "RTP/RTCP packets relayed",
                () -> dialtone.relay().packetsRelayed());
        metrics.gauge("dialtone_rtp_packets_dropped_total", "RTP/RTCP packets dropped (hijack guard, bad SRTP)",
                () -> dialtone.relay().packetsDropped());
        metrics.gauge("dialtone_rtp_sessions_active", "Media relay sessions open",
                () -> dialtone.relay().activeSessions());
    }

    /** The engine: live calls, its SIP stack and relay. */
    public Dialtone dialtone() {
        return dialtone;
    }

    /** The SIP port bound for {@code transport} (UDP and TCP share one). */
    public int sipPort(Transport transport) {
        return dialtone.sipAddress(transport).getPort();
    }

    public int httpPort() {
        return ((InetSocketAddress) http.localAddress()).getPort();
    }

    /** The one startup line (INTERFACES §1): every listener and where the credentials are. */
    public String startupLine() {
        var udp = dialtone.sipAddress(Transport.UDP);
        var tlsAddress = config.tlsPort() != 0 ? dialtone.sipAddress(Transport.TLS) : null;
        return "Dialtone ready: sip=udp:" + hostPort(udp) + ",tcp:" + hostPort(dialtone.sipAddress(Transport.TCP))
                + (tlsAddress != null ? ",tls:" + hostPort(tlsAddress) : "")
                + " advertised=" + config.advertisedHost()
                + " rtp=" + config.rtpPortLow() + "-" + config.rtpPortHigh()
                + " http=" + config.sipHost() + ":" + httpPort()
                + " db=" + database.describe()
                + " credentials=" + credentials.file().map(Object::toString).orElse("--project-id/--api-token")
                + " project_id=" + credentials.projectId();
    }

    private String hostPort(InetSocketAddress a) {
        return config.sipHost() + ":" + a.getPort();
    }

    /** Registry for every component's metrics, served on {@code GET /metrics}. */
    public MetricsRegistry metrics() {
        return metrics;
    }

    /** SIP endpoints and their digest credentials, for the registrar and call routing. */
    public SipEndpointStore endpoints() {
        return endpoints;
    }

    /** Registration bindings, for the registrar. */
    public BindingStore bindings() {
        return bindings;
    }

    public Database database() {
        return database;
    }

    public ApiCredentials credentials() {
        return credentials;
    }

    /**
     * Stops cleanly: new INVITEs get 503 while live calls drain (then the rest are hung up), then HTTP, the
     * registrar and the database close.
     */
    public void stop() {
        if (dialtone != null) {
            dialtone.close();
        }
        if (registrar != null) {
            registrar.close();
        }
        if (http != null) {
            http.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (apiExecutor != null) {
            apiExecutor.shutdown();
            try {
                if (!apiExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    apiExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                apiExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (database != null) {
            database.close();
        }
        log.info("Dialtone stopped");
    }
}
