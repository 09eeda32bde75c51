package dev.dialtone.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger log = LoggerFactory.getLogger(FifoLane.class);
    /** The most entries a lane is made for ahead of need (it still grows when full). */
    static final int MAX_AHEAD = 1 << 22;
    // Below this a ring doubles on the loop when full: its columns are made and filled in microseconds.
    private static final int AHEAD_FROM = 1 << 12;
    // Fewer entries than this, or a shorter time, since the last measure say too little of the rate.
    private static final int MIN_SAMPLE = 1 << 10;
    private static final long MIN_WINDOW_NANOS = 250_000_000L;

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
    private long askedAt; // when they were asked for, for the log
    // The size at which the lane next asks whether it will fit (see lookAhead); past the ring's length: never.
    private int lookAt = Integer.MAX_VALUE;
    private boolean sized; // reserved for a rate: grows ahead only when the rate it fills at will not fit
    // Entries ever taken, and that count and the time when the lane last measured its rate.
    private long taken;
    private long sampledTaken;
    private long sampledAt = System.nanoTime();

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
        if (size >= lookAt && !growing) {
            lookAhead();
        }
        int pos = (head + size) & (capacity - 1);
        long deadline = System.nanoTime() + delayNanos;
        deadlines.putLong(pos << Direct.LONG, deadline);
        size++;
        taken++;
        if (!armed) {
            arm(deadline);
        }
        return pos;
    }

    /** Room for at least {@code entries} without growing again, made now (see TransactionLayer.expectRate). */
    final void reserve(int entries) {
        sized = true;
        if (capacity < entries) {
            growTo(powerOfTwoAtLeast(entries));
        }
        reserved(capacity);
    }

    /**
     * The same for a lane made while the calls come (the first of its kind after expectRate: in a caller, the
     * lane of server transactions for the first BYE the callee sends): what is made for the rate is made on
     * another thread, and the lane takes its first entries in the small ring meanwhile. Made on the loop, a lane
     * for 33,000 calls/s of 64*T1 (columns and pages for a million entries) stopped `load` for 15-26 ms in the
     * first second of a run or at the first failures.
     */
    final void reserveAhead(int entries) {
        sized = true;
        int target = powerOfTwoAtLeast(entries);
        if (target < AHEAD_FROM) {
            reserve(entries);
        } else if (capacity < target && !growing) {
            growAhead(target, true);
        }
    }

    /**
     * Half full, a lane of 4,096 entries or more has the columns of a larger ring made on another thread, and the
     * entries move into them on the loop when they are ready (if the ring filled first, it doubled on the loop as
     * before): twice its length, or what holds one delay's entries at the rate it is filling at, with a quarter to
     * spare, if that is more. Making the columns of a ring of a million entries (zeroing 56 MB) and moving them in
     * stopped a loaded `uas` for 21 ms at 512k entries and 42 ms at a million, the INVITEs' and the BYEs' lanes at
     * the same moment, and at 33,000 calls/s the datagrams that came meanwhile overflowed its socket; made ahead,
     * the move at half full costs it 2-10 ms. Growing early, while the ring is small, is the point: a rising rate
     * that finds the ring near full has the most entries to move, at the highest rate.
     *
     * <p>A lane sized ahead for a rate (TransactionLayer.expectRate) grows only when the rate it fills at will not
     * fit, and otherwise asks again halfway to full: at the rate it was sized for it is more than half full when
     * what it holds is just over a power of two (33,000 calls/s for 64*T1 is 1.06 million entries, a ring of 2^21
     * half full at 2^20), and the rule before this one grew it again there, to columns of 180 MB made on the
     * caller's only core, half a minute into a run. Past MAX_AHEAD entries nothing is made ahead.
     */
    private void lookAhead() {
        int fits = forRate();
        if (!sized) {
            growAhead(Math.min(MAX_AHEAD, Math.max(capacity * 2, fits)), false);
        } else if (fits > capacity) {
            growAhead(fits, false);
        } else {
            int left = capacity - size;
            lookAt = left < capacity >> 4 ? Integer.MAX_VALUE : size + (left >> 1);
        }
    }

    // reserving: the columns come with what reserved() makes for the capacity (see reserveAhead)
    private void growAhead(int target, boolean reserving) {
        growing = true;
        askedAt = System.nanoTime();
        try {
            GROWER.execute(() -> {
                ByteBuffer d = Direct.column(target, Direct.LONG);
                Object columns = columns(target, reserving);
                try {
                    shard.executor.execute(() -> {
                        growing = false;
                        if (target > capacity) {
                            adopt(target, d, columns, System.nanoTime(), true);
                            if (reserving) {
                                reserved(capacity);
                            }
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
     * The ring length (a power of two) that holds one delay's entries at the rate the lane took them since it last
     * measured, with a quarter to spare; 0 when too few came, or too quickly, to tell. The rate since the last
     * measure, not since the oldest entry: a lane that was idle (a server before its load, a caller after its
     * warm-up) would otherwise average the idle time in, size for a fraction of the rate, and grow again at every
     * doubling (a fresh `uas` at 30,000 calls/s grew five times, from 131,072 entries to 4,194,304).
     */
    private int forRate() {
        long now = System.nanoTime();
        long entries = taken - sampledTaken;
        long window = now - sampledAt;
        // A burst says nothing of a rate: measure over a longer window, from the same start, next time.
        if (entries < MIN_SAMPLE || window < MIN_WINDOW_NANOS) {
            return 0;
        }
        sampledTaken = taken;
        sampledAt = now;
        double inDelay = (double) entries * delayNanos / window * 1.25;
        return powerOfTwoAtLeast((int) Math.min(MAX_AHEAD, inDelay));
    }

    static int powerOfTwoAtLeast(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** Grows the ring to {@code newCapacity} at once, on the loop. */
    private void growTo(int newCapacity) {
        long start = System.nanoTime();
        adopt(newCapacity, Direct.column(newCapacity, Direct.LONG), columns(newCapacity, false), start, false);
    }

    // start: when the loop began on it (for the log)
    private void adopt(int newCapacity, ByteBuffer newDeadlines, Object columns, long start, boolean madeAhead) {
        Direct.moveRing(deadlines, newDeadlines, Direct.LONG, capacity, head, size);
        Direct.free(deadlines);
        deadlines = newDeadlines;
        int old = capacity;
        capacity = newCapacity;
        moved(columns, old, head, size);
        head = 0;
        lookAt = newCapacity >= AHEAD_FROM && newCapacity < MAX_AHEAD ? newCapacity >> 1 : Integer.MAX_VALUE;
        // A loaded server's loop stops for the move: an operator who sees a stall at a rise in rate can match it here.
        if (log.isDebugEnabled()) {
            long now = System.nanoTime();
            log.debug("{} lane of {} ms grew from {} to {} entries, {} moved in {} us, {}", this, delayMillis, old,
                newCapacity, size, (now - start) / 1000,
                madeAhead ? "made in " + (start - askedAt) / 1000 + " us" : "made on the loop");
        }
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

    /**
     * The subclass's columns for a ring of {@code capacity} entries; made on any thread, touching nothing else.
     * {@code reserving}: {@link #reserved} follows on the loop, and what it needs may be made here, off the loop.
     */
    abstract Object columns(int capacity, boolean reserving);

    /**
     * The ring moved to {@code columns} of {@link #capacity()} entries: the subclass moves the {@code size} entries
     * from {@code head} of its columns (of {@code oldCapacity}) to 0 up of these, which it keeps from now on.
     */
    abstract void moved(Object columns, int oldCapacity, int head, int size);

    /** Columns made by {@link #columns} that the ring did not need after all. */
    void discard(Object columns) {
    }

    /** Moves {@code size} ring entries of {@code from} (of {@code length}) from {@code head} to 0 up of {@code to}. */
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
