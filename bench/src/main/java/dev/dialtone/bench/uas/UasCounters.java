package dev.dialtone.bench.uas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the {@link Uas} has done since it started. Thread-safe; read with {@link #snapshot()}. */
public final class UasCounters {
    final LongAdder invites = new LongAdder();
    final LongAdder challenged = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder busy = new LongAdder();
    final LongAdder unanswered = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder notAcceptable = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder hungUp = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder options = new LongAdder();
    final LongAdder registers = new LongAdder();

    /** Zeroes every counter (after a warm-up, so that a load test's figures start at its first call). */
    void reset() {
        for (LongAdder a : new LongAdder[] {invites, challenged, answered, busy, unanswered, cancelled, notAcceptable,
                completed, hungUp, failed, options, registers}) {
            a.reset();
        }
    }

    /**
     * Every counter by name, in a stable order: {@code invites} (including challenged ones), {@code challenged}
     * (401 sent), {@code answered} (200), {@code busy} (486), {@code unanswered} (rang until cancelled),
     * {@code cancelled}, {@code notAcceptable} (488), {@code completed} (caller's BYE), {@code hungUp} (our BYE),
     * {@code failed} (no ACK, session or media failure, 503), {@code options}, {@code registers}.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("invites", invites.sum());
        m.put("challenged", challenged.sum());
        m.put("answered", answered.sum());
        m.put("busy", busy.sum());
        m.put("unanswered", unanswered.sum());
        m.put("cancelled", cancelled.sum());
        m.put("notAcceptable", notAcceptable.sum());
        m.put("completed", completed.sum());
        m.put("hungUp", hungUp.sum());
        m.put("failed", failed.sum());
        m.put("options", options.sum());
        m.put("registers", registers.sum());
        return m;
    }
}
