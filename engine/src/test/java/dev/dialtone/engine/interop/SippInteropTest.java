package dev.dialtone.engine.interop;

import dev.dialtone.engine.Dialtone;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.sip.transport.Transport;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SIPp, a third-party SIP implementation, on both sides of the engine: a SIPp caller calls Dialtone, whose
 * application (a real HTTP server) dials a SIPp callee. The scenarios in {@code resources/sipp} check on the wire
 * what the callee must see; SIPp exits 0 only when every call followed its scenario. Skipped without {@code sipp} on
 * the PATH (Debian/Ubuntu package {@code sip-tester}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SippInteropTest {
    private static final Duration SIPP_TIMEOUT = Duration.ofSeconds(25);

    private final MockWebServer app = new MockWebServer();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<String, String>> statusEvents = new LinkedBlockingQueue<>();
    private final List<Sipp> sipps = new ArrayList<>();
    @TempDir
    Path work;
    private Dialtone dialtone;

    @BeforeAll
    static void sippInstalled() {
        assumeTrue(Sipp.installed(), "sipp is not on the PATH (install the sip-tester package)");
    }

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath().split("\\?")[0];
                if (path.equals("/status")) {
                    statusEvents.add(form(request.getBody().readUtf8()));
                    return new MockResponse().setResponseCode(204);
                }
                requests.add(request);
                String doc = documents.get(path);
                return doc == null ? new MockResponse().setResponseCode(404)
                        : new MockResponse().setBody(doc).setHeader("Content-Type", "application/xml");
            }
        });
        app.start(InetAddress.getByName("127.0.0.1"), 0);
        dialtone = Dialtone.builder().bindHost("127.0.0.1").sipPort(0).rtpPorts(45000, 45999)
                .applicationUrl(app.url("/").toString(), HttpMethod.POST)
                .drainTimeout(Duration.ofSeconds(2))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            // Whatever SIPp did, nothing of the calls stays behind in the engine or its relay.
            awaitTrue("engine holds no call", () -> dialtone.activeCalls() == 0);
            awaitTrue("relay holds no session", () -> dialtone.relay().activeSessions() == 0
                    && dialtone.relay().allocator().inUse() == 0);
        } finally {
            sipps.forEach(Sipp::close);
            dialtone.close();
            app.shutdown();
        }
    }

    private InetSocketAddress engine() {
        return dialtone.sipAddress(Transport.UDP);
    }

    private Sipp callee(String scenario, int calls, String... extra) throws Exception {
        Sipp s = Sipp.callee(work, scenario, calls, extra);
        sipps.add(s);
        return s;
    }

    private Sipp caller(String scenario, int calls, String... extra) throws Exception {
        Sipp s = Sipp.caller(work, scenario, engine(), calls, extra);
        sipps.add(s);
        return s;
    }

    private static String sipUri(Sipp callee) {
        return "sip:callee@127.0.0.1:" + callee.port + ";transport=udp";
    }

    /** Both SIPps exit 0: every call followed its scenario on both sides of the engine. */
    private static void bothSucceed(Sipp caller, Sipp callee) throws InterruptedException {
        int callerExit = caller.await(SIPP_TIMEOUT);
        int calleeExit = callee.await(SIPP_TIMEOUT);
        assertEquals(0, callerExit, () -> "caller SIPp exit\n" + caller.diagnostics() + callee.diagnostics());
        assertEquals(0, calleeExit, () -> "callee SIPp exit\n" + callee.diagnostics() + caller.diagnostics());
    }

    @Test
    void sippCallerToSippDefaultCallee_fiveCallsBridged() throws Exception {
        Sipp callee = callee("sn:uas", 5);
        documents.put("/", "<Response><Dial><Sip>" + sipUri(callee) + "</Sip></Dial></Response>");
        Sipp caller = caller("caller.xml", 5, "-d", "200", "-r", "5");

        bothSucceed(caller, callee);
        for (int i = 0; i < 5; i++) {
            RecordedRequest r = requests.poll(5, TimeUnit.SECONDS);
            assertNotNull(r, "the application is asked for every call");
            Map<String, String> p = form(r.getBody().readUtf8());
            assertEquals("inbound", p.get("Direction"));
            assertTrue(p.get("To").startsWith("sip:app@127.0.0.1"), p.get("To"));
        }
    }

    @Test
    void customHeaderOfTheSipUri_reachesTheCallee() throws Exception {
        // callee_header.xml fails the call unless the INVITE carries exactly "X-Custom: abc".
        Sipp callee = callee("callee_header.xml", 2, "-key", "pt", "0");
        documents.put("/", "<Response><Dial><Sip>" + sipUri(callee) + "?X-Custom=abc</Sip></Dial></Response>");
        Sipp caller = caller("caller.xml", 2, "-d", "200");

        bothSucceed(caller, callee);
    }

    @Test
    void calleeIsOfferedTheCodecsInTheAttributesOrder() throws Exception {
        // The caller offers PCMU then PCMA; callee_codecs.xml fails the call unless the offer's m= line reads "8 0".
        Sipp callee = callee("callee_codecs.xml", 2, "-key", "pt", "8");
        documents.put("/", "<Response><Dial answerOnBridge=\"true\"><Sip codecs=\"PCMA,PCMU\">" + sipUri(callee)
                + "</Sip></Dial></Response>");
        Sipp caller = caller("caller.xml", 2, "-d", "200");

        bothSucceed(caller, callee);
    }

    @Test
    void digestChallengeOfTheCallee_isAnsweredWithTheSipCredentials() throws Exception {
        // callee_digest.xml answers 401, then checks the retry's Authorization with SIPp's own digest (verifyauth).
        Sipp callee = callee("callee_digest.xml", 2);
        documents.put("/", "<Response><Dial action=\"/after\"><Sip username=\"alice\" password=\"s3cret\">"
                + sipUri(callee) + "</Sip></Dial></Response>");
        documents.put("/after", "<Response><Hangup/></Response>");
        Sipp caller = caller("caller.xml", 2, "-d", "200");

        bothSucceed(caller, callee);
        List<Map<String, String>> actions = actions(2);
        for (Map<String, String> p : actions) {
            assertEquals("completed", p.get("DialCallStatus"), p.toString());
            assertEquals("200", p.get("DialSipResponseCode"), p.toString());
        }
    }

    @Test
    void busyCallee_givesTheActionBusyAnd486() throws Exception {
        Sipp callee = callee("callee_busy.xml", 2);
        documents.put("/", "<Response><Dial answerOnBridge=\"true\" action=\"/after\"><Sip>" + sipUri(callee)
                + "</Sip></Dial></Response>");
        documents.put("/after", "<Response><Reject reason=\"busy\"/></Response>");
        // caller_rejected.xml succeeds only on a 486 to its INVITE: the action's <Reject> reached the caller.
        Sipp caller = caller("caller_rejected.xml", 2);

        bothSucceed(caller, callee);
        List<Map<String, String>> actions = actions(2);
        for (Map<String, String> p : actions) {
            assertEquals("busy", p.get("DialCallStatus"), p.toString());
            assertEquals("486", p.get("DialSipResponseCode"), p.toString());
            assertNotNull(p.get("DialSipCallId"), p.toString());
        }
    }

    @Test
    void audioFlowsBothWaysThroughTheRelay() throws Exception {
        // The caller streams 100 packets of A-law (2 s); the callee echoes every packet it gets back to its sender.
        Sipp callee = callee("callee.xml", 1, "-key", "pt", "8", "-rtp_echo");
        documents.put("/", "<Response><Dial><Sip codecs=\"PCMA\" statusCallback=\"/status\""
                + " statusCallbackEvent=\"completed\">" + sipUri(callee) + "</Sip></Dial></Response>");
        Path callerDir = Files.createDirectories(work.resolve("caller"));
        byte[] silence = new byte[100 * 160];
        Arrays.fill(silence, (byte) 0xD5); // A-law silence
        Files.write(callerDir.resolve("audio.pcma"), silence);
        long relayedBefore = dialtone.relay().packetsRelayed();
        Sipp caller = caller("caller_media.xml", 1);

        bothSucceed(caller, callee);
        Map<String, String> completed = statusEvents.poll(10, TimeUnit.SECONDS);
        assertNotNull(completed, "completed status callback of the dialed leg");
        assertEquals("completed", completed.get("CallStatus"), completed.toString());
        // Seen from the dialed leg: out is what the relay sent the callee (the caller's audio), in is the echo.
        int out = Integer.parseInt(completed.get("AudioOutMediaPacketCount"));
        int in = Integer.parseInt(completed.get("AudioInMediaPacketCount"));
        assertTrue(out > 0 && out <= 100, "caller to callee packets: " + completed);
        assertTrue(in > 0 && in <= out, "callee to caller packets (the echo): " + completed);
        assertTrue(dialtone.relay().packetsRelayed() - relayedBefore >= out + in,
                "relay counted both directions: " + dialtone.relay().packetsRelayed());
    }

    private List<Map<String, String>> actions(int n) throws InterruptedException {
        List<Map<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.size() < n) {
            RecordedRequest r = requests.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(r, "action requests: " + out.size() + " of " + n);
            if (r.getPath().startsWith("/after")) {
                out.add(form(r.getBody().readUtf8()));
            }
        }
        return out;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return m;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within 10 s");
            Thread.sleep(20);
        }
    }
}
