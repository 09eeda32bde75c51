package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.webhook.StatusCallbacks;
import dev.dialtone.engine.webhook.WebhookClient;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's routing step on real sockets: what an {@link InboundRouter} decides reaches the caller, a CANCEL
 * while routing leaves nothing behind, and a {@code <Sip>} naming a local endpoint rings each of its contacts
 * at the destination the directory gives (not through DNS).
 */
class InboundRoutingTest {
    private final MockWebServer app = new MockWebServer();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private EngineHarness harness;
    private WebhookClient webhooks;
    private StatusCallbacks callbacks;
    private RtpRelay relay;
    private CallEngine engine;
    private SipStack engineStack;
    private Phone caller;
    private Phone callee;
    private Phone callee2;

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                String doc = documents.get(request.getPath().split("\\?")[0]);
                return doc == null ? new MockResponse().setResponseCode(404)
                        : new MockResponse().setBody(doc).setHeader("Content-Type", "application/xml");
            }
        });
        harness = new EngineHarness(app, 44000, 44999);
        webhooks = harness.webhooks;
        callbacks = harness.callbacks;
        relay = harness.relay;
        engine = harness.engine;
        engineStack = harness.stack;
        caller = new Phone();
        callee = new Phone();
        callee2 = new Phone();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            harness.assertNothingLeft(caller, callee, callee2);
        } finally {
            caller.close();
            callee.close();
            callee2.close();
            harness.close();
        }
    }

    private int enginePort() {
        return engineStack.transport().port(Transport.UDP);
    }

    @Test
    void rejectRoute_answersWithItsStatusAndHeaders_andMakesNoCall() throws Exception {
        engine.setRouter(invite -> CompletableFuture.completedFuture(new Route.Reject(407,
                "Proxy Authentication Required", List.of(new Header("Proxy-Authenticate",
                "Digest realm=\"test\", nonce=\"abc\", algorithm=MD5")))));
        List<Call> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.addListener((c, previous) -> calls.add(c));

        Phone.Call call = caller.call(enginePort());
        assertEquals(407, call.failed.get(10, TimeUnit.SECONDS));
        assertTrue(calls.isEmpty(), "a refused INVITE is not a call");
        assertNull(requests.poll(100, TimeUnit.MILLISECONDS), "and runs no application");
    }

    @Test
    void failingRouter_answers500() throws Exception {
        engine.setRouter(invite -> CompletableFuture.failedFuture(new IllegalStateException("store down")));
        assertEquals(500, caller.call(enginePort()).failed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void cancelWhileRouting_leavesNothing_evenWhenTheRouteArrivesLater() throws Exception {
        CompletableFuture<Route> decided = new CompletableFuture<>();
        CompletableFuture<IncomingRequest> asked = new CompletableFuture<>();
        engine.setRouter(invite -> {
            asked.complete(invite);
            return decided;
        });
        Phone.Call call = caller.call(enginePort());
        asked.get(10, TimeUnit.SECONDS);
        assertEquals(1, engine.activeCalls(), "an INVITE being routed counts as a call in progress");
        call.hangUp();
        assertEquals(487, call.failed.get(10, TimeUnit.SECONDS));
        decided.complete(Route.Application.of(app.url("/").toString(), HttpMethod.POST));
        EngineHarness.awaitTrue("routing forgotten", () -> engine.activeCalls() == 0);
        assertNull(requests.poll(200, TimeUnit.MILLISECONDS), "the late route started nothing");
    }

    @Test
    void sipToLocalEndpoint_ringsEveryContact_atTheDirectorysDestinations_firstAnswerWins() throws Exception {
        // "ring" rings forever, "bob" answers: both are contacts of endpoint alice. The Request-URIs name hosts
        // nobody resolves; only the directory's destinations say where the phones are.
        engine.setEndpoints(new EndpointDirectory() {
            @Override
            public Optional<String> localUser(SipUri uri) {
                return uri.host().equals("dialtone.test") ? Optional.ofNullable(uri.user()) : Optional.empty();
            }

            @Override
            public CompletionStage<Optional<List<Contact>>> contacts(String username) {
                if (!username.equals("alice")) {
                    return CompletableFuture.completedFuture(Optional.empty());
                }
                return CompletableFuture.supplyAsync(() -> Optional.of(List.of(
                        new Contact(SipUri.parse("sip:ring@phone-one.invalid"), Destination.of(Transport.UDP,
                                new InetSocketAddress("127.0.0.1", callee.port()))),
                        new Contact(SipUri.parse("sip:bob@phone-two.invalid"), Destination.of(Transport.UDP,
                                new InetSocketAddress("127.0.0.1", callee2.port()))))));
            }
        });
        documents.put("/", "<Response><Dial><Sip>sip:alice@dialtone.test</Sip></Dial></Response>");

        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        SipRequest ringing = callee.invites.poll(5, TimeUnit.SECONDS);
        SipRequest answering = callee2.invites.poll(5, TimeUnit.SECONDS);
        assertNotNull(ringing);
        assertNotNull(answering);
        assertEquals("sip:ring@phone-one.invalid", ringing.requestUriText());
        assertEquals("sip:bob@phone-two.invalid", answering.requestUriText());
        assertEquals("sip:alice@dialtone.test", answering.to().uri().toString(), "To keeps the address-of-record");
        assertEquals("cancel ring", callee.events.poll(5, TimeUnit.SECONDS), "the other contact stops ringing");

        call.hangUp();
        assertEquals("ended bob REMOTE_BYE", callee2.events.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void invalidDocument_triesTheFallbackOnce_withErrorCode12100() throws Exception {
        documents.put("/primary", "<Response><Dial><Sip>not a uri</Sip></Dial></Response>");
        documents.put("/fallback", "<Response><Hangup/></Response>");
        engine.setRouter(invite -> CompletableFuture.completedFuture(new Route.Application(
                app.url("/primary").toString(), HttpMethod.POST, app.url("/fallback").toString(), HttpMethod.GET,
                null, null)));
        Phone.Call call = caller.call(enginePort());
        call.answered.get(10, TimeUnit.SECONDS);
        assertEquals(dev.dialtone.sip.dialog.Termination.REMOTE_BYE, call.ended.get(10, TimeUnit.SECONDS),
                "the fallback's <Hangup/> ran");
        assertEquals("/primary", requests.poll(5, TimeUnit.SECONDS).getPath());
        RecordedRequest fallback = requests.poll(5, TimeUnit.SECONDS);
        assertEquals("GET", fallback.getMethod());
        assertTrue(fallback.getPath().startsWith("/fallback?"), fallback.getPath());
        assertTrue(fallback.getPath().contains("ErrorCode=12100"), fallback.getPath());
    }

    @Test
    void failingFallback_endsTheCallAsAnyBadDocumentDoes() throws Exception {
        engine.setRouter(invite -> CompletableFuture.completedFuture(new Route.Application(
                app.url("/missing").toString(), HttpMethod.POST, app.url("/also-missing").toString(), null,
                null, null)));
        assertEquals(500, caller.call(enginePort()).failed.get(10, TimeUnit.SECONDS));
        assertEquals("/missing", requests.poll(5, TimeUnit.SECONDS).getPath());
        assertEquals("/also-missing", requests.poll(5, TimeUnit.SECONDS).getPath());
        assertNull(requests.poll(200, TimeUnit.MILLISECONDS), "the fallback is tried once");
    }

    @Test
    void directRoute_toAnUnknownEndpoint_givesTheCaller404() throws Exception {
        engine.setEndpoints(new EndpointDirectory() {
            @Override
            public Optional<String> localUser(SipUri uri) {
                return Optional.ofNullable(uri.user());
            }

            @Override
            public CompletionStage<Optional<List<Contact>>> contacts(String username) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
        });
        engine.setRouter(invite -> CompletableFuture.completedFuture(new Route.DialEndpoint("nobody", null, List.of())));
        assertEquals(404, caller.call(enginePort()).failed.get(10, TimeUnit.SECONDS));
        assertNull(requests.poll(100, TimeUnit.MILLISECONDS), "a direct call runs no application");
    }
}
