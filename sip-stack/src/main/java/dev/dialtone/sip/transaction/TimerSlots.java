package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.concurrent.EventExecutor;

import java.util.EnumMap;
import java.util.function.Consumer;

/** The armed timers of one transaction: at most one of each kind, all cancelled when it ends. */
final class TimerSlots {
    private final TransactionLayer layer;
    private final EventExecutor executor;
    private final Consumer<Timer> onFire;
    private final EnumMap<Timer, Timeout> armed = new EnumMap<>(Timer.class);

    TimerSlots(TransactionLayer layer, EventExecutor executor, Consumer<Timer> onFire) {
        this.layer = layer;
        this.executor = executor;
        this.onFire = onFire;
    }

    void schedule(Timer timer, long delayMillis) {
        cancel(timer);
        Timeout[] self = new Timeout[1];
        self[0] = layer.arm(executor, delayMillis, () -> {
            // A timer cancelled after it fired but before this task ran must stay silent.
            if (armed.get(timer) == self[0]) {
                armed.remove(timer);
                onFire.accept(timer);
            }
        });
        armed.put(timer, self[0]);
    }

    void cancel(Timer timer) {
        Timeout t = armed.remove(timer);
        if (t != null) {
            layer.disarm(t);
        }
    }

    void cancelAll() {
        for (Timeout t : armed.values()) {
            layer.disarm(t);
        }
        armed.clear();
    }
}
