package dev.dialtone.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * When each call is meant to start, fixed in advance: call {@code j} of a step at rate {@code r} starts at
 * {@code stepStart + j / r} seconds, computed from the index rather than accumulated, so the schedule never
 * drifts and never waits for the target. A plain run is one step; a ramp is a series of steps of rising rate.
 */
final class RateSchedule {

    /**
     * One constant-rate stretch. {@code endNanos} is exclusive ({@link Long#MAX_VALUE} for a run bounded only by
     * call count); offsets are from the start of the run.
     */
    record Step(int index, double rate, long startNanos, long endNanos) {
        long intervalStart(long j) {
            return startNanos + Math.round(j * 1e9 / rate);
        }
    }

    private final List<Step> steps;
    private final long maxCalls;
    private final boolean ramp;

    private RateSchedule(List<Step> steps, long maxCalls, boolean ramp) {
        this.steps = List.copyOf(steps);
        this.maxCalls = maxCalls;
        this.ramp = ramp;
    }

    /** {@code calls} calls at {@code rate} per second. */
    static RateSchedule ofCalls(double rate, long calls) {
        requirePositive(rate);
        if (calls <= 0) {
            throw new IllegalArgumentException("calls must be positive");
        }
        return new RateSchedule(List.of(new Step(0, rate, 0, Long.MAX_VALUE)), calls, false);
    }

    /**
     * {@code calls} calls at {@code rate} per second after a second each at 1/16, 1/8, 1/4 and 1/2 of it: a cold
     * JVM (the warm-up's) starts slowly enough that it answers within the target's retransmission interval. Its
     * steps are not a ramp: none is judged, and all its calls are placed even if the target falls behind.
     */
    static RateSchedule easedIn(double rate, long calls) {
        requirePositive(rate);
        if (calls <= 0) {
            throw new IllegalArgumentException("calls must be positive");
        }
        List<Step> steps = new ArrayList<>();
        long second = nanos(1);
        for (int i = 0; i < 4; i++) {
            steps.add(new Step(i, rate / (16 >> i), i * second, (i + 1) * second));
        }
        steps.add(new Step(4, rate, 4 * second, Long.MAX_VALUE));
        return new RateSchedule(steps, calls, false);
    }

    /** Calls at {@code rate} per second for {@code seconds}. */
    static RateSchedule ofDuration(double rate, double seconds) {
        requirePositive(rate);
        requirePositive(seconds);
        return new RateSchedule(List.of(new Step(0, rate, 0, nanos(seconds))), Long.MAX_VALUE, false);
    }

    /** From {@code startRate}, up by {@code stepRate} every {@code stepSeconds} up to {@code maxRate} inclusive. */
    static RateSchedule ramp(double startRate, double stepRate, double maxRate, double stepSeconds) {
        requirePositive(startRate);
        requirePositive(stepRate);
        requirePositive(stepSeconds);
        if (maxRate < startRate) {
            throw new IllegalArgumentException("rate-max must be at least the start rate");
        }
        List<Step> steps = new ArrayList<>();
        long len = nanos(stepSeconds);
        for (int i = 0; ; i++) {
            double rate = startRate + i * stepRate;
            if (rate > maxRate + 1e-9) {
                break;
            }
            steps.add(new Step(i, rate, i * len, (i + 1) * len));
        }
        return new RateSchedule(steps, Long.MAX_VALUE, steps.size() > 1);
    }

    List<Step> steps() {
        return steps;
    }

    /** Whether each step is judged at its end and a failed one ends the run: a ramp of more than one rate. */
    boolean isRamp() {
        return ramp;
    }

    Cursor cursor() {
        return new Cursor();
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    private static void requirePositive(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("must be positive, got " + v);
        }
    }

    /** Walks the intended start offsets in order. */
    final class Cursor {
        private int step;
        private long j;
        private long issued;
        private long offset;
        private boolean done;

        private Cursor() {
            seek();
        }

        boolean hasNext() {
            return !done;
        }

        /** Offset from the run's start of the next call's intended start. */
        long offset() {
            return offset;
        }

        /** Index of the step the next call belongs to. */
        int step() {
            return step;
        }

        void advance() {
            issued++;
            j++;
            seek();
        }

        /** Ends the schedule early (a ramp step failed). */
        void stop() {
            done = true;
        }

        private void seek() {
            if (issued >= maxCalls) {
                done = true;
                return;
            }
            while (step < steps.size()) {
                long at = steps.get(step).intervalStart(j);
                if (at < steps.get(step).endNanos()) {
                    offset = at;
                    return;
                }
                step++;
                j = 0;
            }
            done = true;
        }
    }
}
