package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseReceived;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import dev.dialtone.sip.transport.Destination;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * A client transaction as the transaction user sees it. Its listener is called on the call's executor, once per
 * response passed up and at most once for a failure.
 */
public final class ClientTransaction {
    private static final Logger log = LoggerFactory.getLogger(ClientTransaction.class);

    /** What the transaction user hears from a client transaction. */
    public interface Listener {
        void onResponse(SipResponse response);

        /** No final response came (Timer B or F) or the transport failed. */
        void onFailure(TransactionFailure failure, String reason);
    }

    /**
     * What hears the 2xx retransmissions of an INVITE whose transaction user has gone (see {@link #relisten}), with
     * what it was left: where to send its answer and a number of its choosing. One can serve every call.
     */
    @FunctionalInterface
    public interface Retransmissions {
        void on2xx(SipResponse response, Destination destination, int mark);
    }

    private static final Listener IGNORE = new Listener() {
        @Override
        public void onResponse(SipResponse response) {
        }

        @Override
        public void onFailure(TransactionFailure failure, String reason) {
        }
    };

    private final TransactionLayer layer;
    private final EventExecutor executor;
    private final TransactionLayer.Shard shard;
    private SipRequest request; // until the final response: a CANCEL is built from it
    private final Destination destination;
    private Listener listener; // let go of once nothing more can reach it: the TU's call may be long over
    private final String key;
    private final SipMethod method;
    // The machine and its timers, let go of once retired: an answered call's INVITE transaction object stays
    // reachable from its dialog set for the whole call (relisten), and should keep no more than its key by then.
    private InviteClientTransaction invite;
    private NonInviteClientTransaction nonInvite;
    private TimerSlots timers;
    private boolean provisionalSeen;
    private boolean finalSeen;
    private boolean cancelPending;
    private boolean cancelSent;
    private boolean retired;
    // Given by relisten before Timer M was armed (a caller that hangs up as soon as it is answered does so from
    // the 2xx's own delivery, which the machine makes in the same step as it arms Timer M): what the retired
    // transaction's 2xx go to instead of the listener.
    private Retransmissions retransmissions;
    private Destination retransmissionsDestination;
    private int retransmissionsMark;

    ClientTransaction(TransactionLayer layer, EventExecutor executor, TransactionLayer.Shard shard, SipRequest request,
                      Destination destination, Listener listener) {
        if (request.topVia() == null || !request.topVia().hasRfc3261Branch()) {
            throw new IllegalArgumentException("a client transaction needs a top Via with an RFC 3261 branch");
        }
        this.layer = layer;
        this.executor = executor;
        this.shard = shard;
        this.request = request;
        this.destination = destination;
        this.listener = listener == null ? IGNORE : listener;
        this.key = TransactionLayer.clientKey(request);
        this.method = request.method();
        this.timers = new TimerSlots(layer, executor, shard) {
            @Override
            void fire(Timer timer) {
                on(new TimerFired(timer));
            }
        };
        boolean reliable = destination.transport().reliable();
        Context ctx = new Context();
        if (request.method() == SipMethod.INVITE) {
            invite = new InviteClientTransaction(request, reliable, layer.timers(), ctx);
            nonInvite = null;
        } else {
            invite = null;
            nonInvite = new NonInviteClientTransaction(request, reliable, layer.timers(), ctx);
        }
    }

    /** The request, until its final response came (the transaction may linger after that, without it). */
    public SipRequest request() {
        return request;
    }

    public Destination destination() {
        return destination;
    }

    SipMethod method() {
        return method;
    }

    /**
     * RFC 3261 9.1: cancels a pending INVITE. Before any provisional response the CANCEL is held back until one
     * arrives; after a final response it is not sent at all. Any thread.
     */
    public void cancel() {
        TransactionLayer.runOn(executor, () -> {
            if (method != SipMethod.INVITE || finalSeen || cancelSent) {
                return;
            }
            if (provisionalSeen) {
                sendCancel();
            } else {
                cancelPending = true;
            }
        });
    }

    void start() {
        shard.client.put(key, this);
        layer.started();
        if (invite != null) {
            invite.start();
        } else {
            nonInvite.start();
        }
    }

    void onResponse(SipResponse response) {
        on(new ResponseReceived(response));
    }

    private void on(TransactionEvent event) {
        if (retired) {
            return; // only a late send failure can come now, which the Accepted or Completed state ignores
        }
        if (invite != null) {
            invite.on(event);
        } else {
            nonInvite.on(event);
        }
    }

    private void sendCancel() {
        cancelSent = true;
        cancelPending = false;
        SipRequest cancel = Requests.cancelFor(request);
        String callId = request.callId();
        layer.request(cancel, destination, new Listener() {
            @Override
            public void onResponse(SipResponse response) {
                if (response.isFinal() && response.status() != 200) {
                    log.debug("CANCEL for Call-ID {} answered {}", callId, response.status());
                }
            }

            @Override
            public void onFailure(TransactionFailure failure, String reason) {
                log.debug("CANCEL for Call-ID {} failed: {}", callId, reason);
            }
        });
    }

    /**
     * For an INVITE answered 2xx whose transaction now only waits out Timer M (RFC 6026 7.2): its further 2xx go
     * to {@code retransmissions} with {@code destination} and {@code mark}, and no longer to its listener, which
     * can then be collected. A B2BUA's ended call keeps nothing else of its own for the rest of the 64*T1. Called
     * from the 2xx's own delivery (a caller that hangs up at once), it takes effect as Timer M is armed; without
     * effect before the 2xx or once Timer M has fired. On the call's executor.
     */
    public void relisten(Retransmissions retransmissions, Destination destination, int mark) {
        if (retired) {
            shard.relisten(key, retransmissions, destination, mark);
        } else if (finalSeen && method == SipMethod.INVITE) {
            this.retransmissions = retransmissions;
            this.retransmissionsDestination = destination;
            this.retransmissionsMark = mark;
        }
    }

    private final class Context implements TransactionContext, Consumer<Throwable> {
        @Override
        public void send(SipMessage message) {
            layer.send(message, destination, this);
        }

        /** A send failed (any thread): RFC 3261 8.1.3.1, a transport error, on the transaction's executor. */
        @Override
        public void accept(Throwable err) {
            TransactionLayer.transportError(executor, err, reason -> on(new TransportError(reason)));
        }

        @Override
        public void retransmit(SipMessage request) {
            layer.countRetransmission(method == SipMethod.INVITE);
            send(request);
        }

        @Override
        public void schedule(Timer timer, long delayMillis) {
            if (TimerSlots.retires(timer, delayMillis)) { // M or K
                // Only retransmitted responses can reach this transaction now: its key and, for an INVITE's
                // 2xx, its listener are all it needs until the timer (see Retired).
                timers.cancelAll();
                if (shard.client.remove(key, ClientTransaction.this)) {
                    if (timer == Timer.M && retransmissions != null) {
                        shard.retire(key, retransmissions, retransmissionsDestination, retransmissionsMark,
                                delayMillis);
                    } else {
                        shard.retire(key, timer == Timer.M ? listener : null, delayMillis);
                    }
                }
                retired = true;
                listener = IGNORE;
                retransmissions = null;
                retransmissionsDestination = null;
                invite = null;
                nonInvite = null;
                timers = null;
                return;
            }
            timers.schedule(timer, delayMillis);
        }

        @Override
        public void cancel(Timer timer) {
            if (timers != null) {
                timers.cancel(timer);
            }
        }

        @Override
        public void deliver(SipResponse response) {
            if (response.isProvisional()) {
                provisionalSeen = true;
                listener.onResponse(response);
                if (cancelPending && method == SipMethod.INVITE) {
                    sendCancel();
                }
                return;
            }
            finalSeen = true;
            request = null;
            Listener l = listener;
            if (method != SipMethod.INVITE || response.status() / 100 != 2) {
                // Only an INVITE's 2xx is followed by more (RFC 6026 7.2): any later response is absorbed.
                listener = IGNORE;
            }
            l.onResponse(response);
        }

        @Override
        public void failed(TransactionFailure failure, String reason) {
            Listener l = listener;
            listener = IGNORE;
            l.onFailure(failure, reason);
        }

        @Override
        public void terminated() {
            if (timers != null) {
                timers.cancelAll();
            }
            if (shard.client.remove(key) == ClientTransaction.this) {
                layer.ended();
            }
        }
    }
}
