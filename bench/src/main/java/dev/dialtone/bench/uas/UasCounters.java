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

    // Every counter by its name in snapshot(), in that order: the one list that reset() and snapshot() walk.
    private final Map<String, LongAdder> byName = new LinkedHashMap<>();

    public UasCounters() {
        byName.put("invites", invites);
        byName.put("challenged", challenged);
        byName.put("answered", answered);
        byName.put("busy", busy);
        byName.put("unanswered", unanswered);
        byName.put("cancelled", cancelled);
        byName.put("notAcceptable", notAcceptable);
        byName.put("completed", completed);
        byName.put("hungUp", hungUp);
        byName.put("failed", failed);
        byName.put("options", options);
        byName.put("registers", registers);
    }

    /** Zeroes every counter (after a warm-up, so that a load test's figures start at its first call). */
    void reset() {
        byName.values().forEach(LongAdder::reset);
    }

    /**
     * Every counter by name, in a stable order: {@code invites} (including challenged ones), {@code challenged}
     * (401 sent), {@code answered} (200), {@code busy} (486), {@code unanswered} (rang until cancelled),
     * {@code cancelled}, {@code notAcceptable} (488), {@code completed} (caller's BYE), {@code hungUp} (our BYE),
     * {@code failed} (no ACK, session or media failure, 503), {@code options}, {@code registers}.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        byName.forEach((name, counter) -> m.put(name, counter.sum()));
        return m;
    }
}
