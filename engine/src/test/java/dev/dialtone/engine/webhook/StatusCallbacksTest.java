package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatusCallbacksTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T17:40:00Z"), ZoneOffset.UTC);

    MockWebServer server;
    WebhookClient client;
    ScheduledExecutorService scheduler;
    StatusCallbacks callbacks;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        client = WebhookClient.builder().readTimeout(Duration.ofSeconds(5)).build();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        callbacks = new StatusCallbacks(client, scheduler, new RetryPolicy(3, Duration.ofMillis(20)), CLOCK);
    }

    /** MockWebServer names itself by host name; requests here go to the loopback address only. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getPort() + pathAndQuery;
    }

    @AfterEach
    void stop() throws IOException {
        callbacks.close();
        scheduler.shutdownNow();
        client.close();
        server.shutdown();
    }

    static Map<String, String> event(String status) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AccountSid", "AC1");
        p.put("CallStatus", status);
        return p;
    }

    static Map<String, String> form(RecordedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : r.getBody().readUtf8().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    List<Map<String, String>> take(int n) throws InterruptedException {
        List<Map<String, String>> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("only " + i + " of " + n + " requests arrived");
            }
            got.add(form(r));
        }
        return got;
    }

    static void await(CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void event_carriesSequenceTimestampAndSource() throws Exception {
        server.enqueue(new MockResponse());
        await(callbacks.send("CA1", url("/events"), HttpMethod.POST, event("ringing")));
        Map<String, String> got = take(1).get(0);
        assertEquals(Map.of("CallSid", "CA1", "AccountSid", "AC1", "CallStatus", "ringing", "SequenceNumber", "0",
                "Timestamp", "Mon, 23 Nov 2026 17:40:00 +0000", "CallbackSource", "call-progress-events"), got);
    }

    @Test
    void timestamp_hasATwoDigitDay() {
        assertEquals("Thu, 04 Apr 2024 18:32:15 +0000",
                StatusCallbacks.RFC_2822.format(Instant.parse("2024-04-04T18:32:15Z")));
    }

    @Test
    void nextEvent_waitsUntilTheSlowFirstIsAnswered() throws Exception {
        CountDownLatch secondArrived = new CountDownLatch(1);
        AtomicBoolean overtaken = new AtomicBoolean();
        List<String> arrivals = new CopyOnWriteArrayList<>();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                String seq = form(request).get("SequenceNumber");
                arrivals.add(seq);
                if (seq.equals("0")) {
                    // Hold the first answer a while: a dispatcher that does not serialize sends the next event now.
                    overtaken.set(secondArrived.await(500, TimeUnit.MILLISECONDS));
                } else {
                    secondArrived.countDown();
                }
                return new MockResponse();
            }
        });
        String url = url("/events");
        CompletableFuture<Void> a = callbacks.send("CA1", url, HttpMethod.POST, event("initiated"));
        CompletableFuture<Void> b = callbacks.send("CA1", url, HttpMethod.POST, event("ringing"));
        CompletableFuture<Void> c = callbacks.send("CA1", url, HttpMethod.POST, event("in-progress"));
        await(CompletableFuture.allOf(a, b, c));
        assertFalse(overtaken.get(), "event 1 was sent before event 0 was answered");
        assertEquals(List.of("0", "1", "2"), arrivals);
    }

    @Test
    void events_arriveInOrder_whenTheFirstIsRetried() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
        server.enqueue(new MockResponse());
        server.enqueue(new MockResponse());
        String url = url("/events");
        CompletableFuture<Void> a = callbacks.send("CA1", url, HttpMethod.POST, event("initiated"));
        CompletableFuture<Void> b = callbacks.send("CA1", url, HttpMethod.POST, event("ringing"));
        await(CompletableFuture.allOf(a, b));
        // The connection dropped before the request was read, so the server records three requests.
        List<String> seq = take(3).stream().map(m -> m.get("SequenceNumber")).toList();
        assertEquals(List.of("0", "0", "1"), seq);
    }

    @Test
    void persistentFailure_isRetriedThreeTimes_thenGivenUp_andTheNextEventStillGoes() throws Exception {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse().setResponseCode(500));
        }
        server.enqueue(new MockResponse());
        String url = url("/events");
        CompletableFuture<Void> first = callbacks.send("CA1", url, HttpMethod.POST, event("ringing"));
        CompletableFuture<Void> second = callbacks.send("CA1", url, HttpMethod.POST, event("completed"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
        assertEquals(500, ((WebhookException) e.getCause()).status().getAsInt());
        await(second);
        assertEquals(List.of("0", "0", "0", "0", "1"), take(5).stream().map(m -> m.get("SequenceNumber")).toList());
    }

    @Test
    void clientError_isNotRetried() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(404));
        server.enqueue(new MockResponse());
        String url = url("/events");
        CompletableFuture<Void> first = callbacks.send("CA1", url, HttpMethod.POST, event("ringing"));
        CompletableFuture<Void> second = callbacks.send("CA1", url, HttpMethod.POST, event("completed"));
        assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
        await(second);
        assertEquals(List.of("0", "1"), take(2).stream().map(m -> m.get("SequenceNumber")).toList());
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void callState_isReleasedOnceFinishedAndDrained() throws Exception {
        server.enqueue(new MockResponse().setHeadersDelay(100, TimeUnit.MILLISECONDS));
        server.enqueue(new MockResponse());
        server.enqueue(new MockResponse());
        String url = url("/events");
        CompletableFuture<Void> a = callbacks.send("CA1", url, HttpMethod.POST, event("ringing"));
        CompletableFuture<Void> b = callbacks.send("CA1", url, HttpMethod.POST, event("completed"));
        CompletableFuture<Void> other = callbacks.send("CA2", url, HttpMethod.POST, event("completed"));
        callbacks.finish("CA1");
        assertEquals(2, callbacks.activeCalls());
        await(CompletableFuture.allOf(a, b, other));
        assertEquals(1, callbacks.activeCalls(), "CA2 is not finished yet");
        callbacks.finish("CA2");
        assertEquals(0, callbacks.activeCalls());
    }

    @Test
    void sequenceNumbers_arePerCall() throws Exception {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse());
        }
        String url = url("/events");
        await(callbacks.send("CA1", url, HttpMethod.POST, event("ringing")));
        await(callbacks.send("CA2", url, HttpMethod.POST, event("ringing")));
        await(callbacks.send("CA1", url, HttpMethod.POST, event("completed")));
        await(callbacks.send("CA2", url, HttpMethod.POST, event("completed")));
        List<String> got = take(4).stream().map(m -> m.get("CallSid") + "#" + m.get("SequenceNumber")).toList();
        assertEquals(List.of("CA1#0", "CA2#0", "CA1#1", "CA2#1"), got);
    }

    @Test
    void defaultBackoff_isHalfASecondDoubling() {
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)),
                List.of(RetryPolicy.DEFAULT.delayBefore(1), RetryPolicy.DEFAULT.delayBefore(2),
                        RetryPolicy.DEFAULT.delayBefore(3)));
        assertEquals(3, RetryPolicy.DEFAULT.retries());
    }
}
