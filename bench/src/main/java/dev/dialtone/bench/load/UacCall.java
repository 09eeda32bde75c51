package dev.dialtone.bench.load;

import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.SdpParseException;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One call as SIPp's UAC places it: INVITE with SDP, 100/180/200, ACK (the dialog layer sends it), hold, then BYE
 * and its 200; or, with {@code --hangup callee}, the UAS's BYE. A call marked for cancelling is cancelled on its
 * first 18x and should end in 487. A 401/407 is answered once per realm with digest credentials.
 *
 * <pre>
 *   INVITING --18x--> RINGING --(cancel share) CANCEL--> CANCELLING --487--> ENDED (cancelled)
 *      |                 |                                   |
 *      +------2xx--------+--------------2xx (crossed)--------+--> HOLDING --hold--> HANGING_UP --BYE 2xx--> ENDED
 *      |                 |                                            \--UAS BYE (callee hangup)--> ENDED
 *      +-- 3xx-6xx, timeout, transport error (401/407 with credentials: INVITING again) --> ENDED (failed)
 *   any state --the run gives up on it (end of the drain)--> ENDED: a ringing INVITE cancelled, a held call hung up
 * </pre>
 *
 * Runs on the call's executor (the transaction layer's choice for its Call-ID); nothing here blocks.
 */
final class UacCall implements InviteListener {
    private static final Logger log = LoggerFactory.getLogger(UacCall.class);

    enum State { INVITING, RINGING, CANCELLING, HOLDING, HANGING_UP, ENDED }

    private final SipCallDriver driver;
    private final SipCallDriver.Aim aim;
    private final CallAttempt attempt;
    private final RtpProbe rtp;
    private final DigestClient digest;
    private State state = State.INVITING;
    private EventExecutor executor;
    private Dialog dialog;
    private DialogSet ringing;
    private Timeout timer;
    private String callId;

    UacCall(SipCallDriver driver, SipCallDriver.Aim aim, CallAttempt attempt, RtpProbe rtp) {
        this.driver = driver;
        this.aim = aim;
        this.attempt = attempt;
        this.rtp = rtp;
        LoadConfig c = driver.config();
        this.digest = c.authUser() == null ? null : new DigestClient(c.authUser(), c.authPassword());
    }

    String callId() {
        return callId;
    }

    EventExecutor executor() {
        return executor;
    }

    /** Builds the INVITE and sends it on the call's executor at the call's intended start (or now, if later). */
    void start() {
        byte[] sdp = offer().getBytes(StandardCharsets.US_ASCII);
        // Complete for its transport, so the dialog layer sends it as built, off the event loop.
        SipRequest request = driver.dialogs().createInvite(driver.nextCallId(), aim.requestUri(), driver.from(),
                aim.to(), "application/sdp", sdp, aim.destination().transport());
        callId = request.callId();
        executor = driver.executorFor(callId);
        driver.register(this);
        attempt.onAbandon(() -> {
            try {
                executor.execute(() -> on(new Event.GivenUp()));
            } catch (RejectedExecutionException e) {
                // The driver is closing: its calls go with it.
            }
        });
        // A call handed over late (the generator behind, or a slot freed under --concurrency) goes the same way,
        // due at once: as a task of its own, thousands queued while the loop read a backlog grew Netty's task
        // queue through a branch C2 had compiled as a trap (bench/RESULTS.md, twelfth part).
        driver.startAt(executor, Math.max(attempt.intendedStart(), attempt.now()), () -> send(request));
    }

    private void send(SipRequest request) {
        if (attempt.isEnded()) {
            end(null, null);
            return;
        }
        if (digest != null) {
            // RFC 7616 3.4: every request starts a new nonce-count round; before any challenge this is empty.
            digest.authorize(request.method().name(), request.requestUriText(), request.body());
        }
        attempt.inviteSent(attempt.now());
        driver.dialogs().invite(request, aim.destination(), this);
    }

    /** What can happen to a call; {@link #on} handles each in one switch on the state. */
    sealed interface Event {
        /** A 1xx to our INVITE. */
        record Provisional(DialogSet invite, SipResponse response) implements Event {
        }

        /** The first 2xx: the dialog is confirmed and ACKed. */
        record Answered(Dialog dialog, SipResponse response) implements Event {
        }

        /** A 3xx-6xx, a timeout or a transport error on our INVITE. */
        record Rejected(DialogSet invite, InviteFailure failure) implements Event {
        }

        /** The confirmed dialog ended; for our own BYE that is when it leaves. */
        record Ended(Dialog dialog, Termination reason) implements Event {
        }

        /** The final response to our BYE, seen on the wire. */
        record ByeAnswered(int status) implements Event {
        }

        /** The call's one timer: end of the hold, or giving up on a BYE (ours answered, or theirs sent). */
        record TimerFired() implements Event {
        }

        /** The run has stopped waiting for this call (its drain ended) and counted it unfinished. */
        record GivenUp() implements Event {
        }
    }

    @Override
    public void onProvisional(DialogSet set, Dialog early, SipResponse response) {
        on(new Event.Provisional(set, response));
    }

    @Override
    public void onAnswered(DialogSet set, Dialog answered, SipResponse response) {
        on(new Event.Answered(answered, response));
    }

    @Override
    public void onFailed(DialogSet set, InviteFailure failure) {
        on(new Event.Rejected(set, failure));
    }

    @Override
    public void onTerminated(Dialog d, Termination reason) {
        on(new Event.Ended(d, reason));
    }

    /** A final response to our BYE, seen on the wire by the driver. */
    void onByeResponse(int status) {
        on(new Event.ByeAnswered(status));
    }

    void on(Event event) {
        long now = attempt.now();
        if (event instanceof Event.Provisional p) {
            attempt.provisional(p.response().status(), now);
        } else if (event instanceof Event.Answered a) {
            attempt.finalResponse(a.response().status(), now);
        } else if (event instanceof Event.Rejected r && r.failure().response() != null) {
            attempt.finalResponse(r.failure().status(), now);
        }
        switch (state) {
            case INVITING, RINGING, CANCELLING -> {
                if (event instanceof Event.Provisional p) {
                    ringing = p.invite();
                    if (state == State.INVITING && p.response().status() >= 180) {
                        state = State.RINGING;
                        if (attempt.cancel()) {
                            // RFC 3261 9.1: cancel once the callee rings; the INVITE should then end in 487.
                            state = State.CANCELLING;
                            p.invite().cancel();
                        }
                    }
                } else if (event instanceof Event.Answered a) {
                    // A 2xx that crossed our CANCEL makes a call like any other (RFC 3261 9.1).
                    hold(a.dialog(), a.response());
                } else if (event instanceof Event.Rejected r) {
                    rejected(r.invite(), r.failure());
                } else if (event instanceof Event.GivenUp) {
                    // Nothing would end an INVITE that has had its 1xx (RFC 3261 has no Timer C for a UAC): the
                    // callee would ring on, and the call stay in the driver's table, for as long as the process.
                    if (state == State.RINGING) {
                        ringing.cancel();
                    }
                    end(null, null);
                } else {
                    unexpected(event);
                }
            }
            case HOLDING -> {
                if (event instanceof Event.TimerFired) {
                    if (attempt.hangup() == Hangup.CALLER) {
                        hangUp();
                    } else {
                        driver.dialogs().bye(dialog);
                        end(Outcome.FAILED, "no-bye");
                    }
                } else if (event instanceof Event.GivenUp) {
                    driver.dialogs().bye(dialog);
                    end(null, null);
                } else if (event instanceof Event.Ended e && e.dialog() == dialog) {
                    if (e.reason() == Termination.REMOTE_BYE) {
                        end(attempt.hangup() == Hangup.CALLEE ? Outcome.COMPLETED : Outcome.FAILED, "remote-bye");
                    } else {
                        end(Outcome.FAILED, dialogReason(e.reason()));
                    }
                } else {
                    unexpected(event);
                }
            }
            case HANGING_UP -> {
                if (event instanceof Event.ByeAnswered b && b.status() >= 200) {
                    attempt.byeAnswered(b.status(), now);
                    end(b.status() < 300 ? Outcome.COMPLETED : Outcome.FAILED, "bye-" + b.status());
                } else if (event instanceof Event.TimerFired) {
                    end(Outcome.FAILED, "bye-timeout");
                } else if (event instanceof Event.GivenUp) {
                    // The BYE's transaction goes on retransmitting by itself; only the wait for its answer ends.
                    end(null, null);
                } else if (event instanceof Event.Ended e && e.reason() == Termination.REMOTE_BYE) {
                    // Our BYE and theirs crossed: the call ended either way.
                    end(Outcome.COMPLETED, null);
                } else if (!(event instanceof Event.Ended)) {
                    unexpected(event);
                }
            }
            case ENDED -> {
                if (event instanceof Event.Answered a) {
                    // The generator gave up on this call before it was answered: do not leave the callee holding.
                    driver.dialogs().bye(a.dialog());
                }
            }
        }
    }

    private void hold(Dialog answered, SipResponse response) {
        dialog = answered;
        state = State.HOLDING;
        if (rtp != null) {
            InetSocketAddress media = mediaAddress(response);
            if (media != null) {
                rtp.start(media);
            } else {
                log.debug("Call-ID {}: no usable audio in the answer, no RTP", callId);
            }
        }
        if (attempt.holdMillis() == 0 && attempt.hangup() == Hangup.CALLER) {
            // SIPp's -d 0: the BYE follows the ACK (already sent) at once, and the callee wakes once for both.
            hangUp();
            return;
        }
        // With callee hangup the UAS should hang up after the hold; give it a transaction timeout more.
        long wait = attempt.holdMillis() + (attempt.hangup() == Hangup.CALLER ? 0 : driver.transactionTimeoutMillis());
        arm(wait);
    }

    private void rejected(DialogSet set, InviteFailure failure) {
        switch (failure.kind()) {
            case CANCELED -> end(Outcome.CANCELLED, null);
            case TIMEOUT -> end(Outcome.FAILED, "timeout");
            case TRANSPORT_ERROR -> end(Outcome.FAILED, "transport-error");
            case REJECTED -> {
                int status = failure.status();
                if ((status == 401 || status == 407) && digest != null && failure.response() != null) {
                    retryWithCredentials(set.request(), failure.response());
                } else if (status == 487 && state == State.CANCELLING) {
                    end(Outcome.CANCELLED, null);
                } else {
                    end(Outcome.FAILED, Integer.toString(status));
                }
            }
        }
    }

    /** RFC 3261 22.2: the same INVITE with a new CSeq and branch, and credentials for the challenge. */
    private void retryWithCredentials(SipRequest previous, SipResponse challenge) {
        List<String> values = challenge.status() == 401 ? challenge.headers(HeaderName.WWW_AUTHENTICATE)
                : challenge.headers(HeaderName.PROXY_AUTHENTICATE);
        ChallengeAnswer answer = digest.onChallenge(challenge.status(), values, previous.method().name(),
                previous.requestUriText(), previous.body());
        if (answer instanceof ChallengeAnswer.Retry retry) {
            SipRequest.Builder b = previous.toBuilder()
                    .withoutTopVia()
                    .removeHeader(AuthorizationHeader.AUTHORIZATION)
                    .removeHeader(AuthorizationHeader.PROXY_AUTHORIZATION)
                    .setHeader(HeaderName.CSEQ, (previous.cseq().seq() + 1) + " INVITE");
            for (AuthorizationHeader h : retry.headers()) {
                b.header(h.name(), h.value());
            }
            state = State.INVITING;
            driver.dialogs().invite(b.build(), aim.destination(), this);
        } else {
            log.debug("Call-ID {}: not answering the challenge: {}", callId, ((ChallengeAnswer.GiveUp) answer).reason());
            end(Outcome.FAILED, "auth-failed");
        }
    }

    private void hangUp() {
        state = State.HANGING_UP;
        attempt.byeSent(attempt.now());
        driver.dialogs().bye(dialog);
        // RFC 3261 17.1.2.2: Timer F gives up on a BYE (after 64*T1, or --transaction-timeout); a little margin.
        arm(driver.transactionTimeoutMillis() + 500);
    }

    private void arm(long millis) {
        // On the stack's wheel: one bucket per tick, not a queued task per call for the 32 s of a BYE's guard.
        timer = driver.wheel().newTimeoutAt(executor, t -> on(new Event.TimerFired()),
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private void unexpected(Event event) {
        log.debug("Call-ID {} in {} ignores {}", callId, state, event.getClass().getSimpleName());
    }

    private static String dialogReason(Termination reason) {
        return "dialog-" + reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void end(Outcome outcome, String reason) {
        if (state == State.ENDED) {
            return;
        }
        State was = state;
        state = State.ENDED;
        if (outcome == Outcome.FAILED && log.isDebugEnabled()) {
            log.debug("Call-ID {} failed in {}: {}", callId, was, reason);
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        driver.unregister(this);
        if (rtp == null) {
            report(outcome, reason);
            return;
        }
        if (outcome != null && (was == State.HOLDING || was == State.HANGING_UP)) {
            rtp.finish(driver.rtpGraceMillis()).whenComplete((stats, err) -> executor.execute(() -> {
                if (stats != null) {
                    attempt.rtp(stats.sent(), stats.received(), stats.lost(), stats.jitterMicros());
                }
                report(outcome, reason);
            }));
        } else {
            rtp.close();
            report(outcome, reason);
        }
    }

    private void report(Outcome outcome, String reason) {
        if (outcome == null) {
            return;
        }
        switch (outcome) {
            case COMPLETED -> attempt.completed();
            case CANCELLED -> attempt.cancelled();
            case FAILED -> attempt.failed(reason);
        }
    }

    private String offer() {
        LoadConfig c = driver.config();
        String host = SipCallDriver.bare(c.localHost());
        String ipVersion = host.indexOf(':') >= 0 ? "IP6" : "IP4";
        long session = attempt.index() + 1;
        int port = rtp != null ? rtp.localPort() : 9;
        // Without --rtp the stream is offered inactive (RFC 3264 5.1): signalling load only, no media expected.
        return "v=0\r\n"
                + "o=dialtone-bench " + session + " " + session + " IN " + ipVersion + " " + host + "\r\n"
                + "s=dialtone-bench\r\n"
                + "c=IN " + ipVersion + " " + host + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP " + RtpProbe.PAYLOAD_TYPE_PCMU + "\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=ptime:" + RtpProbe.PACKET_INTERVAL_MILLIS + "\r\n"
                + (rtp != null ? "a=sendrecv\r\n" : "a=inactive\r\n");
    }

    /** The first audio stream of the answer with a port, at its (or the session's) connection address. */
    private static InetSocketAddress mediaAddress(SipResponse response) {
        if (response.bodyLength() == 0) {
            return null;
        }
        try {
            SessionDescription sdp = SessionDescription.parse(new String(response.body(), StandardCharsets.UTF_8));
            for (MediaDescription m : sdp.media()) {
                if (!"audio".equals(m.media()) || m.port() == 0) {
                    continue;
                }
                Connection c = sdp.connection(m).orElse(null);
                if (c == null || c.isHoldAddress()) {
                    return null;
                }
                String a = c.address();
                if (!NetUtil.isValidIpV4Address(a) && !NetUtil.isValidIpV6Address(a)) {
                    // A name would need DNS, which would block the event loop; test targets answer with IPs.
                    return null;
                }
                return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(a), m.port());
            }
        } catch (SdpParseException | RuntimeException e) {
            log.debug("unreadable SDP answer: {}", e.getMessage());
        }
        return null;
    }
}
