package dev.dialtone.engine.call;

import dev.dialtone.engine.call.CallEvent.HangupBy;
import dev.dialtone.engine.call.DocumentFetcher.DocumentException;
import dev.dialtone.engine.call.DocumentFetcher.Fetched;
import dev.dialtone.engine.cxml.Dial;
import dev.dialtone.engine.cxml.Hangup;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.cxml.Pause;
import dev.dialtone.engine.cxml.Redirect;
import dev.dialtone.engine.cxml.Reject;
import dev.dialtone.engine.cxml.Verb;
import dev.dialtone.media.negotiation.Codec;
import dev.dialtone.media.negotiation.LegMedia;
import dev.dialtone.media.negotiation.NegotiationResult;
import dev.dialtone.media.negotiation.OfferAnswer;
import dev.dialtone.media.rtp.MediaLeg;
import dev.dialtone.media.rtp.MediaSession;
import dev.dialtone.media.rtp.MediaSessionListener;
import dev.dialtone.media.sdp.SdpParseException;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogListener;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipUri;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One inbound call: the caller's INVITE, its cXML documents run verb by verb, and the media session anchored for
 * it. Everything happens on the caller's Call-ID executor; results from webhooks, the relay and dialed legs hop
 * back onto it, so no state here is shared between threads.
 */
final class CallSession implements DialogListener, MediaSessionListener {
    private static final Logger log = LoggerFactory.getLogger(CallSession.class);

    final CallEngine engine;
    final IncomingRequest invite;
    final EventExecutor executor;
    final Call call;
    final String callerName;
    final String callerUser;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    SessionDescription callerOffer;
    MediaSession media;
    Dialog dialog;
    boolean answered;
    private boolean ended;
    /** Set when the call is being ended, so that a dial cut short does not continue the document. */
    private boolean leaving;
    private List<Verb> verbs = List.of();
    private int next;
    private String documentUrl;
    private DialOperation dial;
    /** The codec the caller was answered with before any leg was dialed; null until then. */
    Codec earlyCodec;

    CallSession(CallEngine engine, IncomingRequest invite, EventExecutor executor, String from, String to,
                String callerName, String callerUser) {
        this.engine = engine;
        this.callerUser = callerUser;
        this.invite = invite;
        this.executor = executor;
        this.callerName = callerName;
        this.call = new Call(Sids.callSid(), engine.config().accountSid(), Call.Direction.INBOUND, from, to, null,
                engine.clock(), engine::onCallStatus);
    }

    String callSid() {
        return call.callSid();
    }

    /** The URL of the document running now, against which URLs in it resolve. */
    String documentUrl() {
        return documentUrl;
    }

    boolean ended() {
        return ended;
    }

    void start() {
        invite.setListener(this);
        call.on(new CallEvent.Initiated());
        byte[] body = invite.request().body();
        if (body.length == 0) {
            // Dialtone anchors media and never transcodes, so it needs the caller's codecs before it can dial.
            refuse(488, "SDP offer required");
            return;
        }
        try {
            callerOffer = SessionDescription.parse(new String(body, StandardCharsets.UTF_8));
        } catch (SdpParseException e) {
            refuse(400, "Bad SDP: " + e.getMessage());
            return;
        }
        call.on(new CallEvent.Ringing(0));
        engine.relay().openSessionAsync(this).whenCompleteAsync((session, err) -> {
            if (err != null) {
                log.warn("Call {} has no media ports: {}", callSid(), err.toString());
                refuse(503, "No media ports available");
                return;
            }
            if (ended) {
                session.closeAsync();
                return;
            }
            media = session;
            if (engine.config().inboundUrl() == null) {
                refuse(404, "No application for this call");
                return;
            }
            fetch(null, engine.config().inboundUrl(), engine.config().inboundMethod(), Map.of());
        }, executor);
    }

    /** Parameters of every request about this call (INTERFACES §4). */
    Map<String, String> params() {
        return CallParams.standard(call, callerName, null);
    }

    void fetch(String base, String url, HttpMethod method, Map<String, String> extra) {
        Map<String, String> p = params();
        p.putAll(extra);
        engine.fetcher().fetch(base == null ? null : base, url, method, p)
                .whenCompleteAsync((fetched, err) -> {
                    if (ended) {
                        return;
                    }
                    if (err != null) {
                        documentFailed(err);
                    } else {
                        run(fetched);
                    }
                }, executor);
    }

    private void run(Fetched fetched) {
        documentUrl = fetched.url();
        verbs = fetched.document().verbs();
        next = 0;
        runNext();
    }

    void runNext() {
        if (ended) {
            return;
        }
        if (next >= verbs.size()) {
            // The document ran out: the call is over (Twilio ends a call whose TwiML has no more verbs).
            hangup("end of document");
            return;
        }
        Verb verb = verbs.get(next++);
        if (verb instanceof Reject r) {
            refuse(r.reason() == Reject.Reason.BUSY ? 486 : 603, r.reason() == Reject.Reason.BUSY ? "Busy Here" : "Decline");
        } else if (verb instanceof Hangup) {
            answer(Codec.DEFAULT);
            hangup("Hangup verb");
        } else if (verb instanceof Pause p) {
            answer(Codec.DEFAULT);
            schedule(Duration.ofSeconds(p.length()), this::runNext);
        } else if (verb instanceof Redirect r) {
            fetch(documentUrl, r.url(), r.method(), Map.of());
        } else if (verb instanceof Dial d) {
            if (!d.answerOnBridge()) {
                answer(DialOperation.codecsOf(d.sips().get(0)));
            }
            if (!ended) {
                dial = new DialOperation(this, d);
                dial.start();
            }
        }
    }

    /** The dial is over; its action's document, or the next verb, continues the call. */
    void dialFinished(Dial d, Map<String, String> actionParams) {
        dial = null;
        if (d.action().isPresent()) {
            if (ended || leaving) {
                // The action still learns how the dial went; the call it would continue is gone.
                Map<String, String> p = params();
                p.putAll(actionParams);
                engine.fetcher().fetch(documentUrl, d.action().get(), d.method(), p);
                return;
            }
            fetch(documentUrl, d.action().get(), d.method(), actionParams);
        } else if (!leaving) {
            runNext();
        }
    }

    /**
     * Answers the caller before any dialed leg has: with exactly one codec, the first of {@code preferred} the
     * caller offers, so that whichever leg answers later can be given the same codec (Dialtone never transcodes).
     */
    void answer(List<Codec> preferred) {
        if (answered || ended) {
            return;
        }
        for (Codec c : preferred) {
            NegotiationResult r = OfferAnswer.answer(callerOffer, engine.localLeg(media.legA()), List.of(c));
            if (r instanceof NegotiationResult.Success ok) {
                earlyCodec = c;
                acceptCaller(ok);
                return;
            }
        }
        NegotiationResult any = OfferAnswer.answer(callerOffer, engine.localLeg(media.legA()), Codec.DEFAULT);
        if (any instanceof NegotiationResult.Success ok) {
            earlyCodec = Codec.byName(ok.media().orElseThrow().primaryCodec().encodingName()).orElse(null);
            acceptCaller(ok);
        } else {
            NegotiationResult.Failure f = (NegotiationResult.Failure) any;
            refuse(f.statusCode(), f.reason());
        }
    }

    /** Sends the 200 with our SDP to the caller and points leg A at the caller's media. */
    void acceptCaller(NegotiationResult.Success answer) {
        answer.media().ifPresent(m -> point(media.legA(), m));
        invite.accept(answer.sdp().toString().getBytes(StandardCharsets.UTF_8));
        answered = true;
        dialog = invite.dialog();
        call.on(new CallEvent.Answered(200));
    }

    static void point(MediaLeg leg, LegMedia m) {
        var address = CallEngine.numeric(m.remoteAddress(), m.remotePort());
        if (address != null) {
            leg.setRemote(address);
        }
        leg.setStreamFormat(m.primaryCodec().clockRate(), m.telephoneEvent().map(t -> t.payloadType()).orElse(-1));
    }

    /** Ends an unanswered call with a final response, or an answered one with BYE. */
    void refuse(int status, String reason) {
        if (ended) {
            return;
        }
        if (answered) {
            hangup(reason);
            return;
        }
        invite.respond(status, reason, null, null);
        call.on(new CallEvent.Rejected(status, reason));
        finish();
    }

    void hangup(String reason) {
        if (ended) {
            return;
        }
        leaving = true;
        if (dial != null) {
            dial.abort();
        }
        if (answered) {
            if (dialog != null) {
                engine.stack().dialogs().bye(dialog);
            }
            call.on(new CallEvent.HungUp(HangupBy.LOCAL, reason));
        } else {
            invite.respond(480, "Temporarily Unavailable", null, null);
            call.on(new CallEvent.Canceled(HangupBy.LOCAL));
        }
        finish();
    }

    private void documentFailed(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        String reason = cause instanceof DocumentException d ? d.getMessage() : cause.toString();
        log.warn("Call {} application error: {}", callSid(), reason);
        leaving = true;
        if (dial != null) {
            dial.abort();
        }
        if (answered) {
            if (dialog != null) {
                engine.stack().dialogs().bye(dialog);
            }
            call.on(new CallEvent.Failed(500, "Application error: " + reason));
            finish();
        } else {
            // The caller gets a final response saying what went wrong on our side; the reason reaches the logs and
            // the call's completed event (SipInviteResultPhrase).
            invite.respond(500, "Application Error", null, null);
            call.on(new CallEvent.Failed(500, "Application error: " + reason));
            finish();
        }
    }

    /** The caller cancelled before we answered (the dialog layer already sent 487). */
    void callerCanceled() {
        if (ended) {
            return;
        }
        leaving = true;
        if (dial != null) {
            dial.abort();
        }
        call.on(new CallEvent.Canceled(HangupBy.REMOTE));
        finish();
    }

    @Override
    public void onTerminated(Dialog d, Termination reason) {
        executor.execute(() -> {
            if (ended) {
                return;
            }
            leaving = true;
            if (dial != null) {
                dial.abort();
            }
            HangupBy by = reason == Termination.REMOTE_BYE ? HangupBy.REMOTE : HangupBy.LOCAL;
            call.on(new CallEvent.HungUp(by, reason.name()));
            finish();
        });
    }

    @Override
    public void onMediaTimeout(MediaLeg leg, Duration silence) {
        executor.execute(() -> {
            if (!ended && answered) {
                log.info("Call {} media timeout: leg {} silent for {} s", callSid(), leg.side(), silence.toSeconds());
                leaving = true;
                if (dial != null) {
                    dial.abort();
                }
                if (dialog != null) {
                    engine.stack().dialogs().bye(dialog);
                }
                call.on(new CallEvent.Failed(0, "media timeout"));
                finish();
            }
        });
    }

    @Override
    public void onDtmf(MediaLeg leg, int event) {
        if (leg.side() == MediaLeg.Side.A) {
            executor.execute(() -> {
                if (!ended && dial != null) {
                    dial.onCallerDtmf(event);
                }
            });
        }
    }

    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(() -> {
            if (!ended) {
                task.run();
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        timers.add(f);
        timers.removeIf(ScheduledFuture::isDone);
        return f;
    }

    /** Releases everything the call holds: timers, media ports, its place in the engine. */
    void finish() {
        if (ended) {
            return;
        }
        ended = true;
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        timers.clear();
        CompletableFuture<Void> closed = media == null ? CompletableFuture.completedFuture(null) : media.closeAsync();
        engine.ended(this, closed);
    }

    /** Our From for a dialed leg: the caller's identity, or callerId, at our address. */
    Address dialFrom(Dial d) {
        String user = d.callerId().orElse(callerUser);
        SipUri uri = SipUri.of(user, engine.config().advertisedHost(), -1);
        Address a = Address.of(uri);
        return d.callerName().map(n -> new Address(n, uri, a.params())).orElse(a);
    }
}
