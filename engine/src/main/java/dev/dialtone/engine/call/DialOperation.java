package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.Dial;
import dev.dialtone.engine.cxml.Sip;
import dev.dialtone.media.negotiation.B2bua;
import dev.dialtone.media.negotiation.Codec;
import dev.dialtone.media.negotiation.NegotiationResult;
import dev.dialtone.media.negotiation.OfferAnswer;
import dev.dialtone.media.sdp.SdpParseException;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.sip.message.SipResponse;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code <Dial>}: up to ten {@code <Sip>} legs ringing at once, the first 2xx wins and the others are
 * cancelled, the winner is bridged to the caller through the media relay, and when the dial ends its outcome goes
 * to the {@code action} URL or the caller's document continues.
 */
final class DialOperation {
    private static final Logger log = LoggerFactory.getLogger(DialOperation.class);

    final CallSession parent;
    final Dial dial;
    private final List<OutboundLeg> legs = new ArrayList<>();
    private OutboundLeg winner;
    private OutboundLeg lastFailed;
    private ScheduledFuture<?> ringTimer;
    private ScheduledFuture<?> limitTimer;
    private boolean ringingRelayed;
    private boolean bridged;
    private boolean done;
    private boolean timedOut;
    private WhisperRun whisper;

    DialOperation(CallSession parent, Dial dial) {
        this.parent = parent;
        this.dial = dial;
    }

    /** The codecs a {@code <Sip>} allows, as the media module names them; the seed's default when not given. */
    static List<Codec> codecsOf(Sip sip) {
        if (sip.codecs().isEmpty()) {
            return Codec.DEFAULT;
        }
        List<Codec> out = new ArrayList<>();
        for (var c : sip.codecs()) {
            Codec.byName(c.name()).ifPresent(out::add);
        }
        return out;
    }

    String parentDocumentUrl() {
        return parent.documentUrl();
    }

    boolean isBridged(OutboundLeg leg) {
        return bridged && leg == winner;
    }

    void start() {
        ringTimer = parent.schedule(Duration.ofSeconds(dial.timeout()), this::ringTimeout);
        for (Sip sip : dial.sips()) {
            legs.add(new OutboundLeg(this, sip));
        }
        for (OutboundLeg leg : List.copyOf(legs)) {
            if (done) {
                break;
            }
            // Once the caller has been answered with one codec, every leg must use it: the relay never transcodes.
            List<Codec> codecs = parent.earlyCodec != null ? List.of(parent.earlyCodec) : codecsOf(leg.sip);
            leg.start(codecs);
        }
    }

    void onRinging(OutboundLeg leg, SipResponse response) {
        if (done || ringingRelayed || parent.answered || !dial.answerOnBridge()) {
            return;
        }
        // answerOnBridge: the caller hears the callee ringing, and is answered only when the callee answers.
        ringingRelayed = true;
        parent.invite.provisional(180, null);
    }

    void onAnswered(OutboundLeg leg, SipResponse response) {
        if (done || winner != null || whisper != null) {
            leg.hangUp(done ? "answered after the dial ended" : "another leg answered first");
            onLegOver(leg);
            return;
        }
        SessionDescription answer;
        try {
            answer = SessionDescription.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (SdpParseException e) {
            leg.hangUp("bad SDP in 2xx: " + e.getMessage());
            onLegFailed(leg, 488, "bad SDP in 2xx");
            return;
        }
        NegotiationResult callee = OfferAnswer.acceptAnswer(leg.offer, answer);
        if (!(callee instanceof NegotiationResult.Success calleeOk)) {
            NegotiationResult.Failure f = (NegotiationResult.Failure) callee;
            log.info("Call {} answer not usable: {}", leg.call.callSid(), f.reason());
            leg.hangUp(f.reason());
            onLegFailed(leg, f.statusCode(), f.reason());
            return;
        }
        calleeOk.media().ifPresent(m -> CallSession.point(parent.media.legB(), m));
        if (leg.sip.url().isPresent()) {
            whisper = new WhisperRun(this, leg, answer);
            whisper.start();
            return;
        }
        connect(leg, answer);
    }

    /** The winner: cancel the rest, answer the caller if it is still ringing, and bridge the media. */
    void connect(OutboundLeg leg, SessionDescription calleeAnswer) {
        whisper = null;
        winner = leg;
        cancelTimer(ringTimer);
        for (OutboundLeg other : legs) {
            if (other != leg) {
                other.canceled();
            }
        }
        if (!parent.answered) {
            NegotiationResult toCaller = B2bua.answerToCaller(parent.callerOffer, leg.offer, calleeAnswer,
                    parent.engine.localLeg(parent.media.legA()));
            if (toCaller instanceof NegotiationResult.Success ok) {
                parent.acceptCaller(ok);
            } else {
                NegotiationResult.Failure f = (NegotiationResult.Failure) toCaller;
                leg.hangUp(f.reason());
                winner = null;
                finish(CallStatus.FAILED, leg);
                parent.refuse(f.statusCode(), f.reason());
                return;
            }
        }
        bridged = true;
        log.info("Call {} bridged to {}", parent.callSid(), leg.call.callSid());
        if (!parent.engine.config().mediaTimeout().isZero()) {
            parent.media.startMediaTimeout();
        }
        limitTimer = parent.schedule(Duration.ofSeconds(dial.timeLimit()), () -> {
            log.info("Call {} reached its time limit of {} s", parent.callSid(), dial.timeLimit());
            leg.hangUp("time limit");
            finish(CallStatus.COMPLETED, leg);
        });
    }

    /** RFC 4733 event from the caller: with {@code hangupOnStar}, {@code *} (event 10) ends the bridged leg. */
    void onCallerDtmf(int event) {
        if (event != 10 || !dial.hangupOnStar() || !bridged || winner == null || done) {
            return;
        }
        log.info("Call {} caller pressed *: hanging up {}", parent.callSid(), winner.call.callSid());
        OutboundLeg leg = winner;
        leg.hangUp("hangupOnStar");
        finish(CallStatus.COMPLETED, leg);
    }

    /** The whisper document hung up on the answered leg: the dial goes on as if that leg had not answered. */
    void whisperDeclined(OutboundLeg leg, String reason) {
        whisper = null;
        leg.hangUp(reason);
        onLegOver(leg);
    }

    void onLegFailed(OutboundLeg leg, int status, String reason) {
        if (!done) {
            lastFailed = leg;
            log.debug("Call {} leg {} failed: {} {}", parent.callSid(), leg.call.callSid(), status, reason);
        }
        checkAllOver();
    }

    /** A leg ended after answering: the bridge (if it was the winner) is over. */
    void onLegOver(OutboundLeg leg) {
        if (done) {
            return;
        }
        if (leg == winner) {
            cancelTimer(limitTimer);
            finish(CallStatus.COMPLETED, leg);
            return;
        }
        lastFailed = leg;
        checkAllOver();
    }

    private void checkAllOver() {
        if (done || winner != null || whisper != null) {
            return;
        }
        for (OutboundLeg l : legs) {
            if (!l.isOver()) {
                return;
            }
        }
        finish(outcome(), lastFailed != null ? lastFailed : legs.get(legs.size() - 1));
    }

    /** Nobody answered: busy if any callee said busy, no-answer on timeout, else failed. */
    private CallStatus outcome() {
        if (timedOut) {
            return CallStatus.NO_ANSWER;
        }
        for (OutboundLeg l : legs) {
            if (l.finalStatus == 486 || l.finalStatus == 600) {
                lastFailed = l;
                return CallStatus.BUSY;
            }
        }
        for (OutboundLeg l : legs) {
            if (l.isAnswered()) {
                // Answered, then the whisper hung up: reported as not answered.
                return CallStatus.NO_ANSWER;
            }
        }
        return CallStatus.FAILED;
    }

    private void ringTimeout() {
        if (done || winner != null) {
            return;
        }
        timedOut = true;
        if (whisper != null) {
            whisper.abort();
        }
        for (OutboundLeg l : legs) {
            l.noAnswer();
        }
        finish(CallStatus.NO_ANSWER, legs.get(0));
    }

    /** The caller left (or the document failed): stop every leg. */
    void abort() {
        if (done) {
            return;
        }
        if (whisper != null) {
            whisper.abort();
        }
        for (OutboundLeg l : legs) {
            if (l == winner || l.isAnswered()) {
                l.hangUp("caller hung up");
            } else {
                l.canceled();
            }
        }
        finish(winner != null ? CallStatus.COMPLETED : CallStatus.CANCELED, winner != null ? winner : legs.get(0));
    }

    private void finish(CallStatus status, OutboundLeg reported) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer(ringTimer);
        cancelTimer(limitTimer);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DialCallStatus", status.wire());
        p.put("DialCallSid", reported.call.callSid());
        p.put("DialCallDuration", Long.toString(reported.call.durationSeconds()));
        if (reported.invite != null) {
            p.put("DialSipCallId", reported.invite.callId());
        }
        if (reported.finalStatus > 0) {
            p.put("DialSipResponseCode", Integer.toString(reported.finalStatus));
        }
        p.putAll(reported.xHeaders("DialSipHeader_"));
        log.info("Call {} dial ended: {}", parent.callSid(), status.wire());
        parent.dialFinished(dial, p);
    }

    private static void cancelTimer(ScheduledFuture<?> t) {
        if (t != null) {
            t.cancel(false);
        }
    }
}
