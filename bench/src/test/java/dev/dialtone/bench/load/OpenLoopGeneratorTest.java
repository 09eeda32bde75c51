package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.dialtone.bench.load.SimulatedClock.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenLoopGeneratorTest {
    private static final long DRAIN = ms(60_000);

    private final SimulatedClock clock = new SimulatedClock();
    private final List<OpenLoopGenerator.Status> statuses = new ArrayList<>();
    private long grid = ms(1);

    private LoadReport run(RateSchedule schedule, int concurrency, double cancelRate, long holdMillis,
                           CallDriver target, double maxFailurePercent) throws InterruptedException {
        OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(schedule, concurrency, cancelRate, holdMillis,
                Hangup.CALLER, maxFailurePercent, DRAIN, grid);
        LoadMetrics metrics = new LoadMetrics(schedule.steps().size());
        OpenLoopGenerator.Result result = new OpenLoopGenerator(plan, target, metrics, clock, statuses::add).run();
        LoadReport.Settings settings = new LoadReport.Settings("sip:127.0.0.1:5060", "UDP", 0, null, null,
                concurrency, holdMillis, "caller", cancelRate, false, false, maxFailurePercent, null, null, null, grid / 1_000_000,
                32_000);
        return LoadReports.build(settings, Instant.EPOCH, metrics, result, false, null, null, null);
    }

    @Test
    void intendedStarts_areOnTheRateGrid_fromTheFirstCall() throws Exception {
        FakeTarget target = FakeTarget.answering(clock, 5);
        long t0 = clock.nanoTime();
        LoadReport r = run(RateSchedule.ofCalls(100, 10), 0, 0, 0, target, 0.1);

        assertEquals(10, target.sends.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(t0 + ms(10 * i), target.sends.get(i)[0], "intended start of call " + i);
            assertEquals(target.sends.get(i)[0], target.sends.get(i)[1], "an uncapped call leaves on time");
        }
        assertEquals(new LoadReport.Counts(10, 10, 10, 10, 0, 0, 0), r.counts());
        assertEquals(5.0, r.latencies().get("setupTime").max(), 0.01);
        assertEquals(4.0, r.latencies().get("postDialDelay").p50(), 0.01);
        assertEquals(1.0, r.latencies().get("byeTime").p50(), 0.01);
        assertTrue(r.passed());
    }

    @Test
    void anEasedInSchedule_placesAllItsCalls_andEndsWhenTheyEnd() throws Exception {
        FakeTarget target = FakeTarget.answering(clock, 5);
        long t0 = clock.nanoTime();
        LoadReport r = run(RateSchedule.easedIn(160, 1000), 0, 0, 0, target, 100);

        assertEquals(1000, target.sends.size());
        assertEquals(1000, r.counts().answered());
        // 10 + 20 + 40 + 80 calls in the first four seconds, the remaining 850 at 160/s.
        assertTrue(clock.nanoTime() - t0 < ms(4000 + 850 * 1000 / 160 + 2000), "ends after its last call");
    }

    @Test
    void anEasedInSchedule_isNotJudged_soATargetThatFallsBehindStillGetsEveryCall() throws Exception {
        // Serves 50 calls/s: by its 160/s stretch more than a second's worth of INVITEs waits for an answer, which
        // ends a ramp's step. The warm-up's ease-in (which uses this schedule) must place all its calls anyway.
        FakeTarget slow = new FakeTarget(clock, 20, true, t -> false, true);
        LoadReport r = run(RateSchedule.easedIn(160, 1000), 0, 0, 0, slow, 100);

        assertEquals(1000, slow.sends.size(), "calls placed");
        assertEquals(1000, r.counts().answered());
        assertNull(r.sustainedRate(), "not a ramp: no sustained rate");
    }

    @ParameterizedTest(name = "{0} ms grid")
    @ValueSource(ints = {1, 10})
    void aDriverThatHoldsCallsBack_getsTheirStartsOnTheGrid(int gridMillis) throws Exception {
        grid = ms(gridMillis);
        FakeTarget target = FakeTarget.answering(clock, 5);
        CallDriver holding = new CallDriver() {
            @Override
            public void place(CallAttempt a) {
                clock.at(a.intendedStart(), () -> target.place(a));
            }

            @Override
            public boolean startsAtIntendedTime() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        long t0 = clock.nanoTime() + ms(0.3); // off the grid, so every start must be rounded
        clock.at(t0, () -> { });
        clock.sleepUntil(t0);
        LoadReport r = run(RateSchedule.ofCalls(1500, 30), 0, 0, 0, holding, 0.1);

        assertEquals(30, target.sends.size());
        java.util.Set<Long> gridPoints = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            long intended = target.sends.get(i)[0];
            long scheduled = t0 + i * 1_000_000_000L / 1500;
            assertEquals(0, Math.floorMod(intended, grid), "call " + i + " starts on the grid");
            assertTrue(intended >= scheduled - 1 && intended < scheduled + grid,
                    "call " + i + " is rounded up by less than the grid");
            assertEquals(intended, target.sends.get(i)[1], "call " + i + " leaves at its grid point");
            gridPoints.add(intended);
        }
        // 30 calls at 1,500/s span 20 ms: the grid points of that span, one more if it straddles one.
        assertTrue(gridPoints.size() <= 20 / gridMillis + 1, "calls of one interval share its grid point: " + gridPoints);
        // Latency counts from the grid point: the target answers 5 ms after the INVITE left.
        assertEquals(5.0, r.latencies().get("setupTime").max(), 0.01);
        assertEquals(30, r.counts().completed());
    }

    @Test
    void slowTarget_showsItsQueueAsLatency_measuredFromTheIntendedStart() throws Exception {
        // One INVITE at a time, 20 ms each, offered every 10 ms: call i is answered at 20(i+1) ms, so its setup
        // time from the intended start 10i is 10i + 20 ms, although every INVITE left on time.
        FakeTarget target = new FakeTarget(clock, 20, true, t -> false, true);
        LoadReport r = run(RateSchedule.ofCalls(100, 10), 0, 0, 0, target, 0.1);

        var setup = r.latencies().get("setupTime");
        assertEquals(10, setup.count());
        assertEquals(20.0, setup.min(), 0.05);
        assertEquals(110.0, setup.max(), 0.2);
        assertEquals(0.0, r.latencies().get("startLag").max(), 0.01);
    }

    @Test
    void concurrencyCap_delaysStarts_andTheWaitCountsAsLatency() throws Exception {
        // Cap 1, 20 ms to answer, 1 ms BYE, a call every 10 ms: call i leaves when call i-1 ends, at 21i ms,
        // and is answered at 21i + 20. A closed-loop tool would report 20 ms every time; we report 11i + 20.
        FakeTarget target = FakeTarget.answering(clock, 20);
        LoadReport r = run(RateSchedule.ofCalls(100, 10), 1, 0, 0, target, 0.1);

        long t0 = target.sends.get(0)[0];
        for (int i = 0; i < 10; i++) {
            assertEquals(t0 + ms(10 * i), target.sends.get(i)[0]);
            assertEquals(t0 + ms(21 * i), target.sends.get(i)[1], "actual send of call " + i);
        }
        var setup = r.latencies().get("setupTime");
        assertEquals(20.0, setup.min(), 0.05);
        assertEquals(11 * 9 + 20.0, setup.max(), 0.2);
        assertEquals(11 * 9.0, r.latencies().get("startLag").max(), 0.2);
        assertEquals(10, r.counts().completed());
    }

    @Test
    void cancelRate_marksAnEvenlySpreadShare() throws Exception {
        FakeTarget target = FakeTarget.answering(clock, 5);
        LoadReport r = run(RateSchedule.ofCalls(50, 20), 0, 0.25, 0, target, 0.1);

        List<Long> cancelled = target.placed.stream().filter(CallAttempt::cancel).map(CallAttempt::index).toList();
        assertEquals(List.of(3L, 7L, 11L, 15L, 19L), cancelled);
        assertEquals(5, r.counts().cancelled());
        assertEquals(15, r.counts().completed());
        assertEquals(0, r.counts().failed());
        assertEquals(5L, r.inviteResponses().get("487"));
    }

    @Test
    void failures_areCountedByReason_andFailTheRun() throws Exception {
        FakeTarget target = new FakeTarget(clock, 5, false, t -> true, true);
        LoadReport r = run(RateSchedule.ofCalls(100, 4), 0, 0, 0, target, 0.1);

        assertEquals(4, r.counts().failed());
        assertEquals(4L, r.failuresByReason().get("503"));
        assertEquals(100.0, r.failureRatePercent());
        assertFalse(r.passed());
        assertEquals(4, r.latencies().get("inviteFinal5xx").count());
    }

    @Test
    void callsThatNeverEnd_areAbandonedAtTheDrainDeadline() throws Exception {
        FakeTarget target = new FakeTarget(clock, 5, false, t -> false, false);
        long t0 = clock.nanoTime();
        LoadReport r = run(RateSchedule.ofCalls(10, 3), 0, 0, 0, target, 0.1);

        assertEquals(3, r.counts().failed());
        assertEquals(3, r.counts().unfinished());
        assertEquals(3L, r.failuresByReason().get("unfinished"));
        assertTrue(clock.nanoTime() - t0 >= ms(200) + DRAIN, "waited for the drain");
    }

    @Test
    void timeline_hasASampleEverySecond_withTargetAndActualRate() throws Exception {
        FakeTarget target = FakeTarget.answering(clock, 5);
        LoadReport r = run(RateSchedule.ofDuration(20, 3), 0, 0, 100, target, 0.1);

        assertEquals(60, r.counts().scheduled());
        List<LoadReport.Sample> tl = r.timeline();
        assertEquals(5, tl.size(), "a sample at 0, three ticks, and one at the end of the drain");
        assertEquals(0.0, tl.get(0).t());
        assertEquals(20.0, tl.get(0).targetRate());
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, tl.get(i).t(), 0.001);
            assertEquals(20.0, tl.get(i).targetRate());
            assertEquals(20.0, tl.get(i).actualRate(), 0.001);
        }
        // 100 ms hold plus ~7 ms: two or three calls in progress at each tick.
        assertTrue(tl.get(2).concurrent() >= 2 && tl.get(2).concurrent() <= 3, "concurrent " + tl.get(2).concurrent());
        assertEquals(5.0, tl.get(2).setupP99(), 0.01);
        LoadReport.Sample last = tl.get(4);
        assertEquals(0.0, last.targetRate(), "the schedule had ended");
        assertEquals(0, last.concurrent());
        assertNull(last.setupP50(), "nothing was answered during the drain");
        assertEquals(statuses.size(), tl.size() - 1, "one live line per tick and one at the end");
        assertNull(r.sustainedRate());
    }

    @Test
    void ramp_stopsAtTheFirstFailingStep_andReportsTheLastSustainedRate() throws Exception {
        // The target turns calls away with 503 once it has seen more than 25 INVITEs in the last second.
        List<Long> seen = new ArrayList<>();
        FakeTarget target = new FakeTarget(clock, 5, false, now -> {
            seen.add(now);
            seen.removeIf(t -> t <= now - ms(1000));
            return seen.size() > 25;
        }, true);
        LoadReport r = run(RateSchedule.ramp(10, 10, 40, 1), 0, 0, 0, target, 0.1);

        List<LoadReport.StepResult> steps = r.steps();
        assertEquals(3, steps.size(), "the 40 cps step never runs");
        assertTrue(steps.get(0).passed());
        assertTrue(steps.get(1).passed());
        assertFalse(steps.get(2).passed());
        assertTrue(steps.get(2).verdict().startsWith("failure rate"), steps.get(2).verdict());
        assertEquals(10, steps.get(0).scheduled());
        assertEquals(20, steps.get(1).scheduled());
        assertEquals(30, steps.get(2).scheduled());
        assertEquals(20.0, r.sustainedRate());
        assertTrue(r.passed(), "a ramp passes when its first rate held");
        assertTrue(r.counts().failed() > 0);
    }

    @Test
    void ramp_failsAStepAsSoonAsASecondOfInvitesHasNoResponse() throws Exception {
        // One INVITE at a time, 20 ms each (50 calls/s), silent until it answers: at 100 calls/s the INVITEs
        // without a response grow by 50 a second and pass one second's worth (100) about 2 s into the step.
        FakeTarget target = new FakeTarget(clock, 20, true, t -> false, true);
        LoadReport r = run(RateSchedule.ramp(10, 90, 100, 10), 0, 0, 0, target, 0.1);

        List<LoadReport.StepResult> steps = r.steps();
        assertEquals(2, steps.size());
        assertTrue(steps.get(0).passed());
        LoadReport.StepResult behind = steps.get(1);
        assertFalse(behind.passed());
        assertTrue(behind.verdict().endsWith("INVITEs without any response"), behind.verdict());
        assertTrue(behind.endSeconds() < 14, "judged when it fell behind, not at its end: " + behind.endSeconds());
        assertTrue(behind.scheduled() < 500, "no more calls once it fell behind: " + behind.scheduled());
        assertEquals(10.0, r.sustainedRate());
        assertEquals(0, r.counts().failed(), "the backlog is answered in the drain");
    }
}
