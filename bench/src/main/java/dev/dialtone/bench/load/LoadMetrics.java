package dev.dialtone.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters and histograms of one run. Recording is thread-safe and lock-free; rolling is the ticker's job. */
final class LoadMetrics {
    static final String[] CLASS_NAMES = {"inviteFinal1xx", "inviteFinal2xx", "inviteFinal3xx", "inviteFinal4xx",
        "inviteFinal5xx", "inviteFinal6xx"};

    final LongAdder scheduled = new LongAdder();
    final LongAdder started = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder unfinished = new LongAdder();
    /** Calls whose INVITE left without any response yet (see {@link Ramp}). */
    final LongAdder unanswered = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    // Indexed by status code: counted once per response, without boxing or a map lookup.
    private final java.util.concurrent.atomic.AtomicLongArray inviteResponses = new java.util.concurrent.atomic.AtomicLongArray(700);

    final Latency postDial = new Latency();
    final Latency setup = new Latency();
    final Latency bye = new Latency();
    final Latency startLag = new Latency();
    final Latency[] inviteFinalByClass = new Latency[6];

    final LongAdder rtpCalls = new LongAdder();
    final LongAdder rtpSent = new LongAdder();
    final LongAdder rtpReceived = new LongAdder();
    final LongAdder rtpLost = new LongAdder();
    final Latency rtpRoundTrip = new Latency();
    final Latency rtpJitter = new Latency();

    final StepCounters[] steps;

    /** Per ramp step, by the step of each call's intended start. */
    static final class StepCounters {
        final AtomicLong scheduled = new AtomicLong();
        final AtomicLong ended = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
    }

    LoadMetrics(int stepCount) {
        for (int i = 0; i < inviteFinalByClass.length; i++) {
            inviteFinalByClass[i] = new Latency();
        }
        steps = new StepCounters[stepCount];
        for (int i = 0; i < stepCount; i++) {
            steps[i] = new StepCounters();
        }
    }

    void failure(String reason) {
        failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    void inviteResponse(int status) {
        if (status >= 100 && status < 700) {
            inviteResponses.incrementAndGet(status);
        }
    }

    /** Failed calls by reason, most frequent first, then by name. */
    Map<String, Long> failuresByReason() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        failures.entrySet().stream()
                .sorted((a, b) -> {
                    int c = Long.compare(b.getValue().sum(), a.getValue().sum());
                    return c != 0 ? c : a.getKey().compareTo(b.getKey());
                })
                .forEach(e -> out.put(e.getKey(), e.getValue().sum()));
        return out;
    }

    Map<String, Long> inviteResponses() {
        Map<String, Long> out = new TreeMap<>();
        for (int status = 100; status < 700; status++) {
            long n = inviteResponses.get(status);
            if (n > 0) {
                out.put(Integer.toString(status), n);
            }
        }
        return out;
    }

    long ended() {
        return completed.sum() + cancelled.sum() + failed.sum();
    }

    /** Failed calls as a percentage of the calls that ended; 0 before any ended. */
    double failureRatePercent() {
        long ended = ended();
        return ended == 0 ? 0 : 100.0 * failed.sum() / ended;
    }
}
