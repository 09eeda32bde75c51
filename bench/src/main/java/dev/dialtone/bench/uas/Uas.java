package dev.dialtone.bench.uas;

import dev.dialtone.bench.load.CalleeWarmup;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.auth.DigestAlgorithm;
import dev.dialtone.sip.auth.DigestServer;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.auth.Ha1Lookup;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogConfig;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.DialogListener;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.ServerTransaction;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The callee side of a load test, on the Dialtone SIP stack: answers INVITEs with SDP (the offer's first G.711
 * codec), rings, rejects a share busy, leaves a share ringing, hangs up after a while, challenges with Digest and
 * echoes RTP, as its {@link UasConfig} says; OPTIONS and REGISTER get 200, BYE 200 (the dialog layer's).
 *
 * <p>Everything runs on the stack's event loops: a call's work stays on its Call-ID's loop, delays are scheduled
 * there, and every timer, media port and echo socket of a call is released when it ends.
 */
public final class Uas implements DialogLayer.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Uas.class);
    private static final String REALM = "dialtone-uas";
    private static final int MAX_BIND_ATTEMPTS = 8;
    /** Warm-up calls in the forms other callers write ({@link ShapeWarmup}), before those of {@code load}'s caller. */
    static final int SHAPE_CALLS = 1_500;

    private final UasConfig config;
    private final SipStack stack;
    private final DigestServer digest;
    private final MediaPorts ports;
    private final RtpEcho echo;
    private final String mediaHost;
    private final UasCounters counters = new UasCounters();
    private final AtomicInteger activeCalls = new AtomicInteger();
    // Calls waiting to be answered (delayed, ringing, or never answered), so a CANCEL can stop their timers.
    private final Map<IncomingRequest, Call> waiting = new ConcurrentHashMap<>();

    private Uas(UasConfig config) throws IOException {
        this.config = config;
        this.mediaHost = config.bindHost().equals("0.0.0.0") || config.bindHost().equals("::")
                ? "127.0.0.1" : config.bindHost();
        this.ports = new MediaPorts(config.mediaPortMin(), config.mediaPortMax());
        this.digest = config.authUser() == null ? null : DigestServer.builder()
                .realm(REALM)
                // SIPp and most load tools answer MD5 only; offering SHA-256 first would make them fail.
                .algorithms(List.of(DigestAlgorithm.MD5))
                .ha1Lookup(Ha1Lookup.ofPasswords((user, realm) -> user.equals(config.authUser())
                        ? Optional.of(config.authPassword()) : Optional.empty()))
                .build();
        TransportConfig.Builder t = TransportConfig.builder().bindHost(config.bindHost()).advertisedHost(mediaHost)
                .udpReceiveLoss(config.lossRate()).udpSendLoss(config.sendLossRate())
                .udpSendDuplication(config.duplicateRate())
                .udpDuplicateDelay(Duration.ofMillis(config.duplicateDelayMillis()));
        if (config.transport() == Transport.TLS) {
            TlsConfig tls = config.tlsCertificate() != null
                    ? TlsConfig.fromPem(config.tlsCertificate(), config.tlsKey())
                    : TlsConfig.selfSigned(Files.createTempDirectory("dialtone-uas"));
            t.port(0).tlsPort(config.port()).tls(tls);
        } else {
            t.port(config.port());
        }
        this.stack = SipStack.builder()
                .transport(t.build())
                .threads(config.threads())
                .contactUser("uas")
                .dialogConfig(c -> config.sessionTimers() ? c
                        : new DialogConfig(c.contact(), false, c.sessionExpires(), c.minSe(), false))
                .listener(this)
                .start();
        this.echo = config.rtpEcho() ? new RtpEcho(stack.eventLoopGroup(),
                stack.transport().datagramChannelFactory(config.bindHost()), config.bindHost()) : null;
    }

    /** Binds and starts answering. */
    public static Uas start(UasConfig config) throws IOException {
        return new Uas(config);
    }

    /** The port actually bound for the configured transport. */
    public int port() {
        return stack.transport().port(config.transport());
    }

    public UasConfig config() {
        return config;
    }

    /**
     * What {@link #warmUp} did: calls placed in other callers' forms and how many of them completed (none over TCP
     * or TLS, or with digest), then what {@code load}'s caller did, and the whole warm-up's length in seconds.
     */
    public record WarmupReport(long formCalls, long formsCompleted, CalleeWarmup.Outcome caller, double seconds) {
    }

    /**
     * Calls this UAS through its own socket: over UDP without digest first {@link #SHAPE_CALLS} calls in the forms
     * other callers write ({@link ShapeWarmup}), then as {@code load} would, at least {@code calls} times and on
     * until the JIT has been quiet for two seconds (at most {@code maxSeconds}; with 0, exactly {@code calls}
     * times). Then zeroes its counters once those calls have ended (or after 2 s), so that what a load test sees
     * starts at its own first call. Blocks.
     */
    public WarmupReport warmUp(long calls, double maxSeconds) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        String host = mediaHost; // the bind address, or loopback for a wildcard: where the warm-up's calls go
        long formCalls = 0;
        long formsCompleted = 0;
        if (config.transport() == Transport.UDP && config.authUser() == null && calls > 0) {
            // First the forms other callers write, so that the profile the JIT compiles from has them all.
            formCalls = SHAPE_CALLS;
            formsCompleted = ShapeWarmup.run(new InetSocketAddress(host, port()), SHAPE_CALLS);
        }
        CalleeWarmup.Outcome outcome = CalleeWarmup.run(host, port(), config.transport(), config.authUser(),
                config.authPassword(), calls, maxSeconds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (activeCalls() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        counters.reset();
        return new WarmupReport(formCalls, formsCompleted, outcome, (System.nanoTime() - t0) / 1e9);
    }

    public UasCounters counters() {
        return counters;
    }

    /** Calls answered and not yet ended. */
    public int activeCalls() {
        return activeCalls.get();
    }

    /** RTP packets echoed. */
    public long rtpPacketsEchoed() {
        return echo == null ? 0 : echo.packets.sum();
    }

    /** Media ports not in use (with the echo, a call holds one from its answer to its end). */
    public int freeMediaPorts() {
        return ports.available();
    }

    public SipStack stack() {
        return stack;
    }

    @Override
    public void close() {
        stack.close();
    }

    @Override
    public void onInvite(IncomingRequest invite) {
        counters.invites.increment();
        if (digest == null) {
            proceed(invite);
            return;
        }
        SipRequest r = invite.request();
        digest.verify(r.headers(HeaderName.AUTHORIZATION), r.method().name(), r.requestUriText(), r.body())
                .thenAccept(v -> {
                    if (v instanceof DigestVerdict.Ok) {
                        proceed(invite);
                    } else if (v instanceof DigestVerdict.Malformed m) {
                        invite.respond(400, truncate("Bad Authorization: " + m.reason()), List.of());
                    } else {
                        counters.challenged.increment();
                        invite.respond(401, "Unauthorized", challenges(v));
                    }
                });
    }

    private void proceed(IncomingRequest invite) {
        double draw = config.busyRate() > 0 || config.noAnswerRate() > 0 ? ThreadLocalRandom.current().nextDouble() : 1;
        if (draw < config.busyRate()) {
            counters.busy.increment();
            invite.reject(486);
            return;
        }
        EventExecutor executor = stack.transactions().executorFor(invite.request().callId());
        Call call = new Call(invite, executor);
        invite.setListener(call);
        if (draw < config.busyRate() + config.noAnswerRate()) {
            counters.unanswered.increment();
            waiting.put(invite, call);
            invite.provisional(180, null);
            return;
        }
        if (config.answerDelayMillis() > 0) {
            waiting.put(invite, call);
            call.timer = executor.schedule(call::ring, config.answerDelayMillis(), TimeUnit.MILLISECONDS);
        } else {
            call.ring();
        }
    }

    @Override
    public void onCancel(IncomingRequest invite) {
        counters.cancelled.increment();
        Call call = waiting.remove(invite);
        if (call != null) {
            call.cancelTimer();
        }
    }

    @Override
    public void onOutOfDialogRequest(ServerTransaction txn) {
        SipRequest r = txn.request();
        SipMethod m = r.method();
        if (m != SipMethod.OPTIONS && m != SipMethod.REGISTER) {
            txn.respond(r.responseBuilder(501, null).toTag(newTag()).build());
            return;
        }
        (m == SipMethod.OPTIONS ? counters.options : counters.registers).increment();
        if (digest == null) {
            answerOutOfDialog(txn);
            return;
        }
        digest.verify(r.headers(HeaderName.AUTHORIZATION), m.name(), r.requestUriText(), r.body()).thenAccept(v -> {
            if (v instanceof DigestVerdict.Ok) {
                answerOutOfDialog(txn);
            } else if (v instanceof DigestVerdict.Malformed bad) {
                txn.respond(r.responseBuilder(400, truncate("Bad Authorization: " + bad.reason()))
                        .toTag(newTag()).build());
            } else {
                counters.challenged.increment();
                SipResponse.Builder b = r.responseBuilder(401, "Unauthorized").toTag(newTag());
                for (Header h : challenges(v)) {
                    b.header(h.name(), h.value());
                }
                txn.respond(b.build());
            }
        });
    }

    private void answerOutOfDialog(ServerTransaction txn) {
        SipRequest r = txn.request();
        SipResponse.Builder b = r.responseBuilder(200, "OK").toTag(newTag());
        if (r.method() == SipMethod.OPTIONS) {
            // RFC 3261 11.2: say what we can do.
            b.header(HeaderName.ALLOW, "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER")
                    .header(HeaderName.ACCEPT, "application/sdp");
        } else {
            // A stand-in registrar: nothing is stored, the bindings are echoed back as if kept (RFC 3261 10.3 8).
            Long expires = r.expires();
            for (String contact : r.headers(HeaderName.CONTACT)) {
                if (contact.trim().equals("*")) {
                    continue;
                }
                b.header(HeaderName.CONTACT, contact.contains("expires=") || expires == null
                        ? contact : contact + ";expires=" + expires);
            }
        }
        txn.respond(b.build());
    }

    private List<Header> challenges(DigestVerdict v) {
        boolean stale = v instanceof DigestVerdict.Stale || v instanceof DigestVerdict.Replayed;
        List<String> values = digest.challenges(stale);
        List<Header> headers = new ArrayList<>(values.size());
        for (String c : values) {
            headers.add(new Header(HeaderName.WWW_AUTHENTICATE, c));
        }
        return headers;
    }

    private static String truncate(String reason) {
        String oneLine = reason.replace('\r', ' ').replace('\n', ' ');
        return oneLine.length() > 100 ? oneLine.substring(0, 100) : oneLine;
    }

    private static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** One answered (or about to be answered) INVITE; lives on its call's executor. */
    private final class Call implements DialogListener {
        private final IncomingRequest invite;
        private final EventExecutor executor;
        ScheduledFuture<?> timer;
        private int mediaPort = -1;
        private Channel media;
        private boolean ended;

        Call(IncomingRequest invite, EventExecutor executor) {
            this.invite = invite;
            this.executor = executor;
        }

        void ring() {
            timer = null;
            if (config.ringMillis() < 0) {
                answer();
                return;
            }
            invite.provisional(180, null);
            if (config.ringMillis() == 0) {
                answer();
            } else {
                waiting.put(invite, this);
                timer = executor.schedule(this::answer, config.ringMillis(), TimeUnit.MILLISECONDS);
            }
        }

        void answer() {
            timer = null;
            if (waiting.remove(invite) == null && (config.answerDelayMillis() > 0 || config.ringMillis() > 0)) {
                return;
            }
            if (echo == null) {
                // Nothing is bound without the echo, so every call answers with the range's first port, as SIPp's
                // UAS answers with its one media port. Taking a port each capped the calls in progress at the
                // range's size: a backlog of calls whose caller had given up held them all until each dialog's
                // 64*T1 wait for its ACK, and every new call in that time was refused with 503.
                mediaPort = ports.shared();
                accept();
                return;
            }
            mediaPort = ports.take();
            if (mediaPort < 0) {
                counters.failed.increment();
                log.debug("Call-ID {}: no media port free, 503", invite.request().callId());
                invite.respond(503, "No Media Port", List.of());
                return;
            }
            if (echo == null) {
                accept();
            } else {
                bindEcho(MAX_BIND_ATTEMPTS);
            }
        }

        /** Binds the echo socket; a port another process holds goes back to the pool and the next one is tried. */
        private void bindEcho(int attemptsLeft) {
            echo.open(mediaPort).whenComplete((channel, error) -> executor.execute(() -> {
                if (error == null) {
                    media = channel;
                    accept();
                    return;
                }
                log.debug("Call-ID {}: media port {} not bound: {}", invite.request().callId(), mediaPort,
                        error.toString());
                release();
                mediaPort = attemptsLeft > 1 ? ports.take() : -1;
                if (mediaPort < 0) {
                    counters.failed.increment();
                    invite.respond(503, "Media Port Busy", List.of());
                    return;
                }
                bindEcho(attemptsLeft - 1);
            }));
        }

        private void accept() {
            SipRequest request = invite.request();
            long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE >> 1);
            byte[] sdp;
            if (request.bodyLength() > 0) {
                SdpAnswerer.Answer a = SdpAnswerer.answer(request.body(), mediaHost, mediaPort, session);
                if (a.sdp() == null) {
                    counters.notAcceptable.increment();
                    release();
                    invite.reject(488);
                    return;
                }
                sdp = a.sdp();
            } else {
                // RFC 3261 13.2.1: no offer in the INVITE, so the 2xx carries ours and the ACK the answer.
                sdp = SdpAnswerer.offer(mediaHost, mediaPort, session);
            }
            invite.accept(sdp);
            Dialog d = invite.dialog();
            if (d == null || d.state() == Dialog.State.TERMINATED) {
                // A CANCEL crossed the answer (while the echo socket was being bound): the 200 was not sent.
                release();
                return;
            }
            counters.answered.increment();
            activeCalls.incrementAndGet();
            if (config.hangupAfterMillis() > 0) {
                timer = executor.schedule(() -> {
                    timer = null;
                    stack.dialogs().bye(d);
                }, config.hangupAfterMillis(), TimeUnit.MILLISECONDS);
            }
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
                timer = null;
            }
        }

        private void release() {
            if (media != null) {
                media.close();
                media = null;
            }
            if (mediaPort > 0 && echo != null) {
                ports.release(mediaPort);
            }
            mediaPort = -1;
        }

        @Override
        public void onTerminated(Dialog dialog, Termination reason) {
            if (ended) {
                return;
            }
            ended = true;
            cancelTimer();
            release();
            activeCalls.decrementAndGet();
            switch (reason) {
                case REMOTE_BYE -> counters.completed.increment();
                case LOCAL_BYE -> counters.hungUp.increment();
                default -> {
                    counters.failed.increment();
                    log.debug("Call-ID {} ended: {}", dialog.id().callId(), reason);
                }
            }
        }
    }

    @Override
    public void onTerminated(Dialog dialog, Termination reason) {
        // Every answered call has its own listener (Call); nothing else reaches here.
    }
}
