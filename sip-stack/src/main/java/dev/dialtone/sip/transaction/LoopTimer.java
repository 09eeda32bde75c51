package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The stack's timers, run by the event loops themselves instead of by a timer thread.
 *
 * <p>A timeout armed on an event loop fires on that same loop (the transaction and dialog layers arm their timers
 * on the call's executor), so firing costs neither a second thread's wake-ups nor a hand-over back to the loop.
 * Deadlines are rounded up to a {@value #GRANULARITY_MS} ms grid, and the timeouts that fall due on the same tick
 * share one bucket and one scheduled task of the loop: a loaded server holds tens of thousands of transaction
 * timers (RFC 6026 keeps each INVITE transaction for 64*T1 after its 2xx), and one queued task per timer would
 * cost a heap entry and a sift through the loop's queue each. RFC 3261's timers are all tens of milliseconds or
 * more. A timeout armed from outside the group fires on one of its loops.
 *
 * <p>After {@link #stop()} new timeouts are inert and due ones are dropped, so a call torn down during shutdown
 * cannot trip over a closed loop.
 */
public final class LoopTimer implements Timer {
    static final long GRANULARITY_MS = 10;
    /**
     * How long due timeouts wait at most for input to be read (see {@link #holdWhile}): T1 at its default. With
     * 100 ms, a backlog of more than that (a peer that stalled and then answered a few thousand INVITEs at once)
     * had Timer A resend INVITEs whose 180 and 200 were waiting to be read; SIPp's UAS aborts a call on such an
     * INVITE, and `load` at 20,000 calls/s then lost its calls by the thousand. Only a read pass that ended on its
     * budget holds timers, so on a loop that keeps up nothing waits.
     */
    static final long MAX_HOLD_MS = 500;

    private final EventExecutorGroup group;
    private final long granularity;
    private final Map<EventExecutor, Wheel> wheels = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean stopped;
    private volatile BooleanSupplier inputPending;

    /** Timers on a {@value #GRANULARITY_MS} ms grid, the stack's. */
    public LoopTimer(EventExecutorGroup group) {
        this(group, GRANULARITY_MS, TimeUnit.MILLISECONDS);
    }

    /** Timers on a grid of {@code granularity}: deadlines are rounded up to a multiple of it. */
    public LoopTimer(EventExecutorGroup group, long granularity, TimeUnit unit) {
        if (granularity <= 0) {
            throw new IllegalArgumentException("granularity must be positive");
        }
        this.group = group;
        this.granularity = unit.toNanos(granularity);
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        EventExecutor here = ThreadExecutorMap.currentExecutor();
        EventExecutor loop = here != null && here.parent() == group ? here : group.next();
        return newTimeoutAt(loop, task, System.nanoTime() + Math.max(0, unit.toNanos(delay)));
    }

    /**
     * Runs {@code task} on {@code loop} (one of the group's) at {@code deadline} ({@link System#nanoTime()} time)
     * rounded up to the grid: a deadline already on it is kept, so timeouts given the same grid point fire together.
     */
    public Timeout newTimeoutAt(EventExecutor loop, TimerTask task, long deadline) {
        if (stopped) {
            return new Entry(task, 0, Entry.CANCELLED);
        }
        Entry entry = new Entry(task, Math.floorDiv(deadline + granularity - 1, granularity), Entry.WAITING);
        pending.incrementAndGet();
        Wheel wheel = wheels.computeIfAbsent(loop, Wheel::new);
        if (loop.inEventLoop()) {
            wheel.add(entry);
        } else {
            wheel.post(entry);
        }
        return entry;
    }

    /**
     * Lets the timeouts due on a loop wait while {@code inputPending}, asked on that loop, says that input which has
     * already arrived there is unread, for at most {@value #MAX_HOLD_MS} ms. A loop that was paused (a collection,
     * a busy host) finds both a backlog of datagrams and timers past their deadlines; a response in that backlog
     * came before the deadline and is then handled first, as it would have been without the pause, instead of
     * Timer A retransmitting an INVITE that was answered (RFC 3261 17.1.1.2), which some peers take for a new
     * request, or Timer B or F ending a transaction whose answer is waiting to be read.
     */
    public void holdWhile(BooleanSupplier inputPending) {
        this.inputPending = inputPending;
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

    /**
     * The buckets of one loop, touched only on that loop: a ring indexed by tick, each slot a short chain of the
     * buckets whose ticks share it (ticks more than a ring's length apart).
     */
    private final class Wheel {
        private static final int SLOTS = 4096; // 41 s at 10 ms: every RFC 3261 timer at default T1 fits once round

        private final EventExecutor loop;
        private final Bucket[] ring = new Bucket[SLOTS];
        /*
         * Timeouts armed from other threads, newest first, linked through their own next field; the loop takes
         * them all in one task. One task per entry instead (load's generator thread arms one per call) queued
         * thousands at once whenever the loop was busy reading a backlog, and the growth of Netty's task queue
         * past its first chunk, never seen while C2 profiled it, sent the loop's compiled code back to the
         * interpreter at the worst moment (-XX:+LogCompilation, bench/RESULTS.md).
         */
        private final AtomicReference<Entry> inbox = new AtomicReference<>();
        private final Runnable drain = this::drain;

        Wheel(EventExecutor loop) {
            this.loop = loop;
        }

        /** From another thread: queues {@code e} for the loop, waking it only if nothing was queued already. */
        void post(Entry e) {
            Entry top;
            do {
                top = inbox.get();
                e.next = top;
            } while (!inbox.compareAndSet(top, e));
            if (top != null) {
                return;
            }
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException x) {
                // The loop is shutting down: nothing will run anyway.
                for (Entry q = inbox.getAndSet(null); q != null; q = q.next) {
                    q.cancel();
                }
            }
        }

        private void drain() {
            Entry e = inbox.getAndSet(null);
            Entry oldestFirst = null;
            while (e != null) {
                Entry next = e.next;
                e.next = oldestFirst;
                oldestFirst = e;
                e = next;
            }
            while (oldestFirst != null) {
                Entry next = oldestFirst.next;
                oldestFirst.next = null;
                add(oldestFirst);
                oldestFirst = next;
            }
        }

        void add(Entry e) {
            if (e.state != Entry.WAITING) {
                return;
            }
            int slot = (int) (e.tick & (SLOTS - 1));
            Bucket b = ring[slot];
            while (b != null && b.tick != e.tick) {
                b = b.nextInSlot;
            }
            if (b == null) {
                b = new Bucket(this, e.tick);
                b.nextInSlot = ring[slot];
                ring[slot] = b;
                try {
                    b.future = loop.schedule(b, e.tick * granularity - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException x) {
                    unlink(b);
                    e.cancel();
                    return;
                }
            }
            b.append(e);
        }

        void unlink(Bucket b) {
            int slot = (int) (b.tick & (SLOTS - 1));
            Bucket prev = null;
            for (Bucket x = ring[slot]; x != null; prev = x, x = x.nextInSlot) {
                if (x == b) {
                    if (prev == null) {
                        ring[slot] = x.nextInSlot;
                    } else {
                        prev.nextInSlot = x.nextInSlot;
                    }
                    return;
                }
            }
        }
    }

    /** The timeouts of one tick, in the order they were armed. */
    private final class Bucket implements Runnable {
        final Wheel wheel;
        final long tick;
        Bucket nextInSlot;
        Entry head;
        Entry tail;
        ScheduledFuture<?> future;
        boolean firing;
        long heldSince; // System.nanoTime() when it first waited for input; 0 if it has not

        Bucket(Wheel wheel, long tick) {
            this.wheel = wheel;
            this.tick = tick;
        }

        void append(Entry e) {
            e.bucket = this;
            e.prev = tail;
            if (tail == null) {
                head = e;
            } else {
                tail.next = e;
            }
            tail = e;
        }

        void remove(Entry e) {
            if (e.prev == null) {
                head = e.next;
            } else {
                e.prev.next = e.next;
            }
            if (e.next == null) {
                tail = e.prev;
            } else {
                e.next.prev = e.prev;
            }
            e.prev = e.next = null;
            e.bucket = null;
            // An emptied bucket stays armed and linked, to wake once for nothing. Most timeouts are cancelled
            // within a millisecond of being armed (Timer A by the 180, the 2xx retransmission by the ACK), so a
            // tick's bucket would otherwise empty and be re-created with every call: a removal from the loop's
            // scheduled-task heap and an insertion into it each time (2.5 % of the uas's CPU at 6,000 calls/s).
        }

        @Override
        public void run() {
            if (head != null && hold()) {
                return;
            }
            // Out of the ring first: a timeout armed by one of these tasks for this same tick gets a new bucket.
            // One cancelled by them stays linked and is skipped (its state says so).
            wheel.unlink(this);
            firing = true;
            Entry e = head;
            head = tail = null;
            while (e != null) {
                Entry next = e.next;
                e.prev = e.next = null;
                e.bucket = null;
                e.expire();
                e = next;
            }
        }

        /** Whether it waits for input instead of firing now: then it runs again after the loop's next I/O. */
        private boolean hold() {
            BooleanSupplier pending = inputPending;
            if (pending == null || stopped || !pending.getAsBoolean()) {
                return false;
            }
            long now = System.nanoTime();
            if (heldSince == 0) {
                heldSince = now | 1;
            } else if (now - heldSince >= TimeUnit.MILLISECONDS.toNanos(MAX_HOLD_MS)) {
                return false;
            }
            try {
                // Scheduled, not executed: it runs after the loop has read again. A millisecond rather than at once:
                // a socket whose last pass took exactly the budget may be empty and then reports nothing, and the
                // loop would spin until the bound instead of sleeping in its poll.
                future = wheel.loop.schedule(this, 1, TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }
    }

    private final class Entry implements Timeout {
        static final int WAITING = 0;
        static final int CANCELLED = 1;
        static final int EXPIRED = 2;
        private static final AtomicIntegerFieldUpdater<Entry> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

        private final TimerTask task;
        final long tick;
        volatile int state;
        // Loop-confined: the bucket this waits in and its neighbours there.
        Bucket bucket;
        Entry prev;
        Entry next;

        Entry(TimerTask task, long tick, int state) {
            this.task = task;
            this.tick = tick;
            this.state = state;
        }

        void expire() {
            if (!STATE.compareAndSet(this, WAITING, EXPIRED)) {
                return;
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
            if (!STATE.compareAndSet(this, WAITING, CANCELLED)) {
                return false;
            }
            pending.decrementAndGet();
            Bucket b = bucket;
            // Off the loop the entry stays in its bucket, which skips it when the tick comes.
            if (b != null && b.wheel.loop.inEventLoop() && !b.firing) {
                b.remove(this);
            }
            return true;
        }
    }
}
