package dev.dialtone.bench.load;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call the generator asks a {@link CallDriver} to place, and the driver's way of reporting what happened.
 * INVITE latencies are measured from {@link #intendedStart()}, the time the schedule gave this call, not from
 * when its INVITE actually left: a call delayed by a slow target or a full concurrency cap shows the delay as
 * latency instead of hiding it (no coordinated omission).
 *
 * <p>Every method is thread-safe; timestamps are {@link Clock#nanoTime()} values. Exactly one of
 * {@link #completed()}, {@link #cancelled()} or {@link #failed(String)} ends the call; later reports are ignored,
 * which is also what happens to a call the generator gave up on at the end of the drain.
 */
public final class CallAttempt {
    /** The generator's side: hears that a call ended, to free its concurrency slot. */
    interface Owner {
        void ended(CallAttempt attempt, Outcome outcome);
    }

    private volatile Runnable abandoned;
    private final long index;
    private final int step;
    private final long intendedStart;
    private final boolean cancel;
    private final long holdMillis;
    private final Hangup hangup;
    private final Clock clock;
    private final LoadMetrics metrics;
    private final Owner owner;
    // What has happened to the call, one bit each: one field rather than an object per flag and call.
    private static final int SENT = 1;
    private static final int RINGING = 2;
    private static final int ANSWERED = 4;
    private static final int ENDED = 8;
    private static final int RESPONDED = 16; // any response to the INVITE, provisional or final
    private static final AtomicIntegerFieldUpdater<CallAttempt> FLAGS =
            AtomicIntegerFieldUpdater.newUpdater(CallAttempt.class, "flags");
    private volatile int flags;
    private volatile long byeSentAt;

    CallAttempt(long index, int step, long intendedStart, boolean cancel, long holdMillis, Hangup hangup, Clock clock,
                LoadMetrics metrics, Owner owner) {
        this.index = index;
        this.step = step;
        this.intendedStart = intendedStart;
        this.cancel = cancel;
        this.holdMillis = holdMillis;
        this.hangup = hangup;
        this.clock = clock;
        this.metrics = metrics;
        this.owner = owner;
    }

    /** 0-based sequence number of this call in the run. */
    public long index() {
        return index;
    }

    public int step() {
        return step;
    }

    public long intendedStart() {
        return intendedStart;
    }

    /** Whether this call is to be cancelled once it rings instead of being answered. */
    public boolean cancel() {
        return cancel;
    }

    public long holdMillis() {
        return holdMillis;
    }

    public Hangup hangup() {
        return hangup;
    }

    /** The generator's clock, for the driver's timestamps. */
    public long now() {
        return clock.nanoTime();
    }

    public boolean isEnded() {
        return (flags & ENDED) != 0;
    }

    /** The first INVITE of the call left at {@code at}. */
    public void inviteSent(long at) {
        if (first(SENT)) {
            metrics.started.increment();
            metrics.startLag.recordNanos(at - intendedStart);
        }
    }

    /** A provisional response to INVITE; the first 18x gives the post-dial delay. */
    public void provisional(int status, long at) {
        first(RESPONDED);
        if (status >= 180 && status < 200 && first(RINGING)) {
            metrics.postDial.recordNanos(at - intendedStart);
        }
    }

    /** A final response to an INVITE of this call (a challenge included); the first 2xx gives the setup time. */
    public void finalResponse(int status, long at) {
        first(RESPONDED);
        metrics.inviteResponse(status);
        int cls = status / 100;
        if (cls >= 1 && cls <= 6) {
            metrics.inviteFinalByClass[cls - 1].recordNanos(at - intendedStart);
        }
        if (cls == 2 && first(ANSWERED)) {
            metrics.setup.recordNanos(at - intendedStart);
            metrics.answered.increment();
        }
    }

    public void byeSent(long at) {
        byeSentAt = at;
    }

    /** The final response to our BYE. */
    public void byeAnswered(int status, long at) {
        if (byeSentAt != 0) {
            metrics.bye.recordNanos(at - byeSentAt);
        }
    }

    /** One echoed RTP packet came back after {@code micros}. */
    public void rtpRoundTrip(long micros) {
        metrics.rtpRoundTrip.recordMicros(micros);
    }

    /** What the RTP echo check of this call found; jitter (RFC 3550 6.4.1, on the echo) in microseconds. */
    public void rtp(long packetsSent, long packetsReceived, long packetsLost, long jitterMicros) {
        metrics.rtpCalls.increment();
        metrics.rtpSent.add(packetsSent);
        metrics.rtpReceived.add(packetsReceived);
        metrics.rtpLost.add(packetsLost);
        metrics.rtpJitter.recordMicros(jitterMicros);
    }

    public void completed() {
        end(Outcome.COMPLETED, null);
    }

    public void cancelled() {
        end(Outcome.CANCELLED, null);
    }

    /**
     * The call failed. Reasons are short and stable, as they key the report: {@code timeout},
     * {@code transport-error}, the status code of a final non-2xx response ({@code 486}), {@code auth-failed},
     * {@code bye-timeout}, {@code bye-481}, {@code no-bye}, ...
     */
    public void failed(String reason) {
        end(Outcome.FAILED, reason);
    }

    /** Runs {@code r} (on the generator's thread) if the generator gives up on this call. */
    void onAbandon(Runnable r) {
        abandoned = r;
    }

    /** The generator stops waiting for this call at the end of the drain. */
    boolean abandon() {
        if (!first(ENDED)) {
            return false;
        }
        metrics.unfinished.increment();
        count(Outcome.FAILED, "unfinished");
        owner.ended(this, Outcome.FAILED);
        Runnable r = abandoned;
        if (r != null) {
            r.run();
        }
        return true;
    }

    /** Sets {@code flag}; true if this call set it first. Keeps {@link LoadMetrics#unanswered} in step. */
    private boolean first(int flag) {
        int f;
        do {
            f = flags;
            if ((f & flag) != 0) {
                return false;
            }
        } while (!FLAGS.compareAndSet(this, f, f | flag));
        boolean was = unanswered(f);
        if (was != unanswered(f | flag)) {
            metrics.unanswered.add(was ? -1 : 1);
        }
        return true;
    }

    /** The INVITE left and nothing came back yet, not even a 100: what {@link Ramp} watches for overload. */
    private static boolean unanswered(int flags) {
        return (flags & (SENT | RESPONDED | ENDED)) == SENT;
    }

    private void end(Outcome outcome, String reason) {
        if (!first(ENDED)) {
            return;
        }
        count(outcome, reason);
        owner.ended(this, outcome);
    }

    private void count(Outcome outcome, String reason) {
        LoadMetrics.StepCounters s = metrics.steps[step];
        switch (outcome) {
            case COMPLETED -> metrics.completed.increment();
            case CANCELLED -> metrics.cancelled.increment();
            case FAILED -> {
                metrics.failed.increment();
                metrics.failure(reason == null ? "unknown" : reason);
                s.failed.incrementAndGet();
            }
        }
        s.ended.incrementAndGet();
    }
}
