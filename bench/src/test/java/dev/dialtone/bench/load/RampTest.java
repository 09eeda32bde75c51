package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport.StepResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RampTest {
    private static final RateSchedule.Step STEP = new RateSchedule.Step(2, 50, 20_000_000_000L, 30_000_000_000L);

    @Test
    void step_passes_withinTheFailureLimit() {
        StepResult r = Ramp.evaluate(STEP, 0, 30_000_000_000L, 500, 1000, 1, 0, 0, 0.1);
        assertTrue(r.passed());
        assertEquals(0.1, r.failureRatePercent());
        assertEquals("ok", r.verdict());
        assertEquals(20.0, r.startSeconds());
    }

    @Test
    void step_fails_overTheFailureLimit() {
        StepResult r = Ramp.evaluate(STEP, 0, 30_000_000_000L, 500, 999, 2, 0, 0, 0.1);
        assertFalse(r.passed());
        assertEquals("failure rate 0.200 % over 0.100 %", r.verdict());
    }

    @Test
    void step_fails_whenMoreThanASecondOfCallsWaitsForASlot() {
        assertTrue(Ramp.evaluate(STEP, 0, 1, 500, 400, 0, 50, 0, 0.1).passed());
        StepResult r = Ramp.evaluate(STEP, 0, 1, 500, 400, 0, 51, 0, 0.1);
        assertFalse(r.passed());
        assertEquals("51 calls waiting for a concurrency slot", r.verdict());
    }

    @Test
    void step_fails_whenMoreThanASecondOfInvitesHasNoResponse() {
        assertTrue(Ramp.evaluate(STEP, 0, 1, 500, 400, 0, 0, 50, 0.1).passed());
        StepResult r = Ramp.evaluate(STEP, 0, 1, 500, 400, 0, 0, 51, 0.1);
        assertFalse(r.passed());
        assertEquals("51 INVITEs without any response", r.verdict());
    }

    @Test
    void sustainedRate_isTheLastPassingStepBeforeTheFirstFailure() {
        StepResult ok10 = new StepResult(0, 10, 0, 1, 10, 10, 0, 0, true, "ok");
        StepResult ok20 = new StepResult(1, 20, 1, 2, 20, 20, 0, 0, true, "ok");
        StepResult bad30 = new StepResult(2, 30, 2, 3, 30, 30, 5, 16.7, false, "x");
        StepResult ok40 = new StepResult(3, 40, 3, 4, 40, 40, 0, 0, true, "ok");
        assertEquals(20.0, Ramp.sustainedRate(List.of(ok10, ok20, bad30, ok40)));
        assertEquals(0.0, Ramp.sustainedRate(List.of(bad30, ok40)));
        assertEquals(40.0, Ramp.sustainedRate(List.of(ok10, ok20, ok40)));
    }
}
