package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;

import java.util.function.Consumer;

/** The armed timers of one transaction: at most one of each kind, all cancelled when it ends. */
final class TimerSlots {
    private static final Timer[] TIMERS = Timer.values();

    private final TransactionLayer layer;
    private final EventExecutor executor;
    private final Consumer<Timer> onFire;
    private final Timeout[] armed = new Timeout[TIMERS.length];

    TimerSlots(TransactionLayer layer, EventExecutor executor, Consumer<Timer> onFire) {
        this.layer = layer;
        this.executor = executor;
        this.onFire = onFire;
    }

    void schedule(Timer timer, long delayMillis) {
        cancel(timer);
        armed[timer.ordinal()] = layer.arm(delayMillis, new Fire(timer));
    }

    void cancel(Timer timer) {
        Timeout t = armed[timer.ordinal()];
        if (t != null) {
            armed[timer.ordinal()] = null;
            layer.disarm(t);
        }
    }

    void cancelAll() {
        for (Timer timer : TIMERS) {
            cancel(timer);
        }
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
            Timeout armedNow = armed[timer.ordinal()];
            if (armedNow != null && armedNow.task() == this) {
                armed[timer.ordinal()] = null;
                onFire.accept(timer);
            }
        }
    }
}
