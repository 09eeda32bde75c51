package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Entries of one shard that all wait the same time: with one delay per lane they fall due in the order they came,
 * so the lane is a ring of deadlines with a single timeout of the wheel, for its head, instead of a timeout per
 * entry. Subclasses keep what each entry needs in columns of their own, at the ring positions given here. Touched
 * only on its shard's executor, but for the columns of a larger ring, which another thread makes.
 */
abstract class FifoLane implements TimerTask, Runnable {
    /** The most entries a lane is made for ahead of need (it still grows when full). */
    static final int MAX_AHEAD = 1 << 22;
    // Below this a ring doubles on the loop when full: its columns are made and filled in microseconds.
    private static final int AHEAD_FROM = 1 << 12;
    // A lane filling for less than this has not seen enough to say what rate it takes.
    private static final long MIN_FILL_NANOS = 250_000_000L;

    final TransactionLayer layer;
    final TransactionLayer.Shard shard;
    private final long delayMillis;
    private final long delayNanos;
    private int capacity = 16;
    private ByteBuffer deadlines = Direct.column(capacity, Direct.LONG);
    private int head;
    private int size;
    private boolean armed;
    private boolean growing; // larger columns are being made off the loop

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

    /** The ring's length, a power of two: what the subclass's columns are sized to. */
    final int capacity() {
        return capacity;
    }

    /** Takes a place at the tail, due after the lane's delay; returns its ring position. */
    final int enqueue() {
        if (size == capacity) {
            growTo(capacity * 2);
        }
        // Also right after a doubling on the loop, which leaves the ring half full.
        if (size == capacity >> 1 && capacity >= AHEAD_FROM && !growing) {
            growAhead();
        }
        int pos = (head + size) & (capacity - 1);
        long deadline = System.nanoTime() + delayNanos;
        deadlines.putLong(pos << Direct.LONG, deadline);
        size++;
        if (!armed) {
            arm(deadline);
        }
        return pos;
    }

    /** Room for at least {@code entries} without growing again, made now (see TransactionLayer.expectRate). */
    final void reserve(int entries) {
        if (capacity < entries) {
            growTo(powerOfTwoAtLeast(entries));
        }
        reserved(capacity);
    }

    /**
     * Half full: the columns of a larger ring are made on another thread, and the entries move into them on the
     * loop when they are ready (if the ring filled first, it doubled on the loop as before). Making the columns of
     * a ring of a million entries (zeroing 56 MB) and moving them in stopped a loaded `uas` for 21 ms at 512k
     * entries and 42 ms at a million, the INVITEs' and the BYEs' lanes at the same moment, and at 33,000 calls/s
     * the datagrams that came meanwhile overflowed its socket; made ahead, the move at half full costs it 2-10 ms.
     * While the lane is still filling (its oldest entry not yet due), it is made for what will be there when the
     * oldest leaves, at the rate seen so far, with a quarter to spare: one move, early, while the ring is small,
     * instead of one at every doubling.
     */
    private void growAhead() {
        int target = Math.max(capacity * 2, whenFull());
        growing = true;
        try {
            GROWER.execute(() -> {
                ByteBuffer d = Direct.column(target, Direct.LONG);
                Object columns = columns(target);
                try {
                    shard.executor.execute(() -> {
                        growing = false;
                        if (target > capacity) {
                            adopt(target, d, columns);
                        } else {
                            Direct.free(d);
                            discard(columns);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    Direct.free(d); // the loop has shut down
                    discard(columns);
                }
            });
        } catch (RejectedExecutionException e) {
            growing = false;
        }
    }

    /**
     * What the lane will hold when its oldest entry leaves, at the rate it has filled at, with a quarter to spare; 0
     * when it is not filling (its oldest entry is due) or has not filled long enough to tell.
     */
    private int whenFull() {
        long filling = System.nanoTime() - (deadline(head) - delayNanos);
        if (size == 0 || filling < MIN_FILL_NANOS || filling >= delayNanos) {
            return 0;
        }
        double entries = (double) size * delayNanos / filling * 1.25;
        return powerOfTwoAtLeast((int) Math.min(MAX_AHEAD, entries));
    }

    static int powerOfTwoAtLeast(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** Grows the ring to {@code newCapacity} at once, on the loop. */
    private void growTo(int newCapacity) {
        adopt(newCapacity, Direct.column(newCapacity, Direct.LONG), columns(newCapacity));
    }

    private void adopt(int newCapacity, ByteBuffer newDeadlines, Object columns) {
        Direct.moveRing(deadlines, newDeadlines, Direct.LONG, capacity, head, size);
        Direct.free(deadlines);
        deadlines = newDeadlines;
        int old = capacity;
        capacity = newCapacity;
        moved(columns, old, head, size);
        head = 0;
    }

    /** The ring was sized ahead for {@code capacity} entries: room for whatever else they need. */
    void reserved(int capacity) {
    }

    final long deadline(int pos) {
        return deadlines.getLong(pos << Direct.LONG);
    }

    /**
     * The entry at {@code pos} is due and has left the ring. The subclass reads and clears its slot before it
     * calls out: what it calls may enqueue in this lane, which may grow it.
     */
    abstract void expired(int pos);

    /** The subclass's columns for a ring of {@code capacity} entries; made on any thread, touching nothing else. */
    abstract Object columns(int capacity);

    /**
     * The ring moved to {@code columns} of {@link #capacity()} entries: the subclass moves the {@code size} entries
     * from {@code head} of its columns (of {@code oldCapacity}) to 0 up of these, which it keeps from now on.
     */
    abstract void moved(Object columns, int oldCapacity, int head, int size);

    /** Columns made by {@link #columns} that the ring did not need after all. */
    void discard(Object columns) {
    }

    /** Moves the {@code size} ring entries of {@code from} (of {@code length}) from {@code head} on to 0 up of {@code to}. */
    static void moveRing(Object[] from, Object[] to, int length, int head, int size) {
        int first = Math.min(size, length - head);
        System.arraycopy(from, head, to, 0, first);
        System.arraycopy(from, 0, to, first, size - first);
    }

    // One thread for every stack in the process: a lane asks it for columns a few times as its rate rises.
    private static final Executor GROWER = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "dialtone-lane-grower");
            t.setDaemon(true);
            return t;
        });

    static {
        ((ThreadPoolExecutor) GROWER).allowCoreThreadTimeOut(true);
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
        while (size > 0 && deadline(head) - now <= 0) {
            int pos = head;
            head = (head + 1) & (capacity - 1);
            size--;
            expired(pos);
        }
        if (size > 0 && !armed) {
            arm(deadline(head));
        }
    }
}
