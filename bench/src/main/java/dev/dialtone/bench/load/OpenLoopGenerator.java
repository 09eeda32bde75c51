package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport.Sample;
import dev.dialtone.bench.report.LoadReport.StepResult;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Open-loop call generation: one thread walks the {@link RateSchedule} and hands each call to the driver at its
 * intended start, whatever the calls before it are doing. A full concurrency cap makes a call wait for a slot,
 * and that wait counts in its latency (it is measured from the intended start), so a slow target shows up as
 * latency instead of as a quietly lower rate. The same thread samples the run once a second and, on a ramp,
 * judges each step at its end.
 */
final class OpenLoopGenerator implements CallAttempt.Owner {
    private static final Logger log = LoggerFactory.getLogger(OpenLoopGenerator.class);
    private static final long SECOND = 1_000_000_000L;
    private static final long DRAIN_POLL = 20_000_000L;
    /**
     * How far ahead calls are handed to a driver that holds each one back until its intended start: the
     * generator then wakes about every LEAD/2 and hands over a batch, instead of waking once per call.
     */
    private static final long LEAD = 20_000_000L;
    /** The start grid of {@code load}'s default (--start-grid 10) and of its warm-up. */
    static final long DEFAULT_START_GRID = 10_000_000L;

    /**
     * What to run.
     *
     * @param concurrency at most this many calls at once, 0 for no cap
     * @param cancelRate  share of calls cancelled while ringing, spread evenly (call i is cancelled when
     *                    {@code floor((i+1)*rate) > floor(i*rate)})
     * @param drainNanos  how long to wait for calls still running after the last start
     * @param startGridNanos with a driver that holds calls back, intended starts are rounded up to this grid (0:
     *                    not rounded). The calls of one grid interval then leave in one burst, and the target
     *                    (and our loop, for its answers) wakes once for them instead of once per call: waking a
     *                    process asleep on another core costs an interrupt, on a virtual machine an exit to the
     *                    hypervisor, and calls that leave one by one pay it per message. SIPp's default
     *                    -timer_resol is 10 ms. Latency counts from the rounded time, when the call was meant to go.
     */
    record Plan(RateSchedule schedule, int concurrency, double cancelRate, long holdMillis, Hangup hangup,
                double maxFailureRatePercent, long drainNanos, long startGridNanos) {
    }

    /** What the live display shows each second. */
    record Status(Sample sample, Map<String, Long> failures, double setupP50, double setupP99) {
    }

    /** The run's timeline and verdicts; the counters and histograms stay in the {@link LoadMetrics}. */
    record Result(long startNanos, long endNanos, List<Sample> timeline, List<StepResult> steps,
                  Double sustainedRate) {
    }

    private final Plan plan;
    private final CallDriver driver;
    private final LoadMetrics metrics;
    private final Clock clock;
    private final Consumer<Status> status;
    private final Object lock = new Object();
    private final ArrayDeque<CallAttempt> waiting = new ArrayDeque<>();
    private final Set<CallAttempt> running = ConcurrentHashMap.newKeySet();
    private int runningCount;
    private boolean closing;
    private volatile boolean stopRequested;
    private long index;
    // The driver's counters when the run started: the warm-up's retransmissions and drops are not the run's.
    private long retransmittedAtStart = -1;
    private long droppedAtStart = -1;

    OpenLoopGenerator(Plan plan, CallDriver driver, LoadMetrics metrics, Clock clock, Consumer<Status> status) {
        this.plan = plan;
        this.driver = driver;
        this.metrics = metrics;
        this.clock = clock;
        this.status = status;
    }

    /** Stop scheduling new calls and drain quickly (Ctrl-C). Any thread. */
    void requestStop() {
        stopRequested = true;
    }

    /**
     * Gives up the calls still waiting for a concurrency slot, which were never sent, so that a drain waits only
     * for those running. For a warm-up, whose calls are not counted: behind a slow target its queue can hold more
     * than the drain has time to place, and the calls running when the drain ended were given up here while the
     * target still held them, next to the run's first calls (over the cap). Any thread.
     */
    void dropWaiting() {
        List<CallAttempt> left;
        synchronized (lock) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (CallAttempt a : left) {
            a.abandon();
        }
    }

    Result run() throws InterruptedException {
        RateSchedule schedule = plan.schedule();
        List<RateSchedule.Step> steps = schedule.steps();
        RateSchedule.Cursor cursor = schedule.cursor();
        List<Sample> timeline = new ArrayList<>();
        List<StepResult> judged = new ArrayList<>();
        // Ahead of time only without a concurrency cap: a capped call takes its slot when it is placed.
        long grid = plan.startGridNanos();
        long lead = driver.startsAtIntendedTime() && plan.concurrency() == 0 ? Math.max(LEAD, 2 * grid) : 0;
        long t0 = clock.nanoTime();
        retransmittedAtStart = driver.retransmittedRequests();
        droppedAtStart = driver.receiveDrops();
        timeline.add(new Sample(0, 0, 0, 0, steps.get(0).rate(), 0, 0, 0, null, null, null,
                CallDriver.since(retransmittedAtStart, retransmittedAtStart),
                CallDriver.since(droppedAtStart, droppedAtStart)));
        long nextTick = t0 + SECOND;
        long lastTick = t0;
        long lastStarted = 0;
        int currentStep = 0;
        long drainDeadline = Long.MAX_VALUE;
        long scheduleDoneAt = Long.MAX_VALUE;
        boolean stopEarly = false;
        while (true) {
            long now = clock.nanoTime();
            if (stopRequested && cursor.hasNext()) {
                cursor.stop();
                stopEarly = true;
            }
            if (schedule.isRamp() && cursor.hasNext() && currentStep < steps.size()) {
                RateSchedule.Step step = steps.get(currentStep);
                // At its end; before it, once a second, only whether the target has fallen behind (see Ramp).
                if (now - t0 >= step.endNanos()
                        || now >= nextTick && Ramp.isOverloaded(step, metrics.unanswered.sum())) {
                    StepResult r = judge(step, now - t0);
                    judged.add(r);
                    log.debug("ramp step {} at {} cps: {}", step.index(), step.rate(), r.verdict());
                    if (!r.passed()) {
                        cursor.stop();
                    }
                    currentStep++;
                }
            }
            if (now >= nextTick) {
                long started = metrics.started.sum();
                Sample s = sample(t0, now, lastTick, started - lastStarted,
                        targetRate(steps, (now - lastTick) / 2 + lastTick - t0,
                                scheduleDoneAt == Long.MAX_VALUE ? Long.MAX_VALUE : scheduleDoneAt - t0));
                timeline.add(s);
                lastStarted = started;
                lastTick = now;
                nextTick += SECOND;
                while (nextTick <= now) {
                    nextTick += SECOND;
                }
                status.accept(status(s));
            }
            // Judge and sample before launching what is due now: a call at a step's or second's end belongs
            // to the next one.
            while (cursor.hasNext() && t0 + cursor.offset() <= now + ahead(schedule, cursor, currentStep, lead)) {
                long at = t0 + cursor.offset();
                launch(lead > 0 && grid > 0 ? Math.floorDiv(at + grid - 1, grid) * grid : at, cursor.step());
                cursor.advance();
            }
            if (!cursor.hasNext()) {
                if (drainDeadline == Long.MAX_VALUE) {
                    scheduleDoneAt = now;
                    drainDeadline = now + (stopEarly ? Math.min(plan.drainNanos(), 2 * SECOND) : plan.drainNanos());
                }
                if (idle() || now >= drainDeadline) {
                    break;
                }
            }
            long wake = Math.min(nextTick, cursor.hasNext()
                    ? t0 + cursor.offset() - ahead(schedule, cursor, currentStep, lead) / 2 : now + DRAIN_POLL);
            if (!cursor.hasNext()) {
                wake = Math.min(wake, drainDeadline);
            }
            // A last step bounded only by its call count ends at Long.MAX_VALUE: no wake-up for its end.
            if (schedule.isRamp() && currentStep < steps.size() && cursor.hasNext()
                    && steps.get(currentStep).endNanos() != Long.MAX_VALUE) {
                wake = Math.min(wake, t0 + steps.get(currentStep).endNanos());
            }
            clock.sleepUntil(wake);
        }
        abandonRemaining();
        long end = clock.nanoTime();
        long started = metrics.started.sum();
        Sample last = sample(t0, end, lastTick, started - lastStarted, 0);
        timeline.add(last);
        status.accept(status(last));
        List<StepResult> results = finalSteps(steps, judged, end - t0);
        Double sustained = schedule.isRamp() ? Ramp.sustainedRate(results) : null;
        return new Result(t0, end, List.copyOf(timeline), results, sustained);
    }

    /** How far ahead the next call may be placed: only within the step being run, as a later one may never run. */
    private static long ahead(RateSchedule schedule, RateSchedule.Cursor cursor, int currentStep, long lead) {
        return !schedule.isRamp() || cursor.step() <= currentStep ? lead : 0;
    }

    /** The rate the schedule asked for at {@code offset}, 0 once it had ended. */
    private static double targetRate(List<RateSchedule.Step> steps, long offset, long doneOffset) {
        if (offset >= doneOffset) {
            return 0;
        }
        for (RateSchedule.Step st : steps) {
            if (offset >= st.startNanos() && offset < st.endNanos()) {
                return st.rate();
            }
        }
        return 0;
    }

    private void launch(long intendedStart, int step) {
        long i = index++;
        boolean cancel = Math.floor((i + 1) * plan.cancelRate()) > Math.floor(i * plan.cancelRate());
        CallAttempt a = new CallAttempt(i, step, intendedStart, cancel, plan.holdMillis(), plan.hangup(), clock,
                metrics, this);
        metrics.scheduled.increment();
        metrics.steps[step].scheduled.incrementAndGet();
        synchronized (lock) {
            if (plan.concurrency() > 0 && runningCount >= plan.concurrency()) {
                waiting.add(a);
                return;
            }
            runningCount++;
            running.add(a);
        }
        driver.place(a);
    }

    @Override
    public void ended(CallAttempt attempt, Outcome outcome) {
        CallAttempt next = null;
        synchronized (lock) {
            if (running.remove(attempt)) {
                runningCount--;
                if (!closing && (plan.concurrency() == 0 || runningCount < plan.concurrency())) {
                    next = waiting.poll();
                    if (next != null) {
                        runningCount++;
                        running.add(next);
                    }
                }
            } else {
                waiting.remove(attempt);
            }
        }
        if (next != null) {
            driver.place(next);
        }
    }

    private boolean idle() {
        synchronized (lock) {
            return runningCount == 0 && waiting.isEmpty();
        }
    }

    private void abandonRemaining() {
        List<CallAttempt> left;
        synchronized (lock) {
            closing = true;
            left = new ArrayList<>(waiting);
            left.addAll(running);
        }
        int n = 0;
        for (CallAttempt a : left) {
            if (a.abandon()) {
                n++;
            }
        }
        if (n > 0) {
            log.warn("{} calls still running at the end of the drain, counted as failed (unfinished)", n);
        }
    }

    private int waitingCount() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    private int runningCount() {
        synchronized (lock) {
            return runningCount;
        }
    }

    private StepResult judge(RateSchedule.Step step, long offset) {
        LoadMetrics.StepCounters c = metrics.steps[step.index()];
        return Ramp.evaluate(step, 0, offset, c.scheduled.get(), c.ended.get(), c.failed.get(), waitingCount(),
                metrics.unanswered.sum(), plan.maxFailureRatePercent());
    }

    /**
     * Verdicts with the final counts: a step judged at its end keeps a failed verdict, and also fails if calls
     * that were still running then failed afterwards. A run without a ramp is one step judged at the end.
     */
    private List<StepResult> finalSteps(List<RateSchedule.Step> steps, List<StepResult> judged, long endOffset) {
        List<StepResult> out = new ArrayList<>();
        for (RateSchedule.Step step : steps) {
            LoadMetrics.StepCounters c = metrics.steps[step.index()];
            if (c.scheduled.get() == 0) {
                break;
            }
            StepResult early = step.index() < judged.size() ? judged.get(step.index()) : null;
            long end = early != null ? Math.round(early.endSeconds() * 1e9) : Math.min(step.endNanos(), endOffset);
            StepResult late = Ramp.evaluate(step, 0, end, c.scheduled.get(), c.ended.get(), c.failed.get(), 0, 0,
                    plan.maxFailureRatePercent());
            if (early != null && !early.passed() && late.passed()) {
                late = new StepResult(late.step(), late.rate(), late.startSeconds(), late.endSeconds(),
                        late.scheduled(), late.ended(), late.failed(), late.failureRatePercent(), false,
                        early.verdict());
            }
            out.add(late);
        }
        return List.copyOf(out);
    }

    private Sample sample(long t0, long now, long lastTick, long startedInInterval, double targetRate) {
        Histogram setup = metrics.setup.roll();
        metrics.postDial.roll();
        metrics.bye.roll();
        metrics.startLag.roll();
        for (Latency l : metrics.inviteFinalByClass) {
            l.roll();
        }
        metrics.rtpRoundTrip.roll();
        metrics.rtpJitter.roll();
        double dt = Math.max(1e-9, (now - lastTick) / 1e9);
        return new Sample(Ramp.round((now - t0) / 1e9), metrics.started.sum(), metrics.answered.sum(),
                metrics.failed.sum(), targetRate, Ramp.round(startedInInterval / dt), runningCount(), waitingCount(),
                msOrNull(setup, 50), msOrNull(setup, 90), msOrNull(setup, 99),
                CallDriver.since(retransmittedAtStart, driver.retransmittedRequests()),
                CallDriver.since(droppedAtStart, driver.receiveDrops()));
    }

    private Status status(Sample s) {
        Histogram total = metrics.setup.total();
        return new Status(s, metrics.failuresByReason(), ms(total, 50), ms(total, 99));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : Ramp.round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static Double msOrNull(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : ms(h, percentile);
    }
}
