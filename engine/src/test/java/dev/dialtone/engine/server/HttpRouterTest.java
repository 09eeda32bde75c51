package dev.dialtone.engine.server;

import dev.dialtone.engine.api.ApiCredentials;
import dev.dialtone.engine.api.SipEndpointApi;
import dev.dialtone.engine.metrics.MetricsRegistry;
import dev.dialtone.engine.store.Database;
import dev.dialtone.engine.store.SipEndpointStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The router on an {@link EmbeddedChannel}: which requests wait for the database executor, and in what order. */
class HttpRouterTest {
    @TempDir
    Path dataDir;
    Database db;
    /** Holds the database work until the test runs it, standing for the API threads. */
    final Queue<Runnable> apiThreads = new ArrayDeque<>();
    EmbeddedChannel channel;
    final ApiCredentials credentials = ApiCredentials.of("project", "token");

    @BeforeEach
    void setUp() {
        db = Database.open(Database.h2FileUrl(dataDir));
        MetricsRegistry metrics = new MetricsRegistry();
        Executor executor = apiThreads::add;
        HttpRouter.Shared shared = new HttpRouter.Shared(credentials,
                new SipEndpointApi(new SipEndpointStore(db, "realm", Clock.systemUTC())), metrics,
                metrics.counter("requests_total", "requests", "method", "route", "status"), executor);
        channel = new EmbeddedChannel(new HttpRouter(shared));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        db.close();
    }

    FullHttpRequest get(String uri, boolean authorized) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
        if (authorized) {
            r.headers().set(HttpHeaderNames.AUTHORIZATION,
                    "Basic " + Base64.getEncoder().encodeToString("project:token".getBytes(StandardCharsets.UTF_8)));
        }
        return r;
    }

    FullHttpResponse nextResponse() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    @Test
    void databaseWork_runsOnTheApiExecutor_notOnTheEventLoop() {
        channel.writeInbound(get(SipEndpointApi.PATH, true));
        assertNull(nextResponse(), "nothing is answered before the executor ran the query");
        assertEquals(1, apiThreads.size());
        apiThreads.poll().run();
        FullHttpResponse r = nextResponse();
        assertEquals(200, r.status().code());
        r.release();
    }

    @Test
    void healthAndUnauthorized_areAnsweredOnTheLoop_butAfterEarlierRequests() {
        channel.writeInbound(get(SipEndpointApi.PATH + "/not-a-uuid", true));
        channel.writeInbound(get("/health", false));
        channel.writeInbound(get(SipEndpointApi.PATH, false));
        assertNull(nextResponse(), "the later answers wait for the first");
        apiThreads.poll().run();
        int[] expected = {404, 200, 401};
        for (int status : expected) {
            FullHttpResponse r = nextResponse();
            assertEquals(status, r.status().code());
            r.release();
        }
        assertEquals(0, apiThreads.size(), "health and 401 never touch the executor");
    }

    @Test
    void badPercentEncoding_is400_andTheConnectionStaysUsable() {
        channel.writeInbound(get(SipEndpointApi.PATH + "?filter_username=%zz", true));
        FullHttpResponse r = nextResponse();
        assertEquals(400, r.status().code());
        assertEquals("{\"error\":\"Bad Request\"}", r.content().toString(StandardCharsets.UTF_8));
        r.release();
        channel.writeInbound(get("/health", false));
        r = nextResponse();
        assertEquals(200, r.status().code());
        r.release();
    }

    @Test
    void fullExecutor_is503_withoutBlockingTheLoop() {
        HttpRouter.Shared busy = new HttpRouter.Shared(credentials, null, new MetricsRegistry(),
                new MetricsRegistry().counter("r_total", "r", "method", "route", "status"), task -> {
                    throw new java.util.concurrent.RejectedExecutionException("queue full");
                });
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRouter(busy));
        ch.writeInbound(get("/metrics", true));
        ch.runPendingTasks();
        FullHttpResponse r = ch.readOutbound();
        assertEquals(503, r.status().code());
        assertEquals("1", r.headers().get("Retry-After"));
        r.release();
        ch.finishAndReleaseAll();
    }
}
