package dev.dialtone.bench.report;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A report as a 30-second run would produce it, for the writer tests. */
final class Reports {
    private Reports() {
    }

    static LoadReport sample() {
        Random random = new Random(42);
        Histogram setup = new Histogram(3);
        for (int i = 0; i < 600; i++) {
            setup.recordValue(2000 + (long) (Math.exp(random.nextGaussian()) * 3000));
        }
        Histogram bye = new Histogram(3);
        for (int i = 0; i < 590; i++) {
            bye.recordValue(500 + random.nextInt(1500));
        }
        Map<String, LatencySummary> lat = new LinkedHashMap<>();
        lat.put("postDialDelay", LatencySummary.ofMicros(setup));
        lat.put("setupTime", LatencySummary.ofMicros(setup));
        lat.put("byeTime", LatencySummary.ofMicros(bye));
        lat.put("startLag", LatencySummary.EMPTY);
        List<LoadReport.Sample> tl = new ArrayList<>();
        for (int t = 1; t <= 30; t++) {
            double p50 = 3 + random.nextDouble();
            tl.add(new LoadReport.Sample(t, 20L * t, 20L * t - 3, t / 10, 20, 19 + random.nextDouble() * 2,
                    40 + random.nextInt(5), t > 25 ? 3 : 0, p50, p50 * 2, p50 * 4 + random.nextDouble() * 10,
                    (long) t * t, t > 20 ? 100L * (t - 20) : 0L));
        }
        Map<String, Long> failures = new LinkedHashMap<>();
        failures.put("timeout", 2L);
        failures.put("486", 1L);
        Map<String, Long> responses = new LinkedHashMap<>();
        responses.put("200", 597L);
        responses.put("486", 1L);
        LoadReport.Settings settings = new LoadReport.Settings("sip:127.0.0.1:5060", "UDP", 20, null, 30.0, 0,
                2000, "caller", 0, true, false, 0.1, null, null, null, 10, 32_000);
        LoadReport.RtpSummary rtp = new LoadReport.RtpSummary(597, 59_700, 59_690, 10, 0.017,
                LatencySummary.ofMicros(bye), LatencySummary.ofMicros(bye));
        return new LoadReport(settings, "2026-11-23T18:00:00Z", 32.5,
                new LoadReport.Counts(600, 600, 597, 597, 0, 3, 0), 0.5, false, failures, responses, lat, rtp,
                List.of(new LoadReport.StepResult(0, 20, 0, 30, 600, 600, 3, 0.5, false, "failure rate")), null, tl, 12L, 5L, 0L);
    }
}
