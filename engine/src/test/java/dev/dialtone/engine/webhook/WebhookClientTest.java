package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookClientTest {

    static final String TOKEN = "PT0123456789abcdef";

    MockWebServer server;
    WebhookClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        client = WebhookClient.builder().signingToken(TOKEN).readTimeout(Duration.ofSeconds(5)).build();
    }

    /** MockWebServer names itself by host name; requests here go to the loopback address only. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getPort() + pathAndQuery;
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.shutdown();
    }

    static Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("CallSid", "CA42");
        p.put("From", "+15551234567");
        p.put("To", "sip:bob@example.com");
        p.put("CallerName", "Bob & Alice");
        return p;
    }

    /** The signature written out from Twilio's description, independently of {@link WebhookSignature}. */
    static String handSignature(String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    static WebhookException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return (WebhookException) e.getCause();
    }

    RecordedRequest take() throws InterruptedException {
        return server.takeRequest(10, TimeUnit.SECONDS);
    }

    @Test
    void post_sendsFormBodyUserAgentAndSignature() throws Exception {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/xml").setBody("<Response/>"));
        String url = url("/voice");
        WebhookResponse response = await(client.fetch(url, HttpMethod.POST, params()));
        assertEquals(200, response.status());
        assertEquals("<Response/>", response.bodyText());

        RecordedRequest r = take();
        assertEquals("POST", r.getMethod());
        assertEquals("/voice", r.getPath());
        assertEquals("CallSid=CA42&From=%2B15551234567&To=sip%3Abob%40example.com&CallerName=Bob+%26+Alice",
                r.getBody().readUtf8());
        assertEquals("application/x-www-form-urlencoded", r.getHeader("Content-Type"));
        assertEquals("Dialtone/0.1", r.getHeader("User-Agent"));
        String expected = handSignature(url + "CallSid" + "CA42" + "CallerName" + "Bob & Alice"
                + "From" + "+15551234567" + "To" + "sip:bob@example.com");
        assertEquals(expected, r.getHeader("X-Twilio-Signature"));
        assertEquals(expected, r.getHeader("X-SignalWire-Signature"));
        assertNull(r.getHeader("Authorization"));
    }

    @Test
    void get_appendsParamsToTheExistingQuery_andSignsTheFullUrl() throws Exception {
        server.enqueue(new MockResponse().setBody("<Response/>"));
        String url = url("/voice?tenant=a%20b&x=1");
        await(client.fetch(url, HttpMethod.GET, params()));
        RecordedRequest r = take();
        assertEquals("GET", r.getMethod());
        String path = "/voice?tenant=a%20b&x=1&CallSid=CA42&From=%2B15551234567&To=sip%3Abob%40example.com"
                + "&CallerName=Bob+%26+Alice";
        assertEquals(path, r.getPath());
        assertEquals(0, r.getBodySize());
        String full = "http://127.0.0.1:" + server.getPort() + path;
        assertEquals(handSignature(full), r.getHeader("X-Twilio-Signature"));
        assertTrue(WebhookSignature.verify(full, Map.of(), TOKEN, r.getHeader("X-SignalWire-Signature")));
    }

    @Test
    void get_withoutQuery_startsOne() throws Exception {
        server.enqueue(new MockResponse().setBody("<Response/>"));
        await(client.fetch(url("/voice"), HttpMethod.GET, Map.of("CallSid", "CA1")));
        assertEquals("/voice?CallSid=CA1", take().getPath());
    }

    @Test
    void userInfo_becomesBasicAuth_andLeavesTheUrl() throws Exception {
        server.enqueue(new MockResponse().setBody("<Response/>"));
        String url = "http://alice:p%40ss@127.0.0.1:" + server.getPort() + "/secure";
        WebhookResponse response = await(client.fetch(url, HttpMethod.POST, Map.of("CallSid", "CA1")));
        RecordedRequest r = take();
        assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:p@ss".getBytes(StandardCharsets.UTF_8)),
                r.getHeader("Authorization"));
        String sent = "http://127.0.0.1:" + server.getPort() + "/secure";
        assertEquals(sent, response.url());
        assertEquals(handSignature(sent + "CallSid" + "CA1"), r.getHeader("X-Twilio-Signature"));
    }

    @Test
    void status500_isAFailureWithTheStatus() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(500));
        WebhookException e = failure(client.fetch(url("/x"), HttpMethod.POST, Map.of()));
        assertEquals(WebhookException.Reason.HTTP_STATUS, e.reason());
        assertEquals(500, e.status().getAsInt());
        assertTrue(e.isTransient());
    }

    @Test
    void status404_isAFailureNotWorthRetrying() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(404));
        WebhookException e = failure(client.fetch(url("/x"), HttpMethod.GET, Map.of()));
        assertEquals(404, e.status().getAsInt());
        assertFalse(e.isTransient());
    }

    @Test
    void noAnswerWithinReadTimeout_isATimeout() throws Exception {
        try (WebhookClient quick = WebhookClient.builder().readTimeout(Duration.ofMillis(200)).build()) {
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
            WebhookException e = failure(quick.fetch(url("/slow"), HttpMethod.POST, Map.of()));
            assertEquals(WebhookException.Reason.TIMEOUT, e.reason());
            assertTrue(e.isTransient());
        }
    }

    @Test
    void connectionRefused_isANetworkFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        WebhookException e = failure(client.fetch("http://127.0.0.1:" + port + "/", HttpMethod.POST, Map.of()));
        assertEquals(WebhookException.Reason.NETWORK, e.reason());
    }

    @Test
    void bodyPastTheLimit_isRefused() throws Exception {
        try (WebhookClient small = WebhookClient.builder().maxBodyBytes(100).build()) {
            server.enqueue(new MockResponse().setBody("x".repeat(100)));
            assertEquals(100, await(small.fetch(url("/a"), HttpMethod.GET, Map.of())).body().length);
            server.enqueue(new MockResponse().setBody("x".repeat(101)));
            WebhookException e = failure(small.fetch(url("/b"), HttpMethod.GET, Map.of()));
            assertEquals(WebhookException.Reason.BODY_TOO_LARGE, e.reason());
            server.enqueue(new MockResponse().setChunkedBody("y".repeat(5000), 64));
            e = failure(small.fetch(url("/c"), HttpMethod.GET, Map.of()));
            assertEquals(WebhookException.Reason.BODY_TOO_LARGE, e.reason());
        }
    }

    @Test
    void fileUrl_isReadOnTheFileExecutor_notByTheCaller(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("inbound.xml");
        Files.writeString(doc, "<Response><Hangup/></Response>");
        List<Runnable> queued = new CopyOnWriteArrayList<>();
        try (WebhookClient held = WebhookClient.builder().fileExecutor(queued::add).build()) {
            CompletableFuture<WebhookResponse> f = held.fetch(doc.toUri().toString(), HttpMethod.POST, params());
            assertFalse(f.isDone(), "the caller must not read the file");
            assertEquals(1, queued.size());
            Thread reader = new Thread(queued.get(0));
            reader.start();
            WebhookResponse response = await(f);
            assertArrayEquals("<Response><Hangup/></Response>".getBytes(StandardCharsets.UTF_8), response.body());
            assertEquals(200, response.status());
            reader.join(10_000);
        }
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void fileUrl_withTheDefaultReaders(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("inbound.xml");
        Files.writeString(doc, "<Response/>");
        assertEquals("<Response/>", await(client.fetch(doc.toUri().toString(), HttpMethod.GET, Map.of())).bodyText());
    }

    @Test
    void fileUrl_pastTheLimit_isRefused(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("big.xml");
        Files.writeString(doc, "x".repeat(101));
        try (WebhookClient small = WebhookClient.builder().maxBodyBytes(100).build()) {
            assertEquals(WebhookException.Reason.BODY_TOO_LARGE,
                    failure(small.fetch(doc.toUri().toString(), HttpMethod.GET, Map.of())).reason());
        }
    }

    @Test
    void fileUrl_missingFile_isAFileFailure(@TempDir Path dir) {
        WebhookException e = failure(client.fetch(dir.resolve("absent.xml").toUri().toString(), HttpMethod.GET,
                Map.of()));
        assertEquals(WebhookException.Reason.FILE, e.reason());
    }

    @Test
    void invalidUrl_isAFailureValue() {
        WebhookException e = failure(client.fetch("ftp://example.com/x", HttpMethod.GET, Map.of()));
        assertEquals(WebhookException.Reason.INVALID_URL, e.reason());
    }

    @Test
    void verify_acceptsTheHandComputedSignature_andRejectsTampering() throws Exception {
        String url = "https://app.example.com/status?account=7";
        Map<String, String> p = Map.of("CallSid", "CA42", "CallStatus", "ringing", "AccountSid", "AC1");
        String byHand = handSignature(url + "AccountSid" + "AC1" + "CallSid" + "CA42" + "CallStatus" + "ringing");
        assertEquals(byHand, WebhookSignature.sign(url, p, TOKEN));
        assertTrue(WebhookSignature.verify(url, p, TOKEN, byHand));
        assertFalse(WebhookSignature.verify(url, Map.of("CallSid", "CA42", "CallStatus", "completed",
                "AccountSid", "AC1"), TOKEN, byHand));
        assertFalse(WebhookSignature.verify(url, p, "other-token", byHand));
        assertFalse(WebhookSignature.verify(url, p, TOKEN, null));
    }

    @Test
    void sortOrder_isCaseSensitive() throws Exception {
        Map<String, String> p = Map.of("b", "1", "B", "2", "a", "3");
        assertEquals(handSignature("https://x.example/" + "B2" + "a3" + "b1"),
                WebhookSignature.sign("https://x.example/", p, TOKEN));
    }

    @Test
    void observer_seesStatusAndLatencyOfEachRequest() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WebhookClient observed = WebhookClient.builder()
                .observer((method, host, status, latency) -> seen.add(method + " " + host + " " + status
                        + (latency.isNegative() ? " negative" : "")))
                .build()) {
            server.enqueue(new MockResponse().setResponseCode(204));
            await(observed.fetch(url("/a"), HttpMethod.GET, Map.of()));
            server.enqueue(new MockResponse().setResponseCode(503));
            failure(observed.fetch(url("/b"), HttpMethod.POST, Map.of()));
        }
        assertEquals(List.of("GET 127.0.0.1 204", "POST 127.0.0.1 503"), seen);
    }
}
