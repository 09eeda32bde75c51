package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;

/**
 * The armed timers of one transaction: at most one of each kind, all cancelled when it ends. Subclassed by each
 * transaction (one object for the slots and the callback).
 *
 * <p>A transaction's closing timer (D, I, J, K, L or M: it only waits out retransmissions before the transaction
 * goes) does not take a timeout of the wheel but a place in its shard's {@link LingerLane}. Most transactions never
 * get here: those with a non-zero I, J, K, L or M leave their objects behind for a {@link Retired} lane, which
 * keeps only their key. What remains is Timer D (the ACK of a non-2xx is resent from the transaction) and the zero
 * delays of reliable transports.
 */
abstract class TimerSlots {
    private static final Timer[] TIMERS = Timer.values();

    private final TransactionLayer layer;
    private final EventExecutor executor;
    private final TransactionLayer.Shard shard;
    private Timeout[] armed; // wheel timers, allocated on first use and let go of when the transaction lingers
    private Timer lingering; // the closing timer, when one waits in a lane
    private long lingerDeadline;

    TimerSlots(TransactionLayer layer, EventExecutor executor, TransactionLayer.Shard shard) {
        this.layer = layer;
        this.executor = executor;
        this.shard = shard;
    }

    /** The timer went off uncancelled; on the transaction's executor. */
    abstract void fire(Timer timer);

    final void schedule(Timer timer, long delayMillis) {
        cancel(timer);
        if (closes(timer)) {
            lingering = timer;
            lingerDeadline = shard.linger(this, timer, delayMillis);
            if (armed != null && idle(armed)) {
                armed = null;
            }
            return;
        }
        if (armed == null) {
            armed = new Timeout[TIMERS.length];
        }
        armed[timer.ordinal()] = layer.arm(delayMillis, new Fire(timer));
    }

    final void cancel(Timer timer) {
        if (timer == lingering) {
            lingering = null;
            layer.fired(); // a cancelled lingering timer leaves the count as a fired one does
            return;
        }
        Timeout t = armed == null ? null : armed[timer.ordinal()];
        if (t != null) {
            armed[timer.ordinal()] = null;
            layer.disarm(t);
        }
    }

    final void cancelAll() {
        for (Timer timer : TIMERS) {
            cancel(timer);
        }
        armed = null;
    }

    /** Called by the lane when {@code deadline} has come; a timer cancelled or armed again since stays silent. */
    final void lingerExpired(Timer timer, long deadline) {
        if (lingering == timer && lingerDeadline == deadline) {
            lingering = null;
            layer.fired();
            fire(timer);
        }
    }

    /** The timers after which a transaction only ends: RFC 3261 17 D, I, J, K and RFC 6026 L, M. */
    static boolean closes(Timer timer) {
        return switch (timer) {
            case D, I, J, K, L, M -> true;
            default -> false;
        };
    }

    /**
     * The closing timers whose transaction retires to a {@link Retired} lane while it waits: all but D, whose
     * transaction still sends the ACK of a non-2xx again itself. A zero delay (reliable transports) just ends it.
     */
    static boolean retires(Timer timer, long delayMillis) {
        return closes(timer) && timer != Timer.D && delayMillis > 0;
    }

    private static boolean idle(Timeout[] slots) {
        for (Timeout t : slots) {
            if (t != null) {
                return false;
            }
        }
        return true;
    }

    /** One arming of one timer; it runs on the transaction's executor (at once with a LoopTimer armed there). */
    private final class Fire implements TimerTask, Runnable {
        private final Timer timer;

        Fire(Timer timer) {
            this.timer = timer;
        }

        @Override
        public void run(Timeout timeout) {
            TransactionLayer.runOn(executor, this);
        }

        @Override
        public void run() {
            layer.fired();
            // A timer cancelled after it fired but before this ran must stay silent.
            Timeout[] slots = armed;
            Timeout armedNow = slots == null ? null : slots[timer.ordinal()];
            if (armedNow != null && armedNow.task() == this) {
                slots[timer.ordinal()] = null;
                fire(timer);
            }
        }
    }
}
