package dev.dialtone.engine.call;

import dev.dialtone.engine.webhook.StatusCallbacks;
import dev.dialtone.engine.webhook.WebhookClient;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Transport;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine end to end on 127.0.0.1: a caller phone, the engine with its relay, callee phones, and the
 * application on a real HTTP server. Every test ends with nothing left in the engine, the stacks or the relay.
 */
class CallEngineTest {
    private final MockWebServer app = new MockWebServer();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<String, String>> statusEvents = new LinkedBlockingQueue<>();
    private EngineHarness harness;
    private WebhookClient webhooks;
    private StatusCallbacks callbacks;
    private RtpRelay relay;
    private CallEngine engine;
    private SipStack engineStack;
    private Phone caller;
    private Phone callee;

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                if (path.startsWith("/status")) {
                    statusEvents.add(form(request.getBody().readUtf8()));
                    return new MockResponse().setResponseCode(204);
                }
                requests.add(request);
                String doc = documents.get(path.split("\\?")[0]);
                return doc == null ? new MockResponse().setResponseCode(404)
                        : new MockResponse().setBody(doc).setHeader("Content-Type", "application/xml");
            }
        });
        harness = new EngineHarness(app, 43000, 43999);
        webhooks = harness.webhooks;
        callbacks = harness.callbacks;
        relay = harness.relay;
        engine = harness.engine;
        engineStack = harness.stack;
        caller = new Phone();
        callee = new Phone();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            harness.assertNothingLeft(caller, callee);
        } finally {
            caller.close();
            callee.close();
            harness.close();
        }
    }

    private int enginePort() {
        return engineStack.transport().port(Transport.UDP);
    }

    @Test
    void dialBridgesTheCallee_withHeadersCodecsCallbacksAndAction() throws Exception {
        documents.put("/", "<Response><Dial action=\"/after\"><Sip codecs=\"PCMA,PCMU\" statusCallback=\"/status\""
                + " statusCallbackEvent=\"initiated ringing answered completed\">"
                + callee.uri("bob") + "?X-Custom=hello%20world&amp;Priority=urgent</Sip></Dial></Response>");
        documents.put("/after", "<Response><Hangup/></Response>");

        Phone.Call call = caller.call(enginePort());
        SipResponse answer = call.answered.get(10, TimeUnit.SECONDS);
        assertEquals(200, answer.status());

        RecordedRequest first = requests.poll(5, TimeUnit.SECONDS);
        Map<String, String> params = form(first.getBody().readUtf8());
        assertEquals("POST", first.getMethod());
        assertEquals("inbound", params.get("Direction"));
        assertEquals("ringing", params.get("CallStatus"));
        assertEquals("AC-test", params.get("AccountSid"));
        assertEquals("2010-04-01", params.get("ApiVersion"));
        assertTrue(params.get("From").startsWith("sip:alice@127.0.0.1"), params.get("From"));

        SipRequest invite = callee.invites.poll(5, TimeUnit.SECONDS);
        assertNotNull(invite, "the callee was dialed");
        assertEquals("hello world", invite.header("X-Custom"));
        assertEquals("urgent", invite.header("Priority"));
        assertNotNull(invite.header("X-Dialtone-CallSid"));
        assertEquals("AC-test", invite.header("X-Dialtone-AccountSid"));
        assertEquals("600", invite.header("Session-Expires"));
        String offer = new String(invite.body(), StandardCharsets.US_ASCII);
        // The caller offered PCMU then PCMA; the attribute's order puts PCMA first, and the caller was answered
        // with PCMA alone, so the callee is offered PCMA (and telephone-event) only.
        assertTrue(offer.contains("m=audio "), offer);
        assertTrue(offer.lines().anyMatch(l -> l.matches("m=audio \\d+ RTP/AVP 8 101")), offer);
        assertTrue(new String(answer.body(), StandardCharsets.US_ASCII).contains("RTP/AVP 8"));

        EngineHarness.awaitTrue("bridged", () -> statusEvents.size() >= 3);
        call.hangUp();
        assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));

        RecordedRequest action = requests.poll(5, TimeUnit.SECONDS);
        assertEquals("/after", action.getPath());
        Map<String, String> dialParams = form(action.getBody().readUtf8());
        assertEquals("completed", dialParams.get("DialCallStatus"));
        assertEquals("200", dialParams.get("DialSipResponseCode"));
        assertEquals(invite.callId(), dialParams.get("DialSipCallId"));
        assertEquals(invite.header("X-Dialtone-CallSid"), dialParams.get("DialCallSid"));

        List<Map<String, String>> events = List.of(statusEvents.poll(5, TimeUnit.SECONDS),
                statusEvents.poll(5, TimeUnit.SECONDS), statusEvents.poll(5, TimeUnit.SECONDS),
                statusEvents.poll(5, TimeUnit.SECONDS));
        assertEquals(List.of("initiated", "ringing", "in-progress", "completed"),
                events.stream().map(e -> e.get("CallStatus")).toList());
        assertEquals(List.of("0", "1", "2", "3"), events.stream().map(e -> e.get("SequenceNumber")).toList());
        Map<String, String> completed = events.get(3);
        assertEquals("outbound-dial", completed.get("Direction"));
        assertEquals("call-progress-events", completed.get("CallbackSource"));
        assertEquals("200", completed.get("SipResultCode"));
        assertNotNull(completed.get("AudioInMos"), completed.toString());
        assertNotNull(completed.get("AudioOutMediaPacketCount"));
        assertNotNull(completed.get("Timestamp"));
    }

    @Test
    void busyCallee_givesBusyAnd486_andTheActionDocumentContinuesTheCall() throws Exception {
        documents.put("/", "<Response><Dial answerOnBridge=\"true\" action=\"/after\"><Sip>" + callee.uri("busy")
                + "</Sip></Dial></Response>");
        documents.put("/after", "<Response><Reject reason=\"busy\"/></Response>");
        Phone.Call call = caller.call(enginePort());
        assertEquals(486, call.failed.get(10, TimeUnit.SECONDS));
        requests.poll(5, TimeUnit.SECONDS);
        Map<String, String> dialParams = form(requests.poll(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertEquals("busy", dialParams.get("DialCallStatus"));
        assertEquals("486", dialParams.get("DialSipResponseCode"));
    }

    @Test
    void threeLegsAtOnce_firstAnswerWins_ringingLegCancelled() throws Exception {
        documents.put("/", "<Response><Dial><Sip>" + callee.uri("busy") + "</Sip><Sip>" + callee.uri("ring")
                + "</Sip><Sip>" + callee.uri("bob") + "</Sip></Dial></Response>");
        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        assertEquals(3, drain(callee.invites, 3).size());
        callee.ringing.get(5, TimeUnit.SECONDS);
        assertEquals("cancel ring", callee.events.poll(5, TimeUnit.SECONDS));
        call.hangUp();
        assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void noAnswerWithinTimeout_cancelsAndReportsNoAnswer() throws Exception {
        documents.put("/", "<Response><Dial timeout=\"5\" action=\"/after\"><Sip>" + callee.uri("ring")
                + "</Sip></Dial></Response>");
        documents.put("/after", "<Response><Hangup/></Response>");
        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        requests.poll(5, TimeUnit.SECONDS);
        assertEquals("cancel ring", callee.events.poll(10, TimeUnit.SECONDS));
        Map<String, String> dialParams = form(requests.poll(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertEquals("no-answer", dialParams.get("DialCallStatus"));
        call.ended.get(5, TimeUnit.SECONDS);
    }

    @Test
    void callerHangsUpWhileCalleeRings_cancelsTheCallee() throws Exception {
        documents.put("/", "<Response><Dial answerOnBridge=\"true\"><Sip>" + callee.uri("ring")
                + "</Sip></Dial></Response>");
        Phone.Call call = caller.call(enginePort());
        assertEquals(180, call.ringingSeen.get(10, TimeUnit.SECONDS), "the callee's ringing reaches the caller");
        call.hangUp();
        assertEquals("cancel ring", callee.events.poll(5, TimeUnit.SECONDS));
        assertEquals(487, call.failed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void digestChallengeIsAnswered() throws Exception {
        documents.put("/", "<Response><Dial><Sip username=\"alice\" password=\"s3cret\">" + callee.uri("secure")
                + "</Sip></Dial></Response>");
        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        SipRequest first = callee.invites.poll(5, TimeUnit.SECONDS);
        SipRequest second = callee.invites.poll(5, TimeUnit.SECONDS);
        assertNull(first.header("Authorization"));
        assertTrue(second.header("Authorization").startsWith("Digest "), second.header("Authorization"));
        assertEquals(first.cseq().seq() + 1, second.cseq().seq());
        call.hangUp();
        callee.events.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void whisperUrlRunsOnTheDialedLeg_andItsHangupMeansNotAnswered() throws Exception {
        documents.put("/", "<Response><Dial action=\"/after\"><Sip url=\"/whisper\">" + callee.uri("bob")
                + "</Sip></Dial></Response>");
        documents.put("/whisper", "<Response><Hangup/></Response>");
        documents.put("/after", "<Response><Hangup/></Response>");
        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        requests.poll(5, TimeUnit.SECONDS);
        RecordedRequest whisper = requests.poll(5, TimeUnit.SECONDS);
        assertEquals("/whisper", whisper.getPath());
        Map<String, String> p = form(whisper.getBody().readUtf8());
        assertEquals("outbound-dial", p.get("Direction"));
        assertNotNull(p.get("SipCallId"));
        assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));
        Map<String, String> dialParams = form(requests.poll(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertEquals("no-answer", dialParams.get("DialCallStatus"));
        call.ended.get(5, TimeUnit.SECONDS);
    }

    @Test
    void brokenDocument_endsTheCallWithAFinalResponse() throws Exception {
        documents.put("/", "<Response><Dial><Number>+15551234567</Number></Dial></Response>");
        Phone.Call call = caller.call(enginePort());
        assertEquals(500, call.failed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void unreachableApplication_endsTheCallWithAFinalResponse() throws Exception {
        documents.clear(); // every document request gets 404
        Phone.Call call = caller.call(enginePort());
        assertEquals(500, call.failed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void hangupOnStar_endsTheDialedLeg_andTheDocumentGoesOn() throws Exception {
        documents.put("/", "<Response><Dial hangupOnStar=\"true\" action=\"/after\"><Sip>" + callee.uri("bob")
                + "</Sip></Dial></Response>");
        documents.put("/after", "<Response><Hangup/></Response>");
        CompletableFuture<String> bridged = new CompletableFuture<>();
        engine.addListener((c, previous) -> {
            if (c.direction() == Call.Direction.OUTBOUND_DIAL && c.status() == CallStatus.IN_PROGRESS) {
                bridged.complete(c.callSid());
            }
        });
        Phone.Call call = caller.call(enginePort());
        SipResponse answer = call.answered.get(10, TimeUnit.SECONDS);
        bridged.get(10, TimeUnit.SECONDS);
        int relayPort = Integer.parseInt(new String(answer.body(), StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("m=audio ")).findFirst().orElseThrow().split(" ")[1]);
        // RFC 4733 '*' (event 10), payload type 101 as the caller offered it, sent where the engine's SDP said.
        byte[] star = new byte[16];
        star[0] = (byte) 0x80;
        star[1] = 101;
        star[12] = 10;
        star[13] = 0x0A;
        try (java.net.DatagramSocket rtp = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            rtp.send(new java.net.DatagramPacket(star, star.length, InetAddress.getByName("127.0.0.1"), relayPort));
        }
        assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));
        requests.poll(5, TimeUnit.SECONDS);
        Map<String, String> dialParams = form(requests.poll(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertEquals("completed", dialParams.get("DialCallStatus"));
        call.ended.get(5, TimeUnit.SECONDS);
    }

    private static List<SipRequest> drain(BlockingQueue<SipRequest> q, int n) throws InterruptedException {
        List<SipRequest> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            SipRequest r = q.poll(5, TimeUnit.SECONDS);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    static Map<String, String> form(String body) {
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
}
