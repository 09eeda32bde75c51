package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.RequestReceived;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseSent;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import io.netty.util.concurrent.EventExecutor;

import java.util.function.Consumer;

/**
 * A server transaction as the transaction user sees it: the request, where it came from, and a way to answer.
 * Any thread may call {@link #respond}; the work happens on the call's executor.
 *
 * <p>The layer keeps only the state machine ({@link Machine}) until it terminates, up to 64*T1 after the final
 * response on UDP. The request, and this handle, stay alive only as long as the transaction user holds them, so
 * a finished call's messages are not kept for those 32 seconds.
 */
public final class ServerTransaction {

    /** Hears how a server transaction ended; optional. */
    public interface Listener {
        /** Timer H expired (no ACK for a final non-2xx response) or the transport failed. */
        default void onFailure(TransactionFailure failure, String reason) {
        }
    }

    private final Machine machine;
    private final Inbound inbound;

    ServerTransaction(TransactionLayer layer, EventExecutor executor, TransactionLayer.Shard shard, String key,
                      Inbound inbound) {
        this.inbound = inbound;
        this.machine = new Machine(layer, executor, shard, key, inbound, this);
    }

    public SipRequest request() {
        return (SipRequest) inbound.message();
    }

    /** The request as it arrived: transport, source address and connection. */
    public Inbound inbound() {
        return inbound;
    }

    public boolean isInvite() {
        return machine.invite != null;
    }

    /** Whether a final response has been sent (so a late CANCEL no longer applies). */
    public boolean finalResponseSent() {
        return machine.finalSent;
    }

    public EventExecutor executor() {
        return machine.executor;
    }

    public void setListener(Listener listener) {
        machine.listener = listener;
    }

    /** Sends a response through this transaction. Any thread. */
    public void respond(SipResponse response) {
        TransactionLayer.runOn(machine.executor, () -> machine.respond(response));
    }

    Machine machine() {
        return machine;
    }

    /**
     * What the layer keeps of a server transaction: the state machine, its timers and where responses go. It
     * holds the request only until the machine no longer needs it, and the handle and the listener only while
     * the transaction user can still be told something (a CANCEL before the final response, Timer H after a
     * non-2xx one).
     */
    static final class Machine implements TransactionContext, Consumer<Throwable> {
        private final TransactionLayer layer;
        private final EventExecutor executor;
        private final TransactionLayer.Shard shard;
        private final String key;
        private final Destination responseDestination;
        private final InviteServerTransaction invite;
        private final NonInviteServerTransaction nonInvite;
        private final TimerSlots timers;
        private ServerTransaction handle;
        private volatile Listener listener;
        private volatile boolean finalSent;

        Machine(TransactionLayer layer, EventExecutor executor, TransactionLayer.Shard shard, String key,
                Inbound inbound, ServerTransaction handle) {
            this.layer = layer;
            this.executor = executor;
            this.shard = shard;
            this.key = key;
            this.handle = handle;
            this.responseDestination = inbound.responseDestination();
            SipRequest request = (SipRequest) inbound.message();
            boolean reliable = inbound.transport().reliable();
            this.timers = new TimerSlots(layer, executor, shard) {
                @Override
                void fire(Timer timer) {
                    on(new TimerFired(timer));
                }
            };
            if (request.method() == SipMethod.INVITE) {
                invite = new InviteServerTransaction(request, reliable, layer.timers(), this);
                nonInvite = null;
            } else {
                invite = null;
                nonInvite = new NonInviteServerTransaction(reliable, layer.timers(), this);
            }
        }

        /** The transaction user's handle, until the final response went out; null after. */
        ServerTransaction handle() {
            return handle;
        }

        boolean isInvite() {
            return invite != null;
        }

        void start() {
            if (invite != null) {
                invite.start();
            }
        }

        void onRequest(SipRequest request) {
            on(new RequestReceived(request));
        }

        private void respond(SipResponse response) {
            boolean isFinal = response.isFinal();
            if (isFinal) {
                finalSent = true;
                handle = null;
                if (invite == null || response.status() < 300) {
                    // Only Timer H, after a non-2xx to an INVITE, still has something to tell the TU.
                    listener = null;
                }
            }
            on(new ResponseSent(response));
        }

        private void on(TransactionEvent event) {
            if (invite != null) {
                invite.on(event);
            } else {
                nonInvite.on(event);
            }
        }

        @Override
        public void send(SipMessage message) {
            layer.send(message, responseDestination, this);
        }

        /** A send failed (any thread): a transport error, on the transaction's executor. */
        @Override
        public void accept(Throwable err) {
            TransactionLayer.transportError(executor, err, reason -> on(new TransportError(reason)));
        }

        @Override
        public void schedule(Timer timer, long delayMillis) {
            if (TimerSlots.retires(timer, delayMillis)) { // I, J or L
                // Only retransmissions can reach this transaction through the layer now: its key and, for a
                // non-INVITE, its final response's bytes are all the layer keeps until the timer (see Retired).
                // The transaction user's handle still works for an INVITE's 2xx retransmissions (Timer L).
                timers.cancelAll();
                listener = null;
                if (shard.server.remove(key, this)) {
                    SipResponse last = nonInvite == null ? null : nonInvite.lastResponse();
                    shard.retire(key, last == null ? null : last.toBytes(), delayMillis);
                }
                return;
            }
            timers.schedule(timer, delayMillis);
        }

        @Override
        public void cancel(Timer timer) {
            timers.cancel(timer);
        }

        @Override
        public void deliver(SipResponse response) {
            throw new IllegalStateException("a server transaction has no responses to deliver");
        }

        @Override
        public void failed(TransactionFailure failure, String reason) {
            Listener l = listener;
            listener = null;
            if (l != null) {
                l.onFailure(failure, reason);
            }
        }

        @Override
        public void terminated() {
            timers.cancelAll();
            handle = null;
            listener = null;
            if (shard.server.remove(key) != null) {
                layer.ended();
            }
        }
    }
}
