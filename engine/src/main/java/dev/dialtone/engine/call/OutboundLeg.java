package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.Sip;
import dev.dialtone.engine.cxml.SipTarget;
import dev.dialtone.engine.cxml.StatusCallbackEvent;
import dev.dialtone.media.negotiation.Codec;
import dev.dialtone.media.negotiation.NegotiationResult;
import dev.dialtone.media.negotiation.B2bua;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Locator;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.dns.NextHop;
import dev.dialtone.sip.dns.TargetList;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One dialed {@code <Sip>}: its own call (direction {@code outbound-dial}), its INVITE with digest retries and
 * server failover, and its status callbacks. Every callback from the SIP stack hops onto the parent call's
 * executor before it touches anything.
 */
final class OutboundLeg implements InviteListener {
    private static final Logger log = LoggerFactory.getLogger(OutboundLeg.class);
    /** RFC 4028 4: the smallest Session-Expires a UAS must accept without 422. */
    private static final int MIN_SE = 90;
    private static final int DEFAULT_SESSION_EXPIRES = 600;

    final DialOperation op;
    final Sip sip;
    /** A registered contact of one of our endpoints, when this leg rings it; null for a URI dialed as written. */
    private final EndpointDirectory.Contact contact;
    final Call call;
    private final CallSession parent;
    private final DigestClient digest;
    SessionDescription offer;
    SipRequest invite;
    DialogSet attempt;
    Dialog dialog;
    SipResponse finalResponse;
    int finalStatus;
    private TargetList targets;
    private Transport transport;
    private boolean answered;
    private boolean over;
    private boolean cancelRequested;

    OutboundLeg(DialOperation op, Sip sip, EndpointDirectory.Contact contact) {
        this.op = op;
        this.sip = sip;
        this.contact = contact;
        this.parent = op.parent;
        this.digest = sip.username().isPresent()
                ? new DigestClient(sip.username().get(), sip.password().orElse("")) : null;
        this.call = new Call(Sids.callSid(), parent.call.accountSid(), Call.Direction.OUTBOUND_DIAL,
                op.dial.callerId().orElse(parent.call.from()), sip.target().uri(), parent.callSid(),
                parent.engine.clock(), (c, previous) -> {
                    parent.engine.onCallStatus(c, previous);
                    statusChanged(c);
                });
    }

    boolean isOver() {
        return over;
    }

    boolean isAnswered() {
        return answered;
    }

    void start(List<Codec> codecs) {
        NegotiationResult offered = B2bua.offerToCallee(parent.callerOffer, codecs,
                parent.engine.localLeg(parent.media.legB()));
        if (offered instanceof NegotiationResult.Failure f) {
            // No codec in common with the caller: the leg fails as a 488 from the callee would, and never rings.
            log.info("Call {} not dialed: {}", call.callSid(), f.reason());
            call.on(new CallEvent.Initiated());
            fail(488, f.reason(), null);
            return;
        }
        offer = ((NegotiationResult.Success) offered).sdp();
        SipTarget target = sip.target();
        SipUri requestUri = SipUri.parse(target.requestUri());
        transport = contact != null ? contact.destination().transport()
                : Optional.ofNullable(Transport.fromName(target.transport())).orElse(Transport.TLS);
        Address to = Address.of(CallEngine.bare(requestUri));
        // To an endpoint: the Request-URI is its registered Contact, the To stays its address-of-record
        // (RFC 3261 16.5, 16.6 step 1).
        SipRequest.Builder b = parent.engine.stack().dialogs().createInvite(
                        contact != null ? contact.requestUri() : requestUri, parent.dialFrom(op.dial), to,
                        "application/sdp", offer.toString().getBytes(StandardCharsets.UTF_8))
                .toBuilder();
        for (SipTarget.Header h : target.headers()) {
            b.header(h.name(), h.value());
        }
        b.header("X-Dialtone-CallSid", call.callSid())
                .header("X-Dialtone-AccountSid", call.accountSid())
                .header("X-Dialtone-ApiVersion", CallParams.API_VERSION);
        int expires = sip.sessionTimeout() <= 0 ? DEFAULT_SESSION_EXPIRES : Math.max(MIN_SE, sip.sessionTimeout());
        b.setHeader("Session-Expires", Integer.toString(expires)).setHeader("Min-SE", Integer.toString(MIN_SE));
        invite = b.build();
        call.on(new CallEvent.Initiated());

        if (contact != null) {
            // The registration says where: its source address, or its connection (RFC 5626 5.3); no DNS.
            send(invite, contact.destination());
            return;
        }
        // An IP-literal host needs no DNS; the stack's numeric locator reads its port, transport and maddr.
        Destination numeric = Locator.numeric().locate(requestUri, transport);
        if (numeric != null) {
            send(invite, numeric);
            return;
        }
        NextHop hop = new NextHop(requestUri.host(),
                requestUri.port() > 0 ? OptionalInt.of(requestUri.port()) : OptionalInt.empty(),
                Optional.of(transport), requestUri.secure());
        parent.engine.stack().locator().locate(hop).whenCompleteAsync((list, err) -> {
            if (over) {
                return;
            }
            if (err != null || list.current().isEmpty()) {
                fail(503, "cannot locate " + requestUri.host() + ": " + (err == null ? "no targets" : rootMessage(err)),
                        null);
                return;
            }
            targets = list;
            var t = list.current().get();
            send(invite, Destination.of(t.transport(), t.address()));
        }, parent.executor);
    }

    private void send(SipRequest request, Destination destination) {
        invite = request;
        if (cancelRequested) {
            fail(487, "Request Terminated", null);
            return;
        }
        attempt = parent.engine.stack().dialogs().invite(request, destination, this);
    }

    /** Stop ringing: CANCEL (held back by the stack until a provisional response, RFC 3261 9.1). */
    void cancel() {
        cancelRequested = true;
        if (attempt != null && !answered) {
            attempt.cancel();
        }
    }

    /** End an answered leg with BYE. */
    void bye() {
        if (dialog != null && answered) {
            parent.engine.stack().dialogs().bye(dialog);
        }
    }

    @Override
    public void onProvisional(DialogSet set, Dialog early, SipResponse response) {
        parent.executor.execute(() -> {
            if (over || set != attempt) {
                return;
            }
            int status = response.status();
            if (status == 180 || status == 183) {
                call.on(new CallEvent.Ringing(status));
                op.onRinging(this, response);
            }
        });
    }

    @Override
    public void onAnswered(DialogSet set, Dialog d, SipResponse response) {
        parent.executor.execute(() -> {
            dialog = d;
            answered = true;
            finalResponse = response;
            finalStatus = response.status();
            if (over || cancelRequested) {
                // A 2xx that crossed our CANCEL, or came after the dial ended: ACKed by the stack, ended here.
                parent.engine.stack().dialogs().bye(d);
                if (!over) {
                    call.on(new CallEvent.Answered(response.status()));
                    call.on(new CallEvent.HungUp(CallEvent.HangupBy.LOCAL, "answered after cancel"));
                    over = true;
                    op.onLegOver(this);
                }
                return;
            }
            call.on(new CallEvent.Answered(response.status()));
            op.onAnswered(this, response);
        });
    }

    @Override
    public void onFailed(DialogSet set, InviteFailure failure) {
        parent.executor.execute(() -> {
            if (over) {
                return;
            }
            int status = failure.status();
            if ((status == 401 || status == 407) && digest != null && failure.response() != null && !cancelRequested) {
                SipResponse r = failure.response();
                ChallengeAnswer answer = digest.onChallenge(r.headers("WWW-Authenticate"),
                        r.headers("Proxy-Authenticate"), "INVITE", invite.requestUriText(), invite.body());
                if (answer instanceof ChallengeAnswer.Retry retry) {
                    // RFC 3261 22.2: the same request again, with credentials and a new CSeq (and a new branch).
                    SipRequest.Builder b = withoutVia(set.request())
                            .removeHeader("Authorization").removeHeader("Proxy-Authorization")
                            .setHeader("CSeq", (invite.cseq().seq() + 1) + " INVITE");
                    for (AuthorizationHeader h : retry.headers()) {
                        b.header(h.name(), h.value());
                    }
                    send(b.build(), set.destination());
                    return;
                }
                log.info("Call {} digest authentication gave up: {}", call.callSid(),
                        ((ChallengeAnswer.GiveUp) answer).reason());
            }
            boolean retryable = failure.kind() == InviteFailure.Kind.TRANSPORT_ERROR || status == 503;
            if (retryable && targets != null && !cancelRequested) {
                var next = targets.failover();
                if (next.isPresent()) {
                    // RFC 3263 4.3: on a transport error or 503, the next server of the list.
                    log.info("Call {} failing over to {}", call.callSid(), next.get());
                    send(withoutVia(set.request()).build(),
                            Destination.of(next.get().transport(), next.get().address()));
                    return;
                }
            }
            if (failure.kind() == InviteFailure.Kind.CANCELED) {
                fail(487, "Request Terminated", failure.response());
            } else {
                fail(status, failure.reason(), failure.response());
            }
        });
    }

    /** A {@code <Sip>} naming one of our endpoints that cannot be rung: unknown (404) or not registered (480). */
    void unreachable(int status, String reason) {
        log.info("Call {} not dialed: {}", call.callSid(), reason);
        call.on(new CallEvent.Initiated());
        fail(status, reason, null);
    }

    /** The leg is over without having been bridged. The dial operation decides what its call status becomes. */
    private void fail(int status, String reason, SipResponse response) {
        over = true;
        finalStatus = status;
        finalResponse = response;
        if (status == 487) {
            call.on(new CallEvent.Canceled(CallEvent.HangupBy.LOCAL));
        } else if (response != null) {
            call.on(new CallEvent.Rejected(status, response.reason()));
        } else {
            call.on(new CallEvent.Failed(status, reason));
        }
        op.onLegFailed(this, status, reason);
    }

    /** Marks this leg's call as unanswered in time (its CANCEL is on the way). */
    void noAnswer() {
        if (!over) {
            cancel();
            over = true;
            finalStatus = 487;
            call.on(new CallEvent.NoAnswer());
        }
    }

    /** Marks this leg as cancelled because another leg won or the caller left. */
    void canceled() {
        if (!over) {
            cancel();
            over = true;
            finalStatus = 487;
            call.on(new CallEvent.Canceled(CallEvent.HangupBy.LOCAL));
        }
    }

    @Override
    public void onTerminated(Dialog d, Termination reason) {
        parent.executor.execute(() -> {
            if (over) {
                return;
            }
            over = true;
            CallEvent.HangupBy by = reason == Termination.REMOTE_BYE ? CallEvent.HangupBy.REMOTE : CallEvent.HangupBy.LOCAL;
            call.on(new CallEvent.HungUp(by, reason.name()));
            op.onLegOver(this);
        });
    }

    /** Ends an answered leg from our side (the caller left, the time limit, a whisper's hangup). */
    void hangUp(String reason) {
        if (over) {
            return;
        }
        over = true;
        bye();
        call.on(new CallEvent.HungUp(CallEvent.HangupBy.LOCAL, reason));
    }

    /** {@code X-} headers of the final response, as {@code prefix + name} parameters. */
    Map<String, String> xHeaders(String prefix) {
        Map<String, String> p = new LinkedHashMap<>();
        if (finalResponse != null) {
            for (Header h : finalResponse.allHeaders()) {
                if (h.name().toLowerCase(Locale.ROOT).startsWith("x-")) {
                    p.put(prefix + h.name(), h.value());
                }
            }
        }
        return p;
    }

    private void statusChanged(Call c) {
        StatusCallbackEvent event = switch (c.status()) {
            case INITIATED -> StatusCallbackEvent.INITIATED;
            case RINGING -> StatusCallbackEvent.RINGING;
            case IN_PROGRESS -> StatusCallbackEvent.ANSWERED;
            case COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED -> StatusCallbackEvent.COMPLETED;
            default -> null;
        };
        if (event != null && sip.statusCallback().isPresent() && sip.reports(event)) {
            Map<String, String> fields = CallParams.statusEvent(c);
            if (event == StatusCallbackEvent.COMPLETED && op.isBridged(this)) {
                fields.putAll(parent.media.legB().stats().toCallbackFields());
            }
            String url = DocumentFetcher.resolve(op.parentDocumentUrl(), sip.statusCallback().get());
            parent.engine.callbacks().send(c.callSid(), url, sip.statusCallbackMethod(), fields);
        }
        if (c.status().isFinal()) {
            parent.engine.callbacks().finish(c.callSid());
        }
    }

    /** The request to send again: the stack puts a fresh Via (a new branch, a new transaction) on it. */
    private static SipRequest.Builder withoutVia(SipRequest sent) {
        SipRequest.Builder b = sent.toBuilder();
        return sent.topVia() == null ? b : b.withoutTopVia();
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
