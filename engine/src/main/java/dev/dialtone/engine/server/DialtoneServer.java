package dev.dialtone.engine.server;

import dev.dialtone.engine.api.ApiCredentials;
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

    public int httpPort() {
        return ((InetSocketAddress) http.localAddress()).getPort();
    }

    /** The one startup line (INTERFACES §1): every listener and where the credentials are. */
    public String startupLine() {
        return "Dialtone ready: http=" + config.sipHost() + ":" + httpPort()
                + " db=" + database.describe()
                + " credentials=" + credentials.file().map(Object::toString).orElse("--project-id/--api-token")
                + " project_id=" + credentials.projectId();
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

    public void stop() {
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
