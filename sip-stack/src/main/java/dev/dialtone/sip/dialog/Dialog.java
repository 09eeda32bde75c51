package dev.dialtone.sip.dialog;

import dev.dialtone.sip.dialog.DialogEvent.AckReceived;
import dev.dialtone.sip.dialog.DialogEvent.Answer;
import dev.dialtone.sip.dialog.DialogEvent.Discard;
import dev.dialtone.sip.dialog.DialogEvent.RequestFailed;
import dev.dialtone.sip.dialog.DialogEvent.RequestReceived;
import dev.dialtone.sip.dialog.DialogEvent.ResponseReceived;
import dev.dialtone.sip.dialog.DialogEvent.SendAck;
import dev.dialtone.sip.dialog.DialogEvent.SendBye;
import dev.dialtone.sip.dialog.DialogEvent.SendRequest;
import dev.dialtone.sip.dialog.DialogEvent.TimerFired;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transaction.TimerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A dialog (RFC 3261 12) and the INVITE usage on it (13, 14, 15), with UPDATE (RFC 3311), session timers
 * (RFC 4028) and, as UAC, reliable provisional responses (RFC 3262).
 *
 * <pre>
 *   UAC: tagged 1xx received             UAS: tagged 1xx sent
 *               |                                 |
 *               V                                 V
 *         +-----------+   2xx received (ACK sent) / 2xx sent (retransmitted until ACK)
 *         |   EARLY   |--------------------------------------------+
 *         +-----------+                                            V
 *               | INVITE failed, other fork          +-----------------------------+
 *               | answered, CANCEL, BYE              |          CONFIRMED          |  re-INVITE, UPDATE, refresh,
 *               |                                    +-----------------------------+  glare (491) retry, 2xx
 *               |                                       | BYE sent or received, session expired,  re-ACK
 *               V                                       | no ACK in 64*T1, 408/481 to a request
 *         +-----------+                                 |
 *         | TERMINATED|<--------------------------------+
 *         +-----------+
 * </pre>
 *
 * <p>The dialog does no I/O: it works through a {@link DialogContext} and runs on its call's executor, so it takes
 * no locks. The application reaches it through {@link DialogLayer}; the getters here are safe to read from the
 * call's executor.
 */
public final class Dialog {
    private static final Logger log = LoggerFactory.getLogger(Dialog.class);

    static final String SDP = "application/sdp";
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, OPTIONS, INFO";

    public enum State { EARLY, CONFIRMED, TERMINATED }

    private final DialogId id;
    private final boolean ownsCallId;
    private final Address localUri;
    private final Address remoteUri;
    // From and To as written in each request of the dialog: formatted once, not per request.
    private String localUriText;
    private String remoteUriText;
    // The Request-URI last printed: every request of the dialog goes to the same one until a target refresh.
    private Uri printedRequestUri;
    private String printedRequestUriText;
    private final DialogConfig config;
    /** Our Contact in this dialog: the one its INVITE carried (UAC), or the one for the transport it came on (UAS). */
    private Address localContact;
    private final TimerConfig timers;
    private final DialogContext ctx;

    private State state = State.EARLY;
    private List<Address> routeSet;
    private Uri remoteTarget;
    private long localSeq;
    private long remoteSeq = -1;

    private SipRequest clientInvite;
    private SipRequest clientUpdate;
    private SipRequest serverInvite;
    private Responder serverInviteResponder;
    private SipResponse unacked2xx;
    private Responder unacked2xxResponder;
    private long retransmitInterval;
    // The 2xx last ACKed (its CSeq number), and its ACK only when that cannot be built again the same from a
    // retransmission of the 2xx (it carried an answer, or its branch was random): a dialog waiting on its BYE's
    // answer otherwise keeps no ACK, which a collector would copy for every call a stalled peer leaves open.
    private long ackedSeq = -1;
    private SipRequest keptAck;
    private SipResponse awaitingAck;
    private boolean byeAfterAck;
    private long lastRseq = -1;
    private SendRequest glareRetry;
    // Our requests waiting on their final response, by CSeq number: nearly always none or one (a BYE), which takes
    // two fields rather than a map per dialog; a map only once two are out at once.
    private long pendingSeq;
    private SendRequest pending;
    private Map<Long, SendRequest> morePending;
    private int intervalRetries;

    private String localContentType;
    private byte[] localBody;
    private long sessionInterval;
    private boolean refresher;
    private long minSe;
    private boolean peerAllowsUpdate;

    private Dialog(DialogId id, boolean ownsCallId, Address localUri, Address remoteUri, List<Address> routeSet,
                   Uri remoteTarget, DialogConfig config, TimerConfig timers, DialogContext ctx) {
        this.id = id;
        this.ownsCallId = ownsCallId;
        this.localUri = localUri;
        this.remoteUri = remoteUri;
        this.routeSet = routeSet;
        this.remoteTarget = remoteTarget;
        this.config = config;
        this.timers = timers;
        this.ctx = ctx;
        this.minSe = config.minSe();
    }

    /**
     * RFC 3261 12.1.2: the UAC's dialog from a tagged 1xx or a 2xx to its INVITE. Route set from Record-Route in
     * reverse order, remote target from Contact, local CSeq from the INVITE, remote CSeq empty. The response itself
     * still has to be fed in as a {@code ResponseReceived} event.
     */
    static Dialog uac(SipRequest invite, SipResponse response, DialogConfig config, TimerConfig timers,
                      DialogContext ctx) {
        // Call-ID and our tag as the INVITE has them, which the response echoes (RFC 3261 8.2.6.2): the INVITE's
        // strings, not another copy of each parsed from every answer.
        DialogId id = new DialogId(invite.callId(), invite.from().tag(), response.to().tag());
        Dialog d = new Dialog(id, true, invite.from(), response.to(), Routing.uacRouteSet(response),
                Routing.contactOr(response, invite.requestUri()), config, timers, ctx);
        d.localSeq = invite.cseq().seq();
        d.clientInvite = invite;
        // RFC 3261 12.2.1.1: From and To as the INVITE's From and the answer's To have them (URI and tags), so the
        // header values are reused as received instead of printed again from the parsed addresses.
        d.localUriText = invite.header(HeaderName.FROM);
        d.remoteUriText = response.header(HeaderName.TO);
        if (!invite.contacts().isEmpty() && !invite.contacts().get(0).isStar()) {
            d.localContact = invite.contacts().get(0).address();
        }
        d.peerAllowsUpdate = Routing.allowsUpdate(response);
        if (invite.bodyLength() > 0) {
            d.localContentType = invite.contentType();
            d.localBody = invite.body();
        }
        return d;
    }

    /**
     * RFC 3261 12.1.1: the UAS's dialog from an INVITE it answers with a tagged 1xx or a 2xx. Route set from
     * Record-Route in order, remote target from Contact, remote CSeq from the INVITE, local CSeq empty.
     */
    static Dialog uas(SipRequest invite, Responder responder, String localTag, DialogConfig config,
                      TimerConfig timers, DialogContext ctx) {
        DialogId id = new DialogId(invite.callId(), localTag, invite.from().tag());
        Dialog d = new Dialog(id, false, invite.to().withTag(localTag), invite.from(),
                Routing.uasRouteSet(invite), Routing.contactOr(invite, invite.requestUri()), config, timers, ctx);
        d.remoteSeq = invite.cseq().seq();
        d.serverInvite = invite;
        if (invite.to().tag() == null) {
            // As the responses carry it (Draft.toTag): the request's To as received, with our tag appended.
            d.localUriText = invite.header(HeaderName.TO) + ";tag=" + localTag;
            d.remoteUriText = invite.header(HeaderName.FROM);
        }
        d.serverInviteResponder = responder;
        d.peerAllowsUpdate = Routing.allowsUpdate(invite);
        return d;
    }

    public DialogId id() {
        return id;
    }

    /** Our Contact in this dialog (RFC 3261 12.1: the remote target the peer keeps for us). */
    public Address localContact() {
        return localContact != null ? localContact : config.contact();
    }

    void useContact(Address contact) {
        this.localContact = contact;
    }

    public State state() {
        return state;
    }

    /** True on the side that sent the INVITE that created the dialog, and so chose the Call-ID (RFC 3261 14.1). */
    public boolean ownsCallId() {
        return ownsCallId;
    }

    public Address localUri() {
        return localUri;
    }

    public Address remoteUri() {
        return remoteUri;
    }

    public List<Address> routeSet() {
        return routeSet;
    }

    public Uri remoteTarget() {
        return remoteTarget;
    }

    public long localSeq() {
        return localSeq;
    }

    /** The remote CSeq, or -1 while it is empty. */
    public long remoteSeq() {
        return remoteSeq;
    }

    /** The last session description we sent (offer or answer), or null. */
    public byte[] localSdp() {
        return localBody == null ? null : localBody.clone();
    }

    /** The negotiated session interval in seconds (RFC 4028), 0 when there is no session timer. */
    public long sessionInterval() {
        return sessionInterval;
    }

    /** True when we are the session refresher. */
    public boolean isRefresher() {
        return refresher;
    }

    /** True once we have sent an ACK for a 2xx on this dialog. */
    boolean acknowledged() {
        return ackedSeq >= 0;
    }

    /**
     * The ACK last sent for a 2xx if it carried a body, which a 2xx retransmitted after the dialog ended must get
     * again whole (13.2.2.4); null if there was none or it had no body (then it is built again from the 2xx).
     */
    SipRequest ackWithBody() {
        return keptAck != null && keptAck.bodyLength() > 0 ? keptAck : null;
    }

    /**
     * A new request in this dialog (RFC 3261 12.2.1.1) with the next local CSeq: Request-URI and Route from the
     * remote target and route set (loose or strict routing), From and To with the tags, Call-ID, Max-Forwards,
     * our Contact (not on BYE) and a top Via with a fresh branch. Add a body with {@code toBuilder()}. Call it on
     * the call's executor ({@link DialogLayer#executorFor}); {@link DialogLayer#request} sends requests for you.
     */
    public SipRequest createRequest(SipMethod method) {
        if (method == SipMethod.ACK || method == SipMethod.CANCEL) {
            throw new IllegalArgumentException(method + " is not sent with the next CSeq");
        }
        return builder(method, ++localSeq).build();
    }

    void on(DialogEvent event) {
        switch (state) {
            case EARLY, CONFIRMED -> {
                if (event instanceof RequestReceived r) {
                    onRequest(r.request(), r.responder());
                } else if (event instanceof AckReceived a) {
                    onAck(a.ack());
                } else if (event instanceof ResponseReceived r) {
                    onResponse(r.request(), r.response());
                } else if (event instanceof RequestFailed f) {
                    onFailure(f.request(), f.reason());
                } else if (event instanceof TimerFired t) {
                    onTimer(t.timer());
                } else if (event instanceof Answer a) {
                    answer(a);
                } else if (event instanceof SendRequest s) {
                    send(s);
                } else if (event instanceof SendBye) {
                    hangUp();
                } else if (event instanceof SendAck a) {
                    sendAckWithAnswer(a.contentType(), a.body());
                } else if (event instanceof Discard d) {
                    terminate(d.reason());
                }
            }
            case TERMINATED -> {
                if (event instanceof ResponseReceived r) {
                    // A 2xx retransmitted after our BYE still gets its ACK, so the peer stops (13.2.2.4).
                    onResponseAfterEnd(r.response());
                } else if (event instanceof RequestFailed f) {
                    complete(takePending(f.request().cseq().seq()), timeout(f.request()));
                } else if (event instanceof Answer a && a.request().method() != SipMethod.INVITE) {
                    // A server transaction still needs its final response, or it never ends.
                    a.responder().respond(responseBuilder(a.request(), a.status(), a.reason()).build());
                } else if (event instanceof SendRequest s && s.result() != null) {
                    s.result().completeExceptionally(new IllegalStateException("dialog terminated"));
                } else {
                    log.debug("dialog {} in {} ignores {}", id, state, event);
                }
            }
        }
    }

    private void onRequest(SipRequest request, Responder responder) {
        long seq = request.cseq().seq();
        SipMethod method = request.method();
        // RFC 3261 12.2.2: a CSeq lower than the last one from the peer is out of order.
        if (remoteSeq >= 0 && seq < remoteSeq) {
            responder.respond(request.createResponse(500, "Out Of Order CSeq"));
            return;
        }
        remoteSeq = seq;
        boolean offer = request.bodyLength() > 0;
        if (method == SipMethod.BYE) {
            // RFC 3261 15.1.2: answer BYE with 200, and a still unanswered INVITE with 487.
            responder.respond(request.createResponse(200));
            if (serverInvite != null) {
                serverInviteResponder.respond(responseBuilder(serverInvite, 487, null).build());
                serverInvite = null;
            }
            terminate(Termination.REMOTE_BYE);
        } else if (method == SipMethod.INVITE) {
            if (clientInvite != null || clientUpdate != null && clientUpdate.bodyLength() > 0) {
                // RFC 3261 14.2 (and RFC 3311 5.2): our own offer is pending, so this is glare.
                responder.respond(request.createResponse(491));
            } else if (serverInvite != null || state == State.EARLY) {
                // 14.2: an INVITE while an earlier one is unanswered gets 500 with a Retry-After of 0-10 s.
                responder.respond(request.responseBuilder(500, "Server Internal Error")
                        .header(HeaderName.RETRY_AFTER, Integer.toString(ctx.random(11))).build());
            } else if (!intervalAcceptable(request, responder)) {
                return;
            } else {
                refreshTarget(request);
                serverInvite = request;
                serverInviteResponder = responder;
                ctx.requestArrived(request, responder);
            }
        } else if (method == SipMethod.UPDATE) {
            if (offer && (clientUpdate != null && clientUpdate.bodyLength() > 0
                    || clientInvite != null && clientInvite.bodyLength() > 0)) {
                responder.respond(request.createResponse(491)); // RFC 3311 5.2
            } else if (offer && serverInvite != null && serverInvite.bodyLength() > 0) {
                responder.respond(request.responseBuilder(500, "Server Internal Error")
                        .header(HeaderName.RETRY_AFTER, Integer.toString(ctx.random(11))).build());
            } else if (!intervalAcceptable(request, responder)) {
                return;
            } else {
                refreshTarget(request);
                if (offer) {
                    ctx.requestArrived(request, responder);
                } else {
                    // A body-less UPDATE only refreshes the session (RFC 4028 10): answer it here.
                    answer(new Answer(request, responder, 200, null, null, null));
                }
            }
        } else if (method == SipMethod.PRACK) {
            // We never send reliable provisional responses, so no PRACK can match one (RFC 3262 3).
            responder.respond(request.createResponse(481));
        } else {
            ctx.requestArrived(request, responder);
        }
    }

    /** RFC 4028 5: a Session-Expires below our Min-SE gets 422 carrying Min-SE. */
    private boolean intervalAcceptable(SipRequest request, Responder responder) {
        if (!config.sessionTimers()) {
            return true;
        }
        SessionExpires se = request.sessionExpires();
        if (se != null && se.delta() < config.minSe()) {
            responder.respond(request.responseBuilder(422, null)
                    .header(HeaderName.MIN_SE, Long.toString(config.minSe())).build());
            return false;
        }
        Long theirMin = request.minSe();
        if (theirMin != null) {
            minSe = Math.max(minSe, theirMin);
        }
        return true;
    }

    private void onAck(SipRequest ack) {
        if (unacked2xx != null && ack.cseq().seq() == unacked2xx.cseq().seq()) {
            unacked2xx = null;
            unacked2xxResponder = null;
            ctx.cancel(DialogTimer.RETRANSMIT_2XX);
            ctx.cancel(DialogTimer.ACK_TIMEOUT);
            ctx.ackArrived(ack);
            if (byeAfterAck && state == State.CONFIRMED) {
                sendBye(Termination.LOCAL_BYE);
            }
        } else {
            log.debug("dialog {} ignores ACK with CSeq {}", id, ack.cseq());
        }
    }

    private void onResponse(SipRequest request, SipResponse response) {
        SipMethod method = response.cseq().method();
        long seq = response.cseq().seq();
        int status = response.status();
        if (method == SipMethod.INVITE && status / 100 == 2 && ackedSeq == seq) {
            // RFC 3261 13.2.2.4: a retransmitted 2xx gets the ACK again.
            ackAgain(response);
            return;
        }
        if (method == SipMethod.INVITE && status / 100 == 2 && awaitingAck != null
                && awaitingAck.cseq().seq() == seq) {
            return; // the application has not given the answer for the ACK yet
        }
        if (request == null) {
            log.debug("dialog {} ignores stray {} {}", id, status, method);
            return;
        }
        if (status < 200) {
            if (method == SipMethod.INVITE && state == State.EARLY && ownsCallId) {
                provisional(response);
            }
            return;
        }
        SendRequest origin = takePending(seq);
        if (clientInvite != null && clientInvite.cseq().seq() == seq) {
            clientInvite = null;
        }
        if (clientUpdate != null && clientUpdate.cseq().seq() == seq) {
            clientUpdate = null;
        }
        if (status < 300) {
            if (method == SipMethod.INVITE || method == SipMethod.UPDATE) {
                // RFC 3261 12.2.1.2: a 2xx to a target refresh request replaces the remote target.
                refreshTarget(response);
                if (response.hasHeader(HeaderName.ALLOW)) {
                    peerAllowsUpdate = Routing.allowsUpdate(response);
                }
                if (method == SipMethod.INVITE) {
                    if (state == State.EARLY) {
                        // 13.2.2.4: the 2xx confirms the early dialog and its route set is recomputed from it.
                        routeSet = Routing.uacRouteSet(response);
                        state = State.CONFIRMED;
                    }
                    boolean offerIn2xx = request.bodyLength() == 0 && response.bodyLength() > 0;
                    boolean refresh = origin != null && origin.result() == null;
                    if (offerIn2xx && !refresh) {
                        // RFC 3261 13.2.2.4 with RFC 3264: the 2xx carries the offer, so the ACK must carry the
                        // answer, which the application supplies through DialogLayer.ack.
                        awaitingAck = response;
                    } else {
                        String branch = ackBranch(response);
                        ack(response, ackBuilder(response, branch).build(), branch != null);
                    }
                }
                sessionFromResponse(request, response);
            }
            intervalRetries = 0;
            complete(origin, response);
            return;
        }
        boolean offerRequest = method == SipMethod.INVITE || method == SipMethod.UPDATE;
        if (status == 491 && offerRequest && origin != null) {
            // RFC 3261 14.1: retry after 2.1-4 s if we own the Call-ID, else 0-2 s, in units of 10 ms.
            glareRetry = origin;
            long delay = ownsCallId ? 2100 + 10L * ctx.random(191) : 10L * ctx.random(201);
            ctx.schedule(DialogTimer.GLARE_RETRY, delay);
            return;
        }
        Long theirMin = status == 422 ? response.minSe() : null;
        if (theirMin != null && offerRequest && origin != null && intervalRetries++ < 2) {
            // RFC 4028 6: ask again with an interval at least the peer's Min-SE.
            minSe = Math.max(minSe, theirMin);
            sessionInterval = Math.max(Math.max(sessionInterval, config.sessionExpires()), theirMin);
            send(origin);
            return;
        }
        complete(origin, response);
        if ((status == 481 || status == 408) && method != SipMethod.BYE && state == State.CONFIRMED) {
            // RFC 3261 12.2.1.2: the dialog is gone (481) or unreachable (408); end it.
            if (status == 408) {
                sendBye(Termination.REQUEST_FAILED);
            } else {
                terminate(Termination.REQUEST_FAILED);
            }
        }
    }

    private void onResponseAfterEnd(SipResponse response) {
        if (response.cseq().method() == SipMethod.INVITE && response.status() / 100 == 2
                && ackedSeq == response.cseq().seq()) {
            ackAgain(response);
        }
        if (response.isFinal()) {
            complete(takePending(response.cseq().seq()), response);
        }
    }

    private void sendAckWithAnswer(String contentType, byte[] body) {
        if (awaitingAck == null) {
            log.debug("dialog {}: no 2xx waits for an ACK", id);
            return;
        }
        String branch = ackBranch(awaitingAck);
        SipRequest.Builder b = ackBuilder(awaitingAck, branch);
        if (body != null) {
            b.body(contentType, body);
            if (SDP.equalsIgnoreCase(contentType)) {
                localContentType = contentType;
                localBody = body.clone();
            }
        }
        SipResponse ok = awaitingAck;
        awaitingAck = null;
        ack(ok, b.build(), branch != null);
    }

    /** Sends the ACK of 2xx {@code ok}, keeping it only if {@code again} cannot build it the same from the 2xx. */
    private void ack(SipResponse ok, SipRequest ack, boolean again) {
        ackedSeq = ok.cseq().seq();
        keptAck = again && ack.bodyLength() == 0 ? null : ack;
        ctx.sendAck(ack, nextHop());
    }

    /**
     * RFC 3261 13.2.2.4: the same ACK for a retransmission of the 2xx. Built again from it as the first was built
     * from the original (same Request-URI, Route, From, To, CSeq, and the branch {@link #ackBranch} derives from
     * the 2xx), so byte for byte the ACK sent before, unless it had to be kept.
     */
    private void ackAgain(SipResponse ok) {
        ctx.sendAck(keptAck != null ? keptAck : ackBuilder(ok, ackBranch(ok)).build(), nextHop());
    }

    /** RFC 3262 4: PRACK each reliable provisional response once, in RSeq order; drop retransmissions. */
    private void provisional(SipResponse response) {
        Long rseq = response.rseq();
        if (rseq != null && response.require().contains("100rel")) {
            if (lastRseq >= 0 && rseq != lastRseq + 1) {
                log.debug("dialog {} drops reliable {} with RSeq {} after {}", id, response.status(), rseq, lastRseq);
                return;
            }
            lastRseq = rseq;
            refreshTarget(response);
            SipRequest prack = builder(SipMethod.PRACK, ++localSeq)
                    .header(HeaderName.RACK, rseq + " " + response.cseq().seq() + " " + response.cseq().method())
                    .build();
            ctx.send(prack, nextHop());
        }
        ctx.provisional(response);
    }

    private void onFailure(SipRequest request, String reason) {
        long seq = request.cseq().seq();
        SendRequest origin = takePending(seq);
        if (clientInvite != null && clientInvite.cseq().seq() == seq) {
            clientInvite = null;
        }
        if (clientUpdate != null && clientUpdate.cseq().seq() == seq) {
            clientUpdate = null;
        }
        log.debug("dialog {}: {} failed: {}", id, request.method(), reason);
        complete(origin, timeout(request));
        if (request.method() != SipMethod.BYE && request.method() != SipMethod.PRACK && state == State.CONFIRMED) {
            // RFC 3261 12.2.1.2: a timeout counts as 408, which ends the dialog.
            sendBye(Termination.REQUEST_FAILED);
        }
    }

    private void onTimer(DialogTimer timer) {
        switch (timer) {
            case RETRANSMIT_2XX -> {
                if (unacked2xx != null) {
                    // RFC 3261 13.3.1.4: T1, doubling, at most T2.
                    unacked2xxResponder.retransmit(unacked2xx);
                    retransmitInterval = Math.min(2 * retransmitInterval, timers.t2());
                    ctx.schedule(DialogTimer.RETRANSMIT_2XX, retransmitInterval);
                }
            }
            case ACK_TIMEOUT -> {
                if (unacked2xx != null) {
                    // 13.3.1.4: no ACK in 64*T1: the dialog is confirmed, but the session ends with BYE.
                    unacked2xx = null;
                    unacked2xxResponder = null;
                    ctx.cancel(DialogTimer.RETRANSMIT_2XX);
                    sendBye(Termination.NO_ACK);
                }
            }
            case SESSION_REFRESH -> refresh();
            case SESSION_EXPIRES -> {
                log.debug("dialog {}: session interval {} s lapsed", id, sessionInterval);
                sendBye(Termination.SESSION_EXPIRED);
            }
            case GLARE_RETRY -> {
                SendRequest retry = glareRetry;
                glareRetry = null;
                if (retry != null) {
                    send(retry);
                }
            }
        }
    }

    /** RFC 4028 10: refresh with UPDATE when the peer allows it, else with a re-INVITE carrying the same SDP. */
    private void refresh() {
        if (clientInvite != null || clientUpdate != null || serverInvite != null || glareRetry != null
                || state != State.CONFIRMED) {
            // A transaction under way refreshes the session when it succeeds.
            return;
        }
        if (peerAllowsUpdate) {
            send(new SendRequest(SipMethod.UPDATE, null, null, null));
        } else {
            send(new SendRequest(SipMethod.INVITE, localContentType, localBody, null));
        }
    }

    private void send(SendRequest s) {
        SipMethod m = s.method();
        String refused = null;
        if (m == SipMethod.INVITE && (state != State.CONFIRMED || clientInvite != null || serverInvite != null)) {
            refused = "an INVITE transaction is already in progress (RFC 3261 14.1)";
        } else if (m == SipMethod.UPDATE && s.body() != null && clientUpdate != null && clientUpdate.bodyLength() > 0) {
            refused = "an offer is already pending (RFC 3311 5.1)";
        }
        if (refused != null) {
            if (s.result() != null) {
                s.result().completeExceptionally(new IllegalStateException(refused));
            }
            return;
        }
        SipRequest.Builder b = builder(m, ++localSeq);
        if (m == SipMethod.INVITE || m == SipMethod.UPDATE) {
            if (config.supported() != null) {
                b.header(HeaderName.SUPPORTED, config.supported());
            }
            b.header(HeaderName.ALLOW, ALLOW);
            if (config.sessionTimers()) {
                // RFC 4028 7.4: every re-INVITE and UPDATE refreshes; keep the refresher role as it is.
                long interval = sessionInterval > 0 ? sessionInterval : config.sessionExpires();
                String se = sessionInterval > 0 ? interval + ";refresher=" + (refresher ? "uac" : "uas")
                        : Long.toString(interval);
                b.header(HeaderName.SESSION_EXPIRES, se).header(HeaderName.MIN_SE, Long.toString(minSe));
            }
        }
        if (s.body() != null) {
            b.body(s.contentType(), s.body());
            if (SDP.equalsIgnoreCase(s.contentType())) {
                localContentType = s.contentType();
                localBody = s.body().clone();
            }
        }
        SipRequest request = b.build();
        if (m == SipMethod.INVITE) {
            clientInvite = request;
        } else if (m == SipMethod.UPDATE) {
            clientUpdate = request;
        }
        putPending(localSeq, s);
        ctx.send(request, nextHop());
    }

    private void putPending(long seq, SendRequest s) {
        if (pending == null) { // CSeq numbers only grow (++localSeq): never one already here
            pendingSeq = seq;
            pending = s;
        } else {
            if (morePending == null) {
                morePending = new HashMap<>(4);
            }
            morePending.put(seq, s);
        }
    }

    /** The request with CSeq number {@code seq} we still wait on, now no longer; null if none. */
    private SendRequest takePending(long seq) {
        if (pending != null && pendingSeq == seq) {
            SendRequest s = pending;
            pending = null;
            return s;
        }
        return morePending == null ? null : morePending.remove(seq);
    }

    /** The application's answer to a request we received (for a UAS, also the INVITE that made the dialog). */
    private void answer(Answer a) {
        SipRequest request = a.request();
        SipMethod m = request.method();
        int status = a.status();
        if (m == SipMethod.INVITE && request != serverInvite) {
            log.debug("dialog {} ignores a late answer {} to INVITE {}", id, status, request.cseq());
            return;
        }
        SipResponse.Builder b = responseBuilder(request, status, a.reason());
        for (var h : a.headers()) {
            b.header(h.name(), h.value());
        }
        boolean targetRefresh = m == SipMethod.INVITE || m == SipMethod.UPDATE;
        if (targetRefresh && status > 100 && status < 300) {
            b.header(HeaderName.CONTACT, text(localContact()));
            if (state == State.EARLY && m == SipMethod.INVITE) {
                // RFC 3261 12.1.1: responses that make the dialog copy the Record-Route of the request.
                for (String rr : request.headers(HeaderName.RECORD_ROUTE)) {
                    b.header(HeaderName.RECORD_ROUTE, rr);
                }
            }
            b.header(HeaderName.ALLOW, ALLOW);
            if (config.sessionTimers()) {
                b.header(HeaderName.SUPPORTED, "timer");
            }
        }
        if (targetRefresh && status / 100 == 2) {
            sessionAnswer(request, b);
        }
        if (a.body() != null) {
            b.body(a.contentType(), a.body());
            if (SDP.equalsIgnoreCase(a.contentType())) {
                localContentType = a.contentType();
                localBody = a.body().clone();
            }
        }
        SipResponse response = b.build();
        a.responder().respond(response);
        if (m != SipMethod.INVITE || status < 200) {
            return;
        }
        serverInvite = null;
        serverInviteResponder = null;
        if (status < 300) {
            state = State.CONFIRMED;
            unacked2xx = response;
            unacked2xxResponder = a.responder();
            retransmitInterval = timers.t1();
            ctx.schedule(DialogTimer.RETRANSMIT_2XX, retransmitInterval);
            ctx.schedule(DialogTimer.ACK_TIMEOUT, 64 * timers.t1());
        } else if (state == State.EARLY) {
            terminate(Termination.EARLY_ENDED);
        }
    }

    /** RFC 4028 9: the UAS side of a refresh (the interval already passed the Min-SE check). */
    private void sessionAnswer(SipRequest request, SipResponse.Builder b) {
        if (!config.sessionTimers()) {
            return;
        }
        long fallback = sessionInterval > 0 ? sessionInterval : Math.max(config.sessionExpires(), minSe);
        SessionTimer.Answer answer = SessionTimer.answer(request, fallback);
        b.header(HeaderName.SESSION_EXPIRES, answer.interval() + ";refresher=" + answer.refresher());
        if (answer.requireTimer()) {
            b.header(HeaderName.REQUIRE, "timer");
        }
        startSessionTimer(answer.terms());
    }

    /** RFC 4028 7.2: the UAC side of a 2xx to an INVITE or UPDATE. */
    private void sessionFromResponse(SipRequest request, SipResponse response) {
        if (config.sessionTimers()) {
            startSessionTimer(SessionTimer.fromResponse(request, response));
        }
    }

    private void startSessionTimer(SessionTimer.Terms terms) {
        if (terms.interval() == 0) {
            stopSessionTimer();
            return;
        }
        sessionInterval = terms.interval();
        refresher = terms.weRefresh();
        if (refresher) {
            ctx.schedule(DialogTimer.SESSION_REFRESH, SessionTimer.refreshDelayMillis(sessionInterval));
        } else {
            ctx.cancel(DialogTimer.SESSION_REFRESH);
        }
        ctx.schedule(DialogTimer.SESSION_EXPIRES, SessionTimer.expiryDelayMillis(sessionInterval, refresher));
    }

    private void stopSessionTimer() {
        sessionInterval = 0;
        refresher = false;
        ctx.cancel(DialogTimer.SESSION_REFRESH);
        ctx.cancel(DialogTimer.SESSION_EXPIRES);
    }

    private void hangUp() {
        if (unacked2xx != null) {
            // RFC 3261 15: the callee holds its BYE until the ACK comes or the 2xx times out.
            byeAfterAck = true;
        } else if (state == State.CONFIRMED || ownsCallId) {
            // RFC 3261 15: the caller may BYE an early dialog too; the callee may not, so it declines the INVITE.
            sendBye(Termination.LOCAL_BYE);
        } else if (serverInvite != null) {
            answer(new Answer(serverInvite, serverInviteResponder, 480, null, null, null));
        }
    }

    private void sendBye(Termination reason) {
        ctx.send(builder(SipMethod.BYE, ++localSeq).build(), nextHop());
        terminate(reason);
    }

    private void terminate(Termination reason) {
        if (state == State.TERMINATED) {
            return;
        }
        boolean confirmed = state == State.CONFIRMED;
        state = State.TERMINATED;
        for (DialogTimer t : DialogTimer.values()) {
            ctx.cancel(t);
        }
        unacked2xx = null;
        unacked2xxResponder = null;
        // Kept only to build requests: the ACK of a 2xx retransmitted after the end prints them again (builder), and
        // a call waiting on its BYE's answer keeps two strings fewer.
        localUriText = null;
        remoteUriText = null;
        if (glareRetry != null && glareRetry.result() != null) {
            glareRetry.result().completeExceptionally(new IllegalStateException("dialog terminated"));
        }
        glareRetry = null;
        log.debug("dialog {} terminated: {}", id, reason);
        ctx.terminated(reason, confirmed);
    }

    private void refreshTarget(dev.dialtone.sip.message.SipMessage message) {
        Uri target = Routing.contactOr(message, null);
        if (target != null) {
            remoteTarget = target;
        }
    }

    private static void complete(SendRequest origin, SipResponse response) {
        if (origin != null && origin.result() != null) {
            origin.result().complete(response);
        }
    }

    /** RFC 3261 8.1.3.1: a transaction timeout is treated as a 408. */
    private static SipResponse timeout(SipRequest request) {
        return request.createResponse(408, "Request Timeout");
    }

    private SipResponse.Builder responseBuilder(SipRequest request, int status, String reason) {
        SipResponse.Builder b = request.responseBuilder(status, reason == null ? SipResponse.reasonPhrase(status) : reason);
        if (request.to().tag() == null) {
            b.toTag(id.localTag());
        }
        return b;
    }

    SipRequest.Builder builder(SipMethod method, long seq) {
        return builder(method, seq, ctx.via(nextHop()));
    }

    /** The ACK of 2xx {@code ok}, with the branch {@link #ackBranch} gives it. */
    private SipRequest.Builder ackBuilder(SipResponse ok, String branch) {
        Via via = ctx.via(nextHop());
        return builder(SipMethod.ACK, ok.cseq().seq(), branch == null ? via : via.withParam("branch", branch));
    }

    /**
     * The branch of the ACK of 2xx {@code ok}: the INVITE's branch, which the 2xx echoes, and a hash of the 2xx's
     * To tag. RFC 3261 13.2.2.4 makes that ACK a transaction of its own, so its branch must differ from the
     * INVITE's (8.1.1.7), and one per fork; made this way rather than at random, an ended call can send the same
     * ACK again from the 2xx alone (see {@link DialogSet}) instead of keeping the ACK's Via for 64*T1. Null if
     * the 2xx's top Via has no RFC 3261 branch: the ACK then gets a fresh one.
     */
    static String ackBranch(SipResponse ok) {
        Via top;
        try {
            top = ok.topVia();
        } catch (SipParseException e) {
            return null;
        }
        String tag = ok.to() == null ? null : ok.to().tag();
        if (top == null || !top.hasRfc3261Branch() || tag == null) {
            return null;
        }
        return top.branch() + '-' + Integer.toHexString(tag.hashCode());
    }

    private SipRequest.Builder builder(SipMethod method, long seq, Via via) {
        Uri requestUri = Routing.requestUri(routeSet, remoteTarget);
        if (requestUri != printedRequestUri) {
            printedRequestUri = requestUri;
            printedRequestUriText = REQUEST_URI.of(requestUri);
        }
        if (localUriText == null) {
            localUriText = localUri.toString();
            remoteUriText = remoteUri.toString();
        }
        SipRequest.Builder b = request(method, seq, requestUri, printedRequestUriText,
                Routing.routes(routeSet, remoteTarget), via.toString(), localUriText, remoteUriText,
                id.callId());
        if (method != SipMethod.BYE && method != SipMethod.ACK) {
            b.header(HeaderName.CONTACT, text(localContact()));
        }
        return b;
    }

    /**
     * RFC 3261 12.2.1.1: what every request inside a dialog starts with, in the order this stack writes it. The
     * ACK an ended call rebuilds from a retransmitted 2xx ({@link DialogSet}) is made here too, so it comes out
     * as the first one did.
     */
    static SipRequest.Builder request(SipMethod method, long seq, Uri requestUri, String requestUriText,
                                      List<Address> routes, String via, String from, String to, String callId) {
        SipRequest.Builder b = SipRequest.builder(method, requestUri)
                .requestUri(requestUri, requestUriText)
                .header(HeaderName.VIA, via)
                .header(HeaderName.MAX_FORWARDS, "70");
        for (Address route : routes) {
            b.header(HeaderName.ROUTE, route.toString());
        }
        return b.header(HeaderName.FROM, from)
                .header(HeaderName.TO, to)
                .header(HeaderName.CALL_ID, callId)
                .header(HeaderName.CSEQ, seq + " " + method);
    }

    private static final Printed CONTACT = new Printed();
    // A peer's Contact is one shared Uri across its calls (the parser's table of recent URIs), so is its text.
    private static final Printed REQUEST_URI = new Printed();

    /** {@code contact.toString()}, remembered for the one Address last printed. */
    static String text(Address contact) {
        return CONTACT.of(contact);
    }

    Uri nextHop() {
        return Routing.nextHop(routeSet, remoteTarget);
    }

    @Override
    public String toString() {
        return "Dialog" + id + " " + state;
    }
}
