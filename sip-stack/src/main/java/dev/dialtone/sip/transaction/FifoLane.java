package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Entries of one shard that all wait the same time: with one delay per lane they fall due in the order they came,
 * so the lane is a ring of deadlines with a single timeout of the wheel, for its head, instead of a timeout per
 * entry. Subclasses keep what each entry needs in arrays of their own, at the ring positions given here. Touched
 * only on its shard's executor.
 */
abstract class FifoLane implements TimerTask, Runnable {
    final TransactionLayer layer;
    final TransactionLayer.Shard shard;
    private final long delayMillis;
    private final long delayNanos;
    private long[] deadlines = new long[16];
    private int head;
    private int size;
    private boolean armed;

    FifoLane(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis) {
        this.layer = layer;
        this.shard = shard;
        this.delayMillis = delayMillis;
        this.delayNanos = delayMillis * 1_000_000L;
    }

    final long delayMillis() {
        return delayMillis;
    }

    final int size() {
        return size;
    }

    /** The ring's length, a power of two: what the subclass's arrays are sized to. */
    final int capacity() {
        return deadlines.length;
    }

    /** Takes a place at the tail, due after the lane's delay; returns its ring position. */
    final int enqueue() {
        if (size == deadlines.length) {
            grow();
        }
        int pos = (head + size) & (deadlines.length - 1);
        long deadline = System.nanoTime() + delayNanos;
        deadlines[pos] = deadline;
        size++;
        if (!armed) {
            arm(deadline);
        }
        return pos;
    }

    /** Room for at least {@code entries} without growing again, made now (see TransactionLayer.expectRate). */
    final void reserve(int entries) {
        while (deadlines.length < entries) {
            grow();
        }
        reserved(deadlines.length);
    }

    private void grow() {
        deadlines = unrolled(deadlines, head, size);
        grown(head, size);
        head = 0;
    }

    /** The ring was sized ahead for {@code capacity} entries: room for whatever else they need. */
    void reserved(int capacity) {
    }

    final long deadline(int pos) {
        return deadlines[pos];
    }

    /**
     * The entry at {@code pos} is due and has left the ring. The subclass reads and clears its slot before it
     * calls out: what it calls may enqueue in this lane, which may grow it.
     */
    abstract void expired(int pos);

    /** The ring doubled (it may not have been full): the {@code size} entries from {@code head} on are now at 0 up. */
    abstract void grown(int head, int size);

    // A ring grows while the loop waits, and on a loaded stack it holds hundreds of thousands of entries by then:
    // each array moves in at most two block copies.

    /** {@code a} with the {@code size} entries from {@code head} moved to the start of an array twice as long. */
    static <T> T[] unrolled(T[] a, int head, int size) {
        T[] out = Arrays.copyOf(Arrays.copyOf(a, 0), a.length * 2);
        int first = Math.min(size, a.length - head);
        System.arraycopy(a, head, out, 0, first);
        System.arraycopy(a, 0, out, first, size - first);
        return out;
    }

    /** {@link #unrolled(Object[], int, int)} for a ring of longs. */
    static long[] unrolled(long[] a, int head, int size) {
        long[] out = new long[a.length * 2];
        int first = Math.min(size, a.length - head);
        System.arraycopy(a, head, out, 0, first);
        System.arraycopy(a, 0, out, first, size - first);
        return out;
    }

    /** {@link #unrolled(Object[], int, int)} for a ring of ints. */
    static int[] unrolled(int[] a, int head, int size) {
        int[] out = new int[a.length * 2];
        int first = Math.min(size, a.length - head);
        System.arraycopy(a, head, out, 0, first);
        System.arraycopy(a, 0, out, first, size - first);
        return out;
    }

    private void arm(long deadline) {
        armed = true;
        layer.wheel().newTimeout(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public final void run(Timeout timeout) {
        TransactionLayer.runOn(shard.executor, this);
    }

    /** Lets every entry now due go, oldest first, then waits for the next. */
    @Override
    public final void run() {
        armed = false;
        long now = System.nanoTime();
        while (size > 0 && deadlines[head] - now <= 0) {
            int pos = head;
            head = (head + 1) & (deadlines.length - 1);
            size--;
            expired(pos);
        }
        if (size > 0 && !armed) {
            arm(deadlines[head]);
        }
    }
}
