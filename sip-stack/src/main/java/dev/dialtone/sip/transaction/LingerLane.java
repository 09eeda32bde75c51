package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.util.concurrent.TimeUnit;

/**
 * The closing timers of one shard that share one duration, in the order they were armed: with one duration per
 * lane, that is also the order they fall due, so the lane is a queue and needs a single timeout of the wheel, for
 * its head. Each waiting timer costs a slot in three arrays instead of a timeout object, its task and its place in
 * the wheel, which matters when tens of thousands of ended transactions wait out 64*T1 (RFC 6026 7.1, 7.2).
 * Touched only on its shard's executor.
 */
final class LingerLane implements TimerTask, Runnable {
    private final TransactionLayer layer;
    private final TransactionLayer.Shard shard;
    private final long delayMillis;
    private final long delayNanos;
    private long[] deadlines = new long[16];
    private TimerSlots[] owners = new TimerSlots[16];
    private Timer[] timers = new Timer[16];
    private int head;
    private int size;
    private boolean armed;

    LingerLane(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis) {
        this.layer = layer;
        this.shard = shard;
        this.delayMillis = delayMillis;
        this.delayNanos = delayMillis * 1_000_000L;
    }

    long delayMillis() {
        return delayMillis;
    }

    /** Queues {@code timer} of {@code owner}; returns its deadline, which identifies this arming. */
    long add(TimerSlots owner, Timer timer) {
        long deadline = System.nanoTime() + delayNanos;
        if (size == deadlines.length) {
            grow();
        }
        int tail = (head + size) & (deadlines.length - 1);
        deadlines[tail] = deadline;
        owners[tail] = owner;
        timers[tail] = timer;
        size++;
        if (!armed) {
            arm(deadline);
        }
        return deadline;
    }

    int size() {
        return size;
    }

    private void arm(long deadline) {
        armed = true;
        layer.wheel().newTimeout(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run(Timeout timeout) {
        TransactionLayer.runOn(shard.executor, this);
    }

    /** Fires every timer now due, oldest first, then waits for the next. */
    @Override
    public void run() {
        armed = false;
        long now = System.nanoTime();
        int mask = deadlines.length - 1;
        while (size > 0 && deadlines[head] - now <= 0) {
            TimerSlots owner = owners[head];
            Timer timer = timers[head];
            long deadline = deadlines[head];
            owners[head] = null;
            timers[head] = null;
            head = (head + 1) & mask;
            size--;
            owner.lingerExpired(timer, deadline);
            mask = deadlines.length - 1; // a timer that fired may have queued another
        }
        if (size > 0 && !armed) {
            arm(deadlines[head]);
        }
    }

    private void grow() {
        int n = deadlines.length;
        long[] d = new long[n * 2];
        TimerSlots[] o = new TimerSlots[n * 2];
        Timer[] t = new Timer[n * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (n - 1);
            d[i] = deadlines[from];
            o[i] = owners[from];
            t[i] = timers[from];
        }
        deadlines = d;
        owners = o;
        timers = t;
        head = 0;
    }
}
