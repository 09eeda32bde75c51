package dev.dialtone.media.stats;

/**
 * A fixed-delay playout buffer simulated on arrival times, to report what a receiver's jitter
 * buffer would have done with the stream: packets skipped for arriving after their playout time,
 * packets flushed when the buffer overflowed, and the largest depth reached.
 *
 * <p>The first packet is scheduled {@code targetDelay} after its arrival; every later packet is
 * due at that instant plus its RTP timestamp distance from the anchor. The model holds no packet
 * data, only the due times of packets still queued.
 */
final class JitterBufferModel {

    /** Consecutive late packets after which the playout clock moves to the stream's new delay. */
    static final int RESYNC_AFTER_LATE = 3;
    /** A due time further than this from the arrival time is a discontinuity, not jitter. */
    static final long DISCONTINUITY_NANOS = 2_000_000_000L;

    /** What the buffer did with one packet. */
    enum Outcome { QUEUED, SKIPPED, FLUSHED_AND_QUEUED }

    private final long targetDelayNanos;
    private final int maxPackets;
    private final long[] due;
    private int size;
    private int clockRate;

    private boolean anchored;
    private long anchorTimestamp;
    private long anchorDueNanos;
    private int consecutiveLate;

    private long skipped;
    private long flushed;
    private int largest;
    private int lastFlushSize;

    JitterBufferModel(long targetDelayNanos, int maxPackets, int clockRate) {
        this.targetDelayNanos = targetDelayNanos;
        this.maxPackets = maxPackets;
        this.due = new long[maxPackets];
        this.clockRate = clockRate;
    }

    void clockRate(int clockRate) {
        this.clockRate = clockRate;
        anchored = false;
    }

    Outcome offer(long timestamp, long arrivalNanos) {
        lastFlushSize = 0;
        if (!anchored) {
            anchor(timestamp, arrivalNanos);
        }
        // the signed 32-bit difference keeps working across the timestamp's wrap
        long tsDelta = (int) (timestamp - anchorTimestamp);
        long dueNanos = anchorDueNanos + tsDelta * 1_000_000_000L / clockRate;
        if (Math.abs(dueNanos - arrivalNanos) > DISCONTINUITY_NANOS) {
            drainAll();
            anchor(timestamp, arrivalNanos);
            dueNanos = anchorDueNanos;
        }
        drainPlayed(arrivalNanos);
        if (dueNanos <= arrivalNanos) {
            if (++consecutiveLate < RESYNC_AFTER_LATE) {
                skipped++;
                return Outcome.SKIPPED;
            }
            // the path's delay grew for good: follow it rather than skip everything from here on
            anchor(timestamp, arrivalNanos);
            dueNanos = anchorDueNanos;
        }
        consecutiveLate = 0;
        Outcome outcome = Outcome.QUEUED;
        if (size == maxPackets) {
            lastFlushSize = size;
            flushed += size;
            size = 0;
            anchor(timestamp, arrivalNanos);
            dueNanos = anchorDueNanos;
            outcome = Outcome.FLUSHED_AND_QUEUED;
        }
        due[size++] = dueNanos;
        largest = Math.max(largest, size);
        return outcome;
    }

    private void anchor(long timestamp, long arrivalNanos) {
        anchored = true;
        anchorTimestamp = timestamp;
        anchorDueNanos = arrivalNanos + targetDelayNanos;
        consecutiveLate = 0;
    }

    private void drainPlayed(long nowNanos) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (due[i] > nowNanos) {
                due[kept++] = due[i];
            }
        }
        size = kept;
    }

    private void drainAll() {
        size = 0;
    }

    /** Forget the playout clock, e.g. after a media timeout; counters are kept. */
    void reset() {
        anchored = false;
        size = 0;
    }

    int lastFlushSize() {
        return lastFlushSize;
    }

    long skipped() {
        return skipped;
    }

    long flushed() {
        return flushed;
    }

    int largest() {
        return largest;
    }
}
