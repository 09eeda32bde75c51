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

/**
 * A server transaction as the transaction user sees it: the request, where it came from, and a way to answer.
 * Any thread may call {@link #respond}; the work happens on the call's executor.
 */
public final class ServerTransaction {

    /** Hears how a server transaction ended; optional. */
    public interface Listener {
        /** Timer H expired (no ACK for a final non-2xx response) or the transport failed. */
        default void onFailure(TransactionFailure failure, String reason) {
        }
    }

    private final TransactionLayer layer;
    private final EventExecutor executor;
    private final TransactionLayer.Shard shard;
    private final String key;
    private final Inbound inbound;
    private final Destination responseDestination;
    private final InviteServerTransaction invite;
    private final NonInviteServerTransaction nonInvite;
    private final TimerSlots timers;
    private Listener listener;
    private boolean finalSent;

    ServerTransaction(TransactionLayer layer, EventExecutor executor, TransactionLayer.Shard shard, String key,
                      Inbound inbound) {
        this.layer = layer;
        this.executor = executor;
        this.shard = shard;
        this.key = key;
        this.inbound = inbound;
        this.responseDestination = inbound.responseDestination();
        SipRequest request = (SipRequest) inbound.message();
        boolean reliable = inbound.transport().reliable();
        Context ctx = new Context();
        this.timers = new TimerSlots(layer, executor, t -> on(new TimerFired(t)));
        if (request.method() == SipMethod.INVITE) {
            invite = new InviteServerTransaction(request, reliable, layer.timers(), ctx);
            nonInvite = null;
        } else {
            invite = null;
            nonInvite = new NonInviteServerTransaction(request, reliable, layer.timers(), ctx);
        }
    }

    public SipRequest request() {
        return (SipRequest) inbound.message();
    }

    /** The request as it arrived: transport, source address and connection. */
    public Inbound inbound() {
        return inbound;
    }

    public boolean isInvite() {
        return invite != null;
    }

    /** Whether a final response has been sent (so a late CANCEL no longer applies). */
    public boolean finalResponseSent() {
        return finalSent;
    }

    public EventExecutor executor() {
        return executor;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Sends a response through this transaction. Any thread. */
    public void respond(SipResponse response) {
        TransactionLayer.runOn(executor, () -> {
            if (response.isFinal()) {
                finalSent = true;
            }
            on(new ResponseSent(response));
        });
    }

    void start() {
        if (invite != null) {
            invite.start();
        }
    }

    void onRequest(SipRequest request) {
        on(new RequestReceived(request));
    }

    private void on(TransactionEvent event) {
        if (invite != null) {
            invite.on(event);
        } else {
            nonInvite.on(event);
        }
    }

    private final class Context implements TransactionContext {
        @Override
        public void send(SipMessage message) {
            layer.send(message, responseDestination, executor, reason -> on(new TransportError(reason)));
        }

        @Override
        public void schedule(Timer timer, long delayMillis) {
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
            if (l != null) {
                l.onFailure(failure, reason);
            }
        }

        @Override
        public void terminated() {
            timers.cancelAll();
            if (shard.server.remove(key) != null) {
                layer.ended();
            }
        }
    }
}
