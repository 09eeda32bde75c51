package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stack's timers, run by the event loops themselves instead of by a timer thread.
 *
 * <p>A timeout armed on an event loop fires on that same loop (the transaction and dialog layers arm their timers
 * on the call's executor), so firing costs neither a second thread's wake-ups nor a hand-over back to the loop.
 * Deadlines are rounded up to a {@value #GRANULARITY_MS} ms grid, so the timers of many calls that fall due
 * together wake the loop once; RFC 3261's timers are all tens of milliseconds or more, and a 10 ms tick is what the
 * wheel this replaces had. A timeout armed from outside the group fires on one of its loops.
 *
 * <p>After {@link #stop()} new timeouts are inert and due ones are dropped, so a call torn down during shutdown
 * cannot trip over a closed loop.
 */
public final class LoopTimer implements Timer {
    static final long GRANULARITY_MS = 10;
    private static final long GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(GRANULARITY_MS);

    private final EventExecutorGroup group;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean stopped;

    public LoopTimer(EventExecutorGroup group) {
        this.group = group;
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) {
            return new Entry(task, Entry.CANCELLED);
        }
        EventExecutor here = ThreadExecutorMap.currentExecutor();
        EventExecutor loop = here != null && here.parent() == group ? here : group.next();
        long now = System.nanoTime();
        long due = now + Math.max(0, unit.toNanos(delay));
        long aligned = Math.floorDiv(due + GRANULARITY_NANOS - 1, GRANULARITY_NANOS) * GRANULARITY_NANOS;
        Entry entry = new Entry(task, Entry.WAITING);
        pending.incrementAndGet();
        try {
            entry.future = loop.schedule(entry, aligned - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            entry.cancel(); // the loop is shutting down: nothing will run anyway
        }
        return entry;
    }

    /** Timeouts armed and neither fired nor cancelled yet. */
    public int pendingTimeouts() {
        return pending.get();
    }

    @Override
    public Set<Timeout> stop() {
        stopped = true;
        return Collections.emptySet();
    }

    private final class Entry implements Timeout, Runnable {
        static final int WAITING = 0;
        static final int CANCELLED = 1;
        static final int EXPIRED = 2;

        private final TimerTask task;
        private volatile ScheduledFuture<?> future;
        private volatile int state;

        Entry(TimerTask task, int state) {
            this.task = task;
            this.state = state;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (state != WAITING) {
                    return;
                }
                state = EXPIRED;
            }
            pending.decrementAndGet();
            if (stopped) {
                return;
            }
            try {
                task.run(this);
            } catch (Throwable t) {
                // Same contract as Netty's wheel: a failing task must not take the others with it.
                org.slf4j.LoggerFactory.getLogger(LoopTimer.class).warn("timer task failed", t);
            }
        }

        @Override
        public Timer timer() {
            return LoopTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return state == EXPIRED;
        }

        @Override
        public boolean isCancelled() {
            return state == CANCELLED;
        }

        @Override
        public boolean cancel() {
            synchronized (this) {
                if (state != WAITING) {
                    return false;
                }
                state = CANCELLED;
            }
            pending.decrementAndGet();
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false); // if it is not set yet, the task finds itself cancelled when it runs
            }
            return true;
        }
    }
}
