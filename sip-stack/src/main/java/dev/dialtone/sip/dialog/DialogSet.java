package dev.dialtone.sip.dialog;

import dev.dialtone.sip.dialog.DialogEvent.Discard;
import dev.dialtone.sip.dialog.DialogEvent.ResponseReceived;
import dev.dialtone.sip.dialog.DialogEvent.SendBye;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transaction.ClientTransaction;
import dev.dialtone.sip.transaction.TransactionFailure;
import dev.dialtone.sip.transport.Destination;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One outgoing INVITE and the dialogs its forks make (RFC 3261 12.1.2, 13.2.2.4): an early dialog per To tag of
 * a tagged provisional response, and the first 2xx confirms its dialog. A 2xx from any other fork afterwards gets
 * its ACK and then a BYE, because a B2BUA bridges one callee per INVITE. A 422 is retried once or twice with the
 * peer's Min-SE (RFC 4028 7.4). Everything runs on the call's executor.
 */
public final class DialogSet {
    private static final Logger log = LoggerFactory.getLogger(DialogSet.class);

    private final DialogLayer layer;
    private final EventExecutor executor;
    private final Destination destination;
    private final InviteListener listener;
    // The dialogs by To tag: the first in two fields, a map only for a second fork. A call waiting on its INVITE has
    // none, and whatever a call holds is work for each young collection while it waits.
    private String firstTag;
    private Dialog firstFork;
    private Map<String, Dialog> otherForks;
    // The INVITE until the first 2xx; after it only its bytes (a late fork's 2xx parses them again), so that an
    // answered call does not keep the parsed message and all it has parsed for as long as it lasts.
    private volatile SipRequest invite;
    private volatile ByteBuffer answeredInvite;
    private volatile String callId; // read by callers on any thread
    private Uri requestUri;
    private int attempt; // which INVITE of the set (a 422 retry is another): its relay hears only its own
    private ClientTransaction transaction;
    private Relay relay;
    private Dialog answered;
    private boolean finished;
    private boolean cancelRequested;
    private int intervalRetries;

    DialogSet(DialogLayer layer, EventExecutor executor, Destination destination, InviteListener listener) {
        this.layer = layer;
        this.executor = executor;
        this.destination = destination;
        this.listener = listener;
    }

    /**
     * The INVITE as last sent (a 422 retry sends a new one with a higher CSeq). Once answered, a copy parsed
     * again from its bytes.
     */
    public SipRequest request() {
        SipRequest r = invite;
        if (r != null) {
            return r;
        }
        ByteBuffer answered = answeredInvite;
        if (answered == null) {
            return null; // not sent yet
        }
        ByteBuffer wire = answered.duplicate();
        byte[] copy = new byte[wire.remaining()];
        wire.get(copy);
        return (SipRequest) SipMessage.parse(copy, copy.length, false);
    }

    public String callId() {
        return callId;
    }

    /** The INVITE's Request-URI. */
    Uri requestUri() {
        return requestUri;
    }

    public Destination destination() {
        return destination;
    }

    /**
     * RFC 3261 9.1: CANCEL the INVITE. Without effect once a final response came; if a 2xx crosses the CANCEL the
     * call is answered as usual and the application ends it with BYE. Any thread.
     */
    public void cancel() {
        DialogLayer.runOn(executor, () -> {
            if (finished || cancelRequested) {
                return;
            }
            cancelRequested = true;
            transaction.cancel();
        });
    }

    void start(SipRequest request) {
        invite = request;
        callId = request.callId();
        requestUri = request.requestUri();
        relay = new Relay(this, ++attempt);
        transaction = layer.transactions().request(request, destination, relay);
    }

    /**
     * The answered dialog has ended. RFC 6026 keeps the INVITE transaction for 64*T1 after its 2xx, and a 2xx
     * retransmitted in that time still gets our ACK again (RFC 3261 13.2.2.4). Tens of thousands of ended calls
     * linger this way on a loaded server, long enough for what they keep to be promoted and left for a full
     * collection, so they keep no object: the transaction hands its 2xx to the layer's one {@link ReAck} with
     * where the ACK went and the hash of the To tag it answered, and the set, its dialogs and the relay go now.
     * A 2xx from yet another fork after the call has ended is dropped: its UAS gives up after 64*T1 without our
     * ACK (13.3.1.4). Only an ACK that carried an answer (RFC 3264, an offer in the 2xx) is kept whole, in a
     * ReAck of its own.
     */
    void dialogEnded(Dialog dialog, Supplier<Destination> ackRoute) {
        if (dialog != answered || relay == null) {
            return;
        }
        // The ACK's To tag is the dialog's remote tag (RFC 3261 12.2.1.1).
        String tag = dialog.acknowledged() ? dialog.id().remoteTag() : null;
        if (tag != null) {
            SipRequest withBody = dialog.ackWithBody();
            ReAck reAck = withBody == null ? layer.reAck() : new ReAck(layer, withBody.toBytes());
            transaction.relisten(reAck, ackRoute.get(), tag.hashCode());
        }
        relay.retire();
    }

    /**
     * RFC 3261 13.2.2.4 for ended calls: a retransmitted 2xx of the fork that was answered gets the same ACK again.
     * The layer's one instance builds it as the dialog built it (12.2.1.1: Request-URI and Route from the 2xx's
     * Contact and Record-Route; From, To, Call-ID and CSeq number from the 2xx; Via for the same transport with
     * the branch {@link Dialog#ackBranch} derives from the 2xx), so byte for byte the ACK sent before; an ACK that
     * carried an answer is kept whole by an instance of its own.
     */
    static final class ReAck implements ClientTransaction.Retransmissions {
        private final DialogLayer layer;
        private final byte[] ackWithBody;

        ReAck(DialogLayer layer) {
            this(layer, null);
        }

        private ReAck(DialogLayer layer, byte[] ackWithBody) {
            this.layer = layer;
            this.ackWithBody = ackWithBody;
        }

        @Override
        public void on2xx(SipResponse ok, Destination destination, int toTagHash) {
            try {
                String tag = ok.to() == null ? null : ok.to().tag();
                if (tag == null || tag.hashCode() != toTagHash) {
                    log.debug("Call-ID {}: 2xx from another fork after the call ended, dropped", ok.callId());
                    return;
                }
                SipRequest ack = ackWithBody != null
                        ? (SipRequest) SipMessage.parse(ackWithBody, ackWithBody.length, false)
                        : rebuilt(ok, destination);
                if (ack != null) {
                    layer.transactions().sendAck(ack, destination);
                }
            } catch (SipParseException e) {
                log.debug("Call-ID {}: malformed {} dropped: {}", ok.header(HeaderName.CALL_ID), ok.status(),
                        e.reason());
            }
        }

        private SipRequest rebuilt(SipResponse ok, Destination destination) {
            String branch = Dialog.ackBranch(ok);
            List<Address> routeSet = Routing.uacRouteSet(ok);
            Uri target = Routing.contactOr(ok, null);
            if (target == null || branch == null) {
                return null;
            }
            // From and To as the 2xx carries them: the dialog took its To from it and its From from our INVITE,
            // which the 2xx repeats (RFC 3261 8.2.6.2).
            Uri requestUri = Routing.requestUri(routeSet, target);
            String via = layer.via(destination.transport()).withParam("branch", branch).toString();
            return Dialog.request(SipMethod.ACK, ok.cseq().seq(), requestUri, requestUri.toString(),
                    Routing.routes(routeSet, target), via, ok.header(HeaderName.FROM), ok.header(HeaderName.TO),
                    ok.callId()).build();
        }
    }

    /**
     * What the INVITE client transaction reports to while the call lasts; after it (see {@link #dialogEnded}),
     * nothing. Runs on the set's executor.
     */
    private static final class Relay implements ClientTransaction.Listener {
        private DialogSet set;
        private final int attempt;

        Relay(DialogSet set, int attempt) {
            this.set = set;
            this.attempt = attempt;
        }

        void retire() {
            set = null;
        }

        @Override
        public void onResponse(SipResponse response) {
            DialogSet s = set;
            if (s == null || attempt != s.attempt) {
                return;
            }
            String callId = s.callId;
            try {
                if (response.to() == null) {
                    log.debug("Call-ID {}: {} without To dropped", callId, response.status());
                    return;
                }
                s.onResponse(response);
            } catch (SipParseException e) {
                log.debug("Call-ID {}: malformed {} dropped: {}", callId, response.status(), e.reason());
            } catch (RuntimeException e) {
                log.warn("Call-ID {}: {} not handled", callId, response.status(), e);
            }
        }

        @Override
        public void onFailure(TransactionFailure failure, String reason) {
            DialogSet s = set;
            if (s != null && attempt == s.attempt) {
                s.onFailure(failure, reason);
            }
        }
    }

    private void onResponse(SipResponse response) {
        int status = response.status();
        String tag = response.to().tag();
        if (status < 200) {
            if (finished) {
                return;
            }
            if (tag == null) {
                DialogLayer.safely(() -> listener.onProvisional(this, null, response));
                return;
            }
            Dialog d = fork(tag, invite, response, listener, false);
            // The dialog PRACKs reliable responses and reports the ones to pass on through onEarlyProvisional.
            d.on(new ResponseReceived(invite, response));
            return;
        }
        if (status < 300) {
            if (tag == null) {
                log.debug("2xx without To tag for Call-ID {} dropped", callId);
                return;
            }
            boolean first = answered == null;
            Dialog d = forkOf(tag);
            SipRequest request = null;
            if (first || d != answered || d.state() == Dialog.State.TERMINATED && !d.acknowledged()) {
                // A new fork (its 1xx lost, or none sent), or one whose early dialog ended when another fork
                // answered. A retransmission of the answer needs no INVITE: its dialog ACKs it again (13.2.2.4).
                request = request();
                d = fork(tag, request, response, first ? listener : null, true);
            }
            if (first) {
                answered = d;
                finished = true;
                answeredInvite = request.wire();
                invite = null;
            }
            d.on(new ResponseReceived(request, response));
            if (first) {
                if (otherForks != null) {
                    for (Dialog other : forks()) {
                        if (other != d && other.state() == Dialog.State.EARLY) {
                            other.on(new Discard(Termination.EARLY_ENDED));
                        }
                    }
                }
                Dialog confirmed = d;
                DialogLayer.safely(() -> listener.onAnswered(this, confirmed, response));
            } else if (d != answered && d.state() == Dialog.State.CONFIRMED) {
                // RFC 3261 13.2.2.4: every 2xx is ACKed; a B2BUA keeps one fork and releases the rest with BYE.
                log.debug("Call-ID {}: late 2xx from fork {}, sending ACK and BYE", callId, tag);
                layer.silence(d);
                d.on(new SendBye());
            }
            return;
        }
        if (finished) {
            return;
        }
        Long theirMin = status == 422 ? response.minSe() : null;
        if (theirMin != null && layer.config().sessionTimers() && !cancelRequested && intervalRetries++ < 2) {
            discardForks();
            retryWithInterval(theirMin);
            return;
        }
        finished = true;
        discardForks();
        InviteFailure.Kind kind = status == 487 && cancelRequested ? InviteFailure.Kind.CANCELED
                : InviteFailure.Kind.REJECTED;
        InviteFailure failure = new InviteFailure(kind, status, response, response.reason());
        DialogLayer.safely(() -> listener.onFailed(this, failure));
        // The transaction absorbs retransmissions of this final response itself (Timer D): nothing to keep.
        relay.retire();
    }

    /**
     * The dialog of the fork {@code tag} answered from, created from {@code response} if there is none (or, with
     * {@code replaceEnded}, if its early dialog ended unconfirmed). One place for the 1xx and the 2xx that open a
     * fork: the JIT then compiles a 2xx that opens its fork (its 1xx lost, or never sent) as the code every
     * call's 180 runs. With a call of its own in the 2xx branch, that call was cold in every profile and was not
     * inlined, and a target's stall made it hot at once: C2 then spent 0.46 s of a loaded caller's one core
     * compiling the dialog's creation on its own (-XX:+LogCompilation, a ladder against SIPp's UAS at 23,000
     * calls/s), as the calls in progress went from 5,000 to 11,000. With one call site it was not compiled apart.
     */
    private Dialog fork(String tag, SipRequest request, SipResponse response, DialogListener forkListener,
                        boolean replaceEnded) {
        Dialog d = forkOf(tag);
        if (d == null || replaceEnded && d.state() == Dialog.State.TERMINATED && !d.acknowledged()) {
            d = layer.createUacDialog(this, request, response, forkListener);
            if (firstFork == null || firstTag.equals(tag)) {
                firstTag = tag;
                firstFork = d;
            } else {
                if (otherForks == null) {
                    otherForks = new HashMap<>(4);
                }
                otherForks.put(tag, d);
            }
        }
        return d;
    }

    private Dialog forkOf(String tag) {
        if (firstFork != null && firstTag.equals(tag)) {
            return firstFork;
        }
        return otherForks == null ? null : otherForks.get(tag);
    }

    /** Every fork's dialog, a copy. */
    private List<Dialog> forks() {
        List<Dialog> all = new ArrayList<>(otherForks == null ? 1 : otherForks.size() + 1);
        if (firstFork != null) {
            all.add(firstFork);
        }
        if (otherForks != null) {
            all.addAll(otherForks.values());
        }
        return all;
    }

    /** RFC 4028 7.4: the same INVITE with a new CSeq and branch, Min-SE from the 422 and an interval at least that. */
    private void retryWithInterval(long theirMin) {
        SessionExpires se = invite.sessionExpires();
        long interval = Math.max(theirMin, se == null ? 0 : se.delta());
        SipRequest next = invite.toBuilder()
                .replaceTopVia(layer.via(destination.transport()))
                .setHeader(HeaderName.CSEQ, (invite.cseq().seq() + 1) + " INVITE")
                .setHeader(HeaderName.SESSION_EXPIRES, Long.toString(interval))
                .setHeader(HeaderName.MIN_SE, Long.toString(theirMin))
                .build();
        log.debug("Call-ID {}: 422, retrying with Session-Expires {}", invite.callId(), interval);
        start(next);
    }

    private void onFailure(TransactionFailure failure, String reason) {
        if (finished) {
            return;
        }
        finished = true;
        discardForks();
        InviteFailure f = failure == TransactionFailure.TIMEOUT
                ? new InviteFailure(InviteFailure.Kind.TIMEOUT, 408, null, reason)
                : new InviteFailure(InviteFailure.Kind.TRANSPORT_ERROR, 503, null, reason);
        DialogLayer.safely(() -> listener.onFailed(this, f));
        relay.retire();
    }

    private void discardForks() {
        if (firstFork == null) {
            return;
        }
        for (Dialog d : forks()) {
            if (d.state() == Dialog.State.EARLY) {
                d.on(new Discard(Termination.EARLY_ENDED));
            }
        }
        firstTag = null;
        firstFork = null;
        otherForks = null;
    }

    /** A provisional response an early dialog passed on (reliable ones once, in order). */
    void onEarlyProvisional(Dialog early, SipResponse response) {
        if (!finished) {
            DialogLayer.safely(() -> listener.onProvisional(this, early, response));
        }
    }
}
