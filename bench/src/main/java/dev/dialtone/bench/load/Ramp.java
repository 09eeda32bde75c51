package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport.StepResult;

import java.util.List;
import java.util.Locale;

/**
 * Whether a rate was sustained. A step passes when the calls scheduled in it failed no more often than the limit
 * and, at its end, no more than one second's worth of calls was still waiting for a concurrency slot (a growing
 * queue means the target holds calls longer than the rate allows: it is not keeping up, even if nothing failed
 * yet). The ramp stops at the first step that fails; the sustained rate is that of the last step before it.
 *
 * <p>A step also fails, at any second of it, when more than one second's worth of INVITEs has no response at all:
 * a server that will not answer within 200 ms sends a 100 (RFC 3261 17.2.1), so INVITEs that pile up without one
 * mean the target (or this generator) is behind. Waiting for the step's end would let the backlog grow for
 * seconds at a rate it cannot take, and its calls, timing out 32 s later, would fail the steps before it too.
 */
final class Ramp {
    private Ramp() {
    }

    static StepResult evaluate(RateSchedule.Step step, long runStartOffset, long endOffset, long scheduled,
                               long ended, long failed, int waitingAtEnd, long unanswered,
                               double maxFailureRatePercent) {
        double failurePercent = ended == 0 ? 0 : 100.0 * failed / ended;
        String verdict = "ok";
        boolean passed = true;
        if (failurePercent > maxFailureRatePercent) {
            passed = false;
            verdict = String.format(Locale.ROOT, "failure rate %.3f %% over %.3f %%", failurePercent,
                    maxFailureRatePercent);
        } else if (overASecondOf(step.rate(), waitingAtEnd)) {
            passed = false;
            verdict = waitingAtEnd + " calls waiting for a concurrency slot";
        } else if (isOverloaded(step, unanswered)) {
            passed = false;
            verdict = unanswered + " INVITEs without any response";
        }
        return new StepResult(step.index(), step.rate(), (step.startNanos() - runStartOffset) / 1e9,
                endOffset / 1e9, scheduled, ended, failed, round(failurePercent), passed, verdict);
    }

    /** More than one second's worth of the step's rate in INVITEs that nothing answered yet. */
    static boolean isOverloaded(RateSchedule.Step step, long unanswered) {
        return isOverloaded(step.rate(), unanswered);
    }

    /** The same at {@code rate} calls per second (a warm-up's hand-over stops easing in on it). */
    static boolean isOverloaded(double rate, long unanswered) {
        return overASecondOf(rate, unanswered);
    }

    /** Both backlog rules' bound: more than the calls of one second at {@code rate} (at least one). */
    private static boolean overASecondOf(double rate, long calls) {
        return calls > Math.max(1, rate);
    }

    /** The rate of the last step of the passing run from the first step; 0 when the first step failed. */
    static double sustainedRate(List<StepResult> steps) {
        double rate = 0;
        for (StepResult s : steps) {
            if (!s.passed()) {
                break;
            }
            rate = s.rate();
        }
        return rate;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
