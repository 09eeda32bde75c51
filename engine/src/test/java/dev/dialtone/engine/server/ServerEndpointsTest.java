package dev.dialtone.engine.server;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallStatus;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Transport;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIP endpoints through the whole server, as users run them: softphones register over UDP or TCP, call each other
 * with no application, call through their own handler URL, and strangers are kept out. Every test removes what it
 * registered and created, and ends with no call, port, dialog or transaction left.
 */
class ServerEndpointsTest {
    @TempDir
    Path dir;
    private DialtoneServer server;
    private final MockWebServer app = new MockWebServer();
    private final BlockingQueue<RecordedRequest> documentRequests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<String, String>> statusEvents = new LinkedBlockingQueue<>();
    private final Map<String, MockResponse> documents = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<SoftPhone> phones = new ArrayList<>();

    @BeforeEach
    void startApplication() throws Exception {
        app.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath().split("\\?")[0];
                if (path.equals("/status")) {
                    statusEvents.add(form(request.getBody().readUtf8()));
                    return new MockResponse().setResponseCode(204);
                }
                documentRequests.add(request);
                MockResponse r = documents.get(path);
                return r != null ? r : new MockResponse().setResponseCode(404);
            }
        });
        app.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    private void start(List<String> trustedPeers, String inboundUrl) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withHttp("127.0.0.1", 0)
                .withSip("127.0.0.1", 0, 0, 46000, 46999)
                .withDataDir(dir.resolve("data"))
                .withCredentials("project", "token")
                .withTrustedPeers(trustedPeers);
        if (inboundUrl != null) {
            config = config.withInbound(inboundUrl, "POST");
        }
        server = new DialtoneServer(config);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                awaitTrue("no call left", () -> server.dialtone().activeCalls() == 0);
                awaitTrue("relay ports released", () -> server.dialtone().relay().allocator().inUse() == 0);
                var stack = server.dialtone().stack();
                // The server runs RFC 3261's timers (a UDP REGISTER's transaction waits out Timer J, 32 s), so
                // only its dialogs are checked; the phones run fast timers and must be idle.
                awaitTrue("no dialog or transaction left", () -> stack.dialogs().activeDialogs() == 0
                        && stack.dialogs().pendingInvites() == 0
                        && phones.stream().allMatch(p -> p.activity() == 0));
                // The store holds what the tests left, and the tests leave nothing.
                assertEquals(0, server.endpoints().count());
                assertEquals(0, server.bindings().count(Instant.now()));
            }
        } finally {
            phones.forEach(SoftPhone::close);
            if (server != null) {
                server.stop();
            }
            app.shutdown();
        }
    }

    private int sipPort() {
        return server.sipPort(Transport.UDP);
    }

    private SipEndpoint endpoint(String username, String password) {
        return server.endpoints().create(SipEndpoint.builder().username(username).build(), password);
    }

    private SoftPhone phone(String user, String password, Transport transport) throws Exception {
        SoftPhone p = new SoftPhone(user, password, transport, sipPort());
        phones.add(p);
        return p;
    }

    @Test
    void register_overUdp_refusesWrongPasswordAndTooShortExpiry_thenBindsAndUnbinds() throws Exception {
        start(List.of(), null);
        SipEndpoint alice = endpoint("alice", "correct-horse");

        assertEquals(403, phone("alice", "wrong", Transport.UDP).register(600).status());

        SoftPhone phone = phone("alice", "correct-horse", Transport.UDP);
        SipResponse brief = phone.register(10);
        assertEquals(423, brief.status());
        assertEquals("60", brief.header(HeaderName.MIN_EXPIRES));
        assertEquals(0, server.bindings().count(Instant.now()));

        SipResponse ok = phone.register(600);
        assertEquals(200, ok.status());
        String contact = ok.header(HeaderName.CONTACT);
        assertTrue(contact.contains("sip:alice@127.0.0.1:" + phone.port()) && contact.contains("expires=600"), contact);
        assertEquals(1, server.bindings().count(Instant.now()));

        assertEquals(200, phone.register(0).status());
        assertEquals(0, server.bindings().count(Instant.now()));
        assertTrue(server.endpoints().delete(alice.id()));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"UDP", "TCP"})
    void endpointCallsEndpoint_withNoApplication_afterAuthenticating(Transport transport) throws Exception {
        start(List.of(), null);
        SipEndpoint alice = server.endpoints().create(SipEndpoint.builder().username("alice")
                .callerId("Alice Liddell").codecs(List.of("PCMA")).build(), "alice-pw");
        SipEndpoint bob = endpoint("bob", "bob-pw");
        SoftPhone alicePhone = phone("alice", "alice-pw", transport);
        SoftPhone bobPhone = phone("bob", "bob-pw", transport);
        assertEquals(200, alicePhone.register(600).status());
        assertEquals(200, bobPhone.register(600).status());

        SoftPhone.Call call = alicePhone.call("bob");
        SipResponse answer = call.answered.get(10, TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertEquals(List.of(407), call.challenges, "the first INVITE is challenged (toll-fraud protection)");
        assertTrue(call.invite.hasHeader(HeaderName.PROXY_AUTHORIZATION));
        assertEquals(180, call.ringing.get(5, TimeUnit.SECONDS), "the caller hears the callee ring");

        IncomingRequest delivered = bobPhone.invites.poll(5, TimeUnit.SECONDS);
        SipUri requestUri = (SipUri) delivered.request().requestUri();
        assertEquals("bob", requestUri.user());
        assertEquals(bobPhone.port(), requestUri.port(), "Request-URI is bob's registered Contact");
        assertEquals("alice", delivered.request().from().sipUri().user());
        assertEquals("Alice Liddell", delivered.request().from().displayName(), "caller_id is the From");
        String offer = new String(delivered.request().body(), StandardCharsets.US_ASCII);
        assertTrue(offer.lines().anyMatch(l -> l.matches("m=audio \\d+ RTP/AVP 8 101")), "alice's codecs: " + offer);
        assertEquals(transport, delivered.inbound().transport());
        if (transport == Transport.TCP) {
            // RFC 5626 flow reuse: over the connection bob's REGISTER opened, not a new one to his listener.
            assertNotEquals(bobPhone.port(), delivered.inbound().local().getPort());
            assertEquals(sipPort(), delivered.inbound().remote().getPort());
        }

        call.hangUp();
        assertEquals("ended REMOTE_BYE", bobPhone.events.poll(5, TimeUnit.SECONDS));
        assertEquals(200, alicePhone.register(0).status());
        assertEquals(200, bobPhone.register(0).status());
        server.endpoints().delete(alice.id());
        server.endpoints().delete(bob.id());
    }

    @Test
    void endpointCall_getsTheCalleesOutcome_busyUnregisteredUnknown() throws Exception {
        start(List.of(), null);
        SipEndpoint alice = endpoint("alice", "alice-pw");
        SipEndpoint bob = endpoint("bob", "bob-pw");
        SoftPhone alicePhone = phone("alice", "alice-pw", Transport.UDP);

        assertEquals(480, alicePhone.call("bob").failed.get(10, TimeUnit.SECONDS), "bob is not registered");
        assertEquals(404, alicePhone.call("nobody").failed.get(10, TimeUnit.SECONDS),
                "no endpoint and no --inbound-url");

        SoftPhone bobPhone = phone("bob", "bob-pw", Transport.UDP);
        assertEquals(200, bobPhone.register(600).status());
        bobPhone.rejectWith = 486;
        assertEquals(486, alicePhone.call("bob").failed.get(10, TimeUnit.SECONDS));

        assertEquals(200, bobPhone.register(0).status());
        server.endpoints().delete(alice.id());
        server.endpoints().delete(bob.id());
    }

    @Test
    void endpointRegisteredTwice_ringsBothContacts_theOtherIsCancelled_andTheCallerMayCancel() throws Exception {
        start(List.of(), null);
        SipEndpoint alice = endpoint("alice", "alice-pw");
        SipEndpoint bob = endpoint("bob", "bob-pw");
        SoftPhone alicePhone = phone("alice", "alice-pw", Transport.UDP);
        SoftPhone desk = phone("bob", "bob-pw", Transport.UDP);
        SoftPhone mobile = phone("bob", "bob-pw", Transport.TCP);
        assertEquals(200, desk.register(600).status());
        assertEquals(200, mobile.register(600).status());
        desk.ringOnly = true;

        SoftPhone.Call call = alicePhone.call("bob");
        call.answered.get(10, TimeUnit.SECONDS);
        assertEquals(Transport.UDP, desk.invites.poll(5, TimeUnit.SECONDS).inbound().transport());
        assertEquals(Transport.TCP, mobile.invites.poll(5, TimeUnit.SECONDS).inbound().transport());
        assertEquals("cancel", desk.events.poll(5, TimeUnit.SECONDS), "the desk phone stops ringing");
        call.hangUp();
        assertEquals("ended REMOTE_BYE", mobile.events.poll(5, TimeUnit.SECONDS));

        // Nobody answers now: the caller gives up, and every contact's ringing stops.
        mobile.ringOnly = true;
        SoftPhone.Call abandoned = alicePhone.call("bob");
        abandoned.ringing.get(10, TimeUnit.SECONDS);
        assertTrue(desk.invites.poll(5, TimeUnit.SECONDS) != null && mobile.invites.poll(5, TimeUnit.SECONDS) != null);
        abandoned.hangUp();
        assertEquals(487, abandoned.failed.get(10, TimeUnit.SECONDS));
        assertEquals("cancel", desk.events.poll(5, TimeUnit.SECONDS));
        assertEquals("cancel", mobile.events.poll(5, TimeUnit.SECONDS));

        assertEquals(200, desk.register(0).status());
        assertEquals(200, mobile.register(0).status());
        server.endpoints().delete(alice.id());
        server.endpoints().delete(bob.id());
    }

    @Test
    void endpointWithHandler_runsItsDocument_fallingBack_withStatusEvents() throws Exception {
        start(List.of(), null);
        SipEndpoint bob = endpoint("bob", "bob-pw");
        SoftPhone bobPhone = phone("bob", "bob-pw", Transport.UDP);
        assertEquals(200, bobPhone.register(600).status());
        documents.put("/primary", new MockResponse().setResponseCode(500));
        documents.put("/fallback", new MockResponse().setHeader("Content-Type", "application/xml")
                .setBody("<Response><Dial><Sip>sip:bob@127.0.0.1:" + sipPort() + ";transport=udp</Sip></Dial>"
                        + "</Response>"));
        SipEndpoint alice = server.endpoints().create(SipEndpoint.builder().username("alice")
                .callHandler("laml_webhooks")
                .callRequestUrl(app.url("/primary").toString())
                .callFallbackUrl(app.url("/fallback").toString())
                .callStatusCallbackUrl(app.url("/status").toString()).build(), "alice-pw");
        SoftPhone alicePhone = phone("alice", "alice-pw", Transport.UDP);

        CompletableFuture<String> bridged = new CompletableFuture<>();
        server.dialtone().engine().addListener((c, previous) -> {
            if (c.direction() == Call.Direction.OUTBOUND_DIAL && c.status() == CallStatus.IN_PROGRESS) {
                bridged.complete(c.callSid());
            }
        });
        SoftPhone.Call call = alicePhone.call("+15551234567");
        call.answered.get(10, TimeUnit.SECONDS);
        bridged.get(10, TimeUnit.SECONDS);
        RecordedRequest primary = documentRequests.poll(5, TimeUnit.SECONDS);
        assertEquals("/primary", primary.getPath());
        Map<String, String> params = form(primary.getBody().readUtf8());
        assertEquals("sip:alice@127.0.0.1", params.get("From"));
        assertEquals("inbound", params.get("Direction"));
        RecordedRequest fallback = documentRequests.poll(5, TimeUnit.SECONDS);
        assertEquals("/fallback", fallback.getPath());
        Map<String, String> fallbackParams = form(fallback.getBody().readUtf8());
        assertEquals("11200", fallbackParams.get("ErrorCode"));
        assertEquals(app.url("/primary").toString(), fallbackParams.get("ErrorUrl"));
        assertEquals(params.get("CallSid"), fallbackParams.get("CallSid"));

        IncomingRequest delivered = bobPhone.invites.poll(5, TimeUnit.SECONDS);
        assertEquals(bobPhone.port(), ((SipUri) delivered.request().requestUri()).port(),
                "<Sip>sip:bob@<this server></Sip> rings bob's registered Contact");

        call.hangUp();
        assertEquals("ended REMOTE_BYE", bobPhone.events.poll(5, TimeUnit.SECONDS));
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, String> e = statusEvents.poll(10, TimeUnit.SECONDS);
            assertEquals(params.get("CallSid"), e.get("CallSid"));
            assertEquals(Integer.toString(i), e.get("SequenceNumber"));
            statuses.add(e.get("CallStatus"));
        }
        assertEquals(List.of("initiated", "ringing", "in-progress", "completed"), statuses);
        assertNull(statusEvents.poll(200, TimeUnit.MILLISECONDS));

        assertEquals(200, bobPhone.register(0).status());
        server.endpoints().delete(alice.id());
        server.endpoints().delete(bob.id());
    }

    @Test
    void untrustedSource_isRefused_andAWrongPasswordDoesNotCall() throws Exception {
        start(List.of("10.0.0.0/8", "2001:db8::/32"), app.url("/inbound").toString());
        SipEndpoint alice = endpoint("alice", "alice-pw");

        SoftPhone stranger = phone("mallory", "x", Transport.UDP);
        SoftPhone.Call call = stranger.call("+15551234567");
        assertEquals(403, call.failed.get(10, TimeUnit.SECONDS));
        assertTrue(call.challenges.isEmpty(), "not an endpoint: refused, not challenged");

        SoftPhone impostor = phone("alice", "guess", Transport.UDP);
        SoftPhone.Call guessed = impostor.call("+15551234567");
        assertEquals(403, guessed.failed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(407), guessed.challenges);
        assertNull(documentRequests.poll(200, TimeUnit.MILLISECONDS), "no application ran");
        server.endpoints().delete(alice.id());
    }

    @Test
    void trustedPeer_reachesOnlyTheInboundApplication(@TempDir Path docs) throws Exception {
        Path doc = docs.resolve("inbound.xml");
        Files.writeString(doc, "<Response><Reject reason=\"busy\"/></Response>");
        start(List.of("127.0.0.0/8"), doc.toUri().toString());
        SipEndpoint alice = endpoint("alice", "alice-pw");
        SoftPhone alicePhone = phone("alice", "alice-pw", Transport.UDP);
        assertEquals(200, alicePhone.register(600).status());

        // An unauthenticated caller naming a registered endpoint still gets only --inbound-url's document.
        SoftPhone.Call call = phone("carol", "x", Transport.UDP).call("alice");
        assertEquals(486, call.failed.get(10, TimeUnit.SECONDS));
        assertTrue(call.challenges.isEmpty());
        assertNull(alicePhone.invites.poll(200, TimeUnit.MILLISECONDS));

        assertEquals(200, alicePhone.register(0).status());
        server.endpoints().delete(alice.id());
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
