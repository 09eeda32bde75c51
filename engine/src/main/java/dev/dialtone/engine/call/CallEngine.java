package dev.dialtone.engine.call;

import dev.dialtone.engine.webhook.StatusCallbacks;
import dev.dialtone.media.negotiation.LocalLeg;
import dev.dialtone.media.negotiation.MediaAnchor;
import dev.dialtone.media.negotiation.SrtpPolicy;
import dev.dialtone.media.rtp.MediaLeg;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.media.sdp.Origin;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.ServerTransaction;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The B2BUA: takes inbound INVITEs from the SIP stack, runs each call's cXML, dials {@code <Sip>} legs and
 * bridges them through the media relay. One instance serves the whole server (or the embedding gateway).
 */
public final class CallEngine implements DialogLayer.Listener {
    private static final Logger log = LoggerFactory.getLogger(CallEngine.class);

    /** Hears every state change of every call leg, on the call's executor; must not block. */
    public interface Listener {
        void onCallStatus(Call call, CallStatus previous);
    }

    private final EngineConfig config;
    private final RtpRelay relay;
    private final DocumentFetcher fetcher;
    private final StatusCallbacks callbacks;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CallSession> calls = new ConcurrentHashMap<>();
    private final Map<IncomingRequest, CallSession> byInvite = new ConcurrentHashMap<>();
    /** INVITEs being routed (no session yet), and whether the caller cancelled meanwhile. */
    private final Map<IncomingRequest, Boolean> routing = new ConcurrentHashMap<>();
    private final AtomicInteger closingMedia = new AtomicInteger();
    private volatile SipStack stack;
    private volatile boolean draining;
    private volatile Consumer<ServerTransaction> registrar;
    private volatile InboundRouter router;
    private volatile EndpointDirectory endpoints = EndpointDirectory.NONE;

    public CallEngine(EngineConfig config, RtpRelay relay, DocumentFetcher fetcher, StatusCallbacks callbacks,
                      Clock clock) {
        this.config = config;
        this.relay = relay;
        this.fetcher = fetcher;
        this.callbacks = callbacks;
        this.clock = clock;
        this.router = invite -> CompletableFuture.completedFuture(
                Route.Application.of(config.inboundUrl(), config.inboundMethod()));
    }

    /** Binds the engine to the stack it listens on; the stack is built with this engine as its listener. */
    public void attach(SipStack stack) {
        this.stack = stack;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Who answers REGISTER; without one, REGISTER gets 405. */
    public void setRegistrar(Consumer<ServerTransaction> registrar) {
        this.registrar = registrar;
    }

    /**
     * Who decides what each new INVITE becomes (authentication, which application); by default every INVITE runs
     * the inbound application of the {@link EngineConfig}.
     */
    public void setRouter(InboundRouter router) {
        this.router = java.util.Objects.requireNonNull(router, "router");
    }

    /** Where this server's endpoints are registered, for {@code <Sip>} URIs that name one of them. */
    public void setEndpoints(EndpointDirectory endpoints) {
        this.endpoints = java.util.Objects.requireNonNull(endpoints, "endpoints");
    }

    /** Calls in progress: INVITEs being routed, and inbound sessions whose state, timers or media are not yet released. */
    public int activeCalls() {
        return calls.size() + closingMedia.get() + routing.size();
    }

    /** Stops taking new calls: INVITEs get 503 from now on (RFC 3261 21.5.4). */
    public void stopAccepting() {
        draining = true;
    }

    /**
     * Lets live calls finish for up to the drain timeout, then hangs up the rest with BYE (or a final response).
     * Blocks the calling thread; never call it on an event loop.
     */
    public void drain() throws InterruptedException {
        stopAccepting();
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (!calls.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (CallSession s : calls.values()) {
            s.executor.execute(() -> s.hangup("server stopping"));
        }
        long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (activeCalls() > 0 && System.nanoTime() < hardDeadline) {
            Thread.sleep(20);
        }
    }

    @Override
    public void onInvite(IncomingRequest invite) {
        if (draining) {
            invite.respond(503, "Service Unavailable", null, null);
            return;
        }
        var request = invite.request();
        var executor = stack.transactions().executorFor(request.callId());
        routing.put(invite, Boolean.FALSE);
        CompletionStage<Route> decided;
        try {
            decided = router.route(invite);
        } catch (RuntimeException e) {
            decided = CompletableFuture.failedFuture(e);
        }
        decided.whenCompleteAsync((route, err) -> {
            if (Boolean.TRUE.equals(routing.remove(invite))) {
                // Cancelled while being routed: the dialog layer has answered 487 already.
                log.debug("INVITE {} cancelled before it was routed", request.callId());
                return;
            }
            if (err != null || route == null) {
                log.warn("INVITE {} could not be routed: {}", request.callId(), String.valueOf(err));
                invite.respond(500, "Server Internal Error", null, null);
            } else if (route instanceof Route.Reject r) {
                log.debug("INVITE {} refused: {} {}", request.callId(), r.status(), r.reason());
                invite.respond(r.status(), r.reason(), r.headers());
            } else if (draining) {
                invite.respond(503, "Service Unavailable", null, null);
            } else {
                startSession(invite, route, executor);
            }
        }, executor);
    }

    private void startSession(IncomingRequest invite, Route route, EventExecutor executor) {
        var request = invite.request();
        SipUri fromUri = request.from().sipUri();
        String from = fromUri != null ? bare(fromUri).toString() : request.from().uri().toString();
        String to = request.requestUri() instanceof SipUri ru ? bare(ru).toString() : request.requestUriText();
        String callerUser = fromUri != null && fromUri.user() != null ? fromUri.user() : "anonymous";
        CallSession session = new CallSession(this, invite, executor, from, to, request.from().displayName(),
                callerUser, route);
        calls.put(session.callSid(), session);
        byInvite.put(invite, session);
        log.info("Call {} inbound INVITE from {} to {} (Call-ID {})", session.callSid(), from, to, request.callId());
        session.start();
    }

    @Override
    public void onCancel(IncomingRequest invite) {
        routing.computeIfPresent(invite, (k, v) -> Boolean.TRUE);
        CallSession s = byInvite.get(invite);
        if (s != null) {
            s.executor.execute(s::callerCanceled);
        }
    }

    @Override
    public void onOutOfDialogRequest(ServerTransaction txn) {
        SipMethod method = txn.request().method();
        if (method == SipMethod.OPTIONS) {
            // RFC 3261 11.2: what we support, so a keep-alive or capability probe gets a useful answer.
            txn.respond(txn.request().responseBuilder(200, "OK")
                    .header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO")
                    .header("Accept", "application/sdp")
                    .header("Supported", "timer, 100rel")
                    .header("Content-Length", "0").build());
        } else if (method == SipMethod.REGISTER && registrar != null) {
            registrar.accept(txn);
        } else {
            txn.respond(txn.request().responseBuilder(405, "Method Not Allowed")
                    .header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO")
                    .header("Content-Length", "0").build());
        }
    }

    @Override
    public void onTerminated(Dialog dialog, Termination reason) {
        // Dialogs of calls have their own listeners; nothing else makes dialogs here.
    }

    void onCallStatus(Call call, CallStatus previous) {
        for (Listener l : listeners) {
            try {
                l.onCallStatus(call, previous);
            } catch (RuntimeException e) {
                log.warn("call listener failed for {}", call.callSid(), e);
            }
        }
    }

    void ended(CallSession session, CompletableFuture<Void> mediaClosed) {
        closingMedia.incrementAndGet();
        calls.remove(session.callSid());
        byInvite.remove(session.invite);
        mediaClosed.whenComplete((ok, err) -> closingMedia.decrementAndGet());
    }

    EngineConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    RtpRelay relay() {
        return relay;
    }

    DocumentFetcher fetcher() {
        return fetcher;
    }

    StatusCallbacks callbacks() {
        return callbacks;
    }

    EndpointDirectory endpoints() {
        return endpoints;
    }

    SipStack stack() {
        return stack;
    }

    /** Our side of a leg's media: the relay port it listens on, at the advertised address. */
    LocalLeg localLeg(MediaLeg leg) {
        String sessionId = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        return new LocalLeg(Origin.of("dialtone", sessionId, "1", config.advertisedHost()),
                new MediaAnchor(config.advertisedHost(), leg.localRtpPort()), SrtpPolicy.disabled());
    }

    /** An address for an IP literal, or null for a name (resolving one here would block the event loop). */
    static InetSocketAddress numeric(String host, int port) {
        if (host == null || port <= 0) {
            return null;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!NetUtil.isValidIpV4Address(bare) && !NetUtil.isValidIpV6Address(bare)) {
            return null;
        }
        return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(bare), port);
    }

    /** {@code sip:user@host[:port]}, without parameters or headers: how From and To are reported and addressed. */
    static SipUri bare(SipUri uri) {
        return SipUri.builder(uri.host()).user(uri.user()).port(uri.port()).secure(uri.secure()).build();
    }
}
