package dev.dialtone.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency measure: any thread records into an HdrHistogram {@link Recorder} (wait-free); the generator's
 * ticker rolls the recorder once a second into the interval just past and the running total.
 * Values are microseconds.
 */
final class Latency {
    private static final int DIGITS = 3;
    private final Recorder recorder = new Recorder(DIGITS);
    private final Histogram total = new Histogram(DIGITS);
    private Histogram interval;

    void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1000));
    }

    void recordMicros(long micros) {
        recorder.recordValue(Math.max(0, micros));
    }

    /** Moves what was recorded since the last roll into the interval and the total. Ticker thread only. */
    Histogram roll() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval;
    }

    /** Everything rolled so far. Ticker thread only. */
    Histogram total() {
        return total;
    }
}
