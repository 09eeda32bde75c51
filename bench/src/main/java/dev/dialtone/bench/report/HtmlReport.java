package dev.dialtone.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code --html FILE.html} page: one self-contained file (inline CSS and SVG, no script, nothing fetched)
 * with the summary and plots of rate, concurrency, setup-time percentiles over time, the setup-time
 * distribution and failures by reason.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(LoadReport report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(report));
    }

    public static String render(LoadReport r) {
        LoadReport.Settings s = r.settings();
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.append("<title>Dialtone load: ").append(SvgChart.escape(s.target())).append("</title>\n");
        sb.append("<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222;background:#fff}\n")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}\n")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 10px;")
                .append("text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}\n")
                .append(".pass{color:#fff;background:#2ca02c;padding:2px 8px}")
                .append(".fail{color:#fff;background:#d62728;padding:2px 8px}\n")
                .append("svg.chart{display:block;margin:8px 0;font-size:12px}svg .t{font-size:15px;font-weight:bold}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>Load test of ").append(SvgChart.escape(s.target())).append(" over ")
                .append(SvgChart.escape(s.transport())).append("</h1>\n");
        sb.append("<p>Started ").append(SvgChart.escape(r.startedAt())).append(", ")
                .append(String.format(Locale.ROOT, "%.1f", r.durationSeconds())).append(" s. Verdict: <span class=\"")
                .append(r.passed() ? "pass\">PASS" : "fail\">FAIL").append("</span> ")
                .append(r.sustainedRate() == null
                        ? String.format(Locale.ROOT, "failure rate %.3f %% (limit %.3f %%)", r.failureRatePercent(),
                                s.maxFailureRatePercent())
                        : String.format(Locale.ROOT, "sustained rate %.1f cps (each step within %.3f %% failed), "
                                + "failure rate %.3f %% over the whole ramp", r.sustainedRate(),
                                s.maxFailureRatePercent(), r.failureRatePercent()));
        sb.append(".</p>\n");


        List<LoadReport.Sample> tl = r.timeline();
        String[] c = SvgChart.PALETTE;
        sb.append("<h2>Plots</h2>\n");
        sb.append(SvgChart.lines("Call rate", "time (s)", "calls per second", List.of(
                series("target", c[7], tl, LoadReport.Sample::targetRate),
                series("started", c[0], tl, LoadReport.Sample::actualRate))));
        sb.append(SvgChart.lines("Concurrent calls", "time (s)", "calls", List.of(
                series("in progress", c[0], tl, x -> (double) x.concurrent()),
                series("waiting for a slot", c[3], tl, x -> (double) x.queued()))));
        sb.append(SvgChart.lines("Setup time (INVITE to 200, from the intended start)", "time (s)", "ms", List.of(
                series("p50", c[2], tl, LoadReport.Sample::setupP50),
                series("p90", c[3], tl, LoadReport.Sample::setupP90),
                series("p99", c[1], tl, LoadReport.Sample::setupP99))));
        if (tl.stream().anyMatch(x -> x.retransmitted() != null || x.dropped() != null)) {
            sb.append(SvgChart.lines("Requests sent again, and answers dropped at our socket", "time (s)",
                    "per second", List.of(
                    perSecond("retransmitted", c[3], tl, LoadReport.Sample::retransmitted),
                    perSecond("dropped (our receive buffer full)", c[1], tl, LoadReport.Sample::dropped))));
        }
        LatencySummary setup = r.latencies().get("setupTime");
        if (setup != null) {
            sb.append(distribution("Setup-time distribution", setup));
        }
        List<String> reasons = new ArrayList<>(r.failuresByReason().keySet());
        List<Long> counts = reasons.stream().map(k -> r.failuresByReason().get(k)).toList();
        sb.append(SvgChart.bars("Failures by reason", reasons, counts));
        if (r.steps().size() > 1) {
            steps(sb, r.steps());
        }
        counts(sb, r);
        latencies(sb, r.latencies());
        settings(sb, s);
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** One value per sample against its time; samples without a value (null) are left out. */
    private static SvgChart.Series series(String name, String color, List<LoadReport.Sample> tl,
                                          Function<LoadReport.Sample, Double> value) {
        double[] x = new double[tl.size()];
        double[] y = new double[tl.size()];
        int n = 0;
        for (LoadReport.Sample s : tl) {
            Double v = value.apply(s);
            if (v != null) {
                x[n] = s.t();
                y[n] = v;
                n++;
            }
        }
        return new SvgChart.Series(name, color, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
    }

    /** The increase of a cumulative counter per second of the timeline; samples without it are left out. */
    private static SvgChart.Series perSecond(String name, String color, List<LoadReport.Sample> tl,
                                             Function<LoadReport.Sample, Long> counter) {
        double[] x = new double[tl.size()];
        double[] y = new double[tl.size()];
        int n = 0;
        LoadReport.Sample before = null;
        for (LoadReport.Sample s : tl) {
            Long now = counter.apply(s);
            Long then = before == null ? null : counter.apply(before);
            if (now != null && then != null && s.t() > before.t()) {
                x[n] = s.t();
                y[n] = (now - then) / (s.t() - before.t());
                n++;
            }
            if (now != null) {
                before = s;
            }
        }
        return new SvgChart.Series(name, color, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
    }

    /** Percentile plot with the x axis stretched toward the tail: x = log10(1 / (1 - percentile)). */
    private static String distribution(String title, LatencySummary l) {
        List<LatencySummary.Point> pts = l.distribution();
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        int n = 0;
        for (LatencySummary.Point p : pts) {
            double q = p.percentile() / 100.0;
            if (q >= 1.0) {
                continue;
            }
            x[n] = Math.log10(1.0 / (1.0 - q));
            y[n] = p.value();
            n++;
        }
        double[] xs = Arrays.copyOf(x, n);
        double[] ys = Arrays.copyOf(y, n);
        List<SvgChart.Tick> ticks = new ArrayList<>();
        String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        double maxX = n == 0 ? 0 : xs[n - 1];
        for (int i = 0; i < names.length && i <= Math.ceil(maxX); i++) {
            ticks.add(new SvgChart.Tick(i, names[i]));
        }
        return SvgChart.lines(title, "percentile", "ms",
                List.of(new SvgChart.Series("setup time", SvgChart.PALETTE[0], xs, ys)), ticks);
    }

    private static void settings(StringBuilder sb, LoadReport.Settings s) {
        sb.append("<h2>Settings</h2>\n<table>\n");
        row(sb, "target", s.target());
        row(sb, "transport", s.transport());
        row(sb, "rate", String.format(Locale.ROOT, "%.2f cps", s.rate()));
        if (s.calls() != null) {
            row(sb, "calls", s.calls().toString());
        }
        if (s.durationSeconds() != null) {
            row(sb, "duration", s.durationSeconds() + " s");
        }
        if (s.rateStep() != null) {
            row(sb, "ramp", String.format(Locale.ROOT, "+%.2f cps every %.1f s up to %.2f cps", s.rateStep(),
                    s.stepDurationSeconds(), s.rateMax()));
        }
        row(sb, "concurrency cap", s.concurrency() > 0 ? Integer.toString(s.concurrency()) : "none");
        if (s.concurrency() == 0) {
            row(sb, "start grid", s.startGridMillis() > 0 ? s.startGridMillis() + " ms" : "none");
        }
        row(sb, "hold", s.holdMillis() + " ms");
        row(sb, "transaction timeout", s.transactionTimeoutMillis() + " ms");
        row(sb, "hangup", s.hangup());
        row(sb, "cancel rate", String.format(Locale.ROOT, "%.3f", s.cancelRate()));
        row(sb, "RTP", s.rtp() ? "yes" : "no");
        row(sb, "digest auth", s.auth() ? "yes" : "no");
        sb.append("</table>\n");
    }

    private static void counts(StringBuilder sb, LoadReport r) {
        LoadReport.Counts c = r.counts();
        sb.append("<h2>Calls</h2>\n<table>\n");
        row(sb, "scheduled", Long.toString(c.scheduled()));
        row(sb, "started", Long.toString(c.started()));
        row(sb, "answered", Long.toString(c.answered()));
        row(sb, "completed", Long.toString(c.completed()));
        row(sb, "cancelled", Long.toString(c.cancelled()));
        row(sb, "failed", Long.toString(c.failed()));
        row(sb, "of which unfinished", Long.toString(c.unfinished()));
        for (Map.Entry<String, Long> e : r.failuresByReason().entrySet()) {
            row(sb, "failed: " + e.getKey(), e.getValue().toString());
        }
        for (Map.Entry<String, Long> e : r.inviteResponses().entrySet()) {
            row(sb, "INVITE answered " + e.getKey(), e.getValue().toString());
        }
        if (r.rtp() != null) {
            LoadReport.RtpSummary m = r.rtp();
            row(sb, "RTP packets sent / echoed / lost", m.packetsSent() + " / " + m.packetsReceived() + " / "
                    + m.packetsLost() + String.format(Locale.ROOT, " (%.3f %%)", m.lossPercent()));
        }
        sb.append("</table>\n");
    }

    private static void latencies(StringBuilder sb, Map<String, LatencySummary> latencies) {
        sb.append("<h2>Latency (ms)</h2>\n<table>\n<tr><th>measure</th><th>count</th><th>min</th><th>mean</th>")
                .append("<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n");
        for (Map.Entry<String, LatencySummary> e : latencies.entrySet()) {
            LatencySummary l = e.getValue();
            sb.append("<tr><td>").append(SvgChart.escape(e.getKey())).append("</td><td>").append(l.count());
            for (double v : new double[] {l.min(), l.mean(), l.p50(), l.p90(), l.p99(), l.p999(), l.max()}) {
                sb.append("</td><td>").append(String.format(Locale.ROOT, "%.2f", v));
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void steps(StringBuilder sb, List<LoadReport.StepResult> steps) {
        sb.append("<h2>Ramp steps</h2>\n<table>\n<tr><th>step</th><th>cps</th><th>from (s)</th><th>scheduled</th>")
                .append("<th>ended</th><th>failed</th><th>fail %</th><th>verdict</th></tr>\n");
        for (LoadReport.StepResult st : steps) {
            sb.append(String.format(Locale.ROOT,
                    "<tr><td>%d</td><td>%.2f</td><td>%.1f</td><td>%d</td><td>%d</td><td>%d</td><td>%.3f</td>"
                            + "<td>%s</td></tr>%n", st.step(), st.rate(), st.startSeconds(), st.scheduled(),
                    st.ended(), st.failed(), st.failureRatePercent(), SvgChart.escape(st.verdict())));
        }
        sb.append("</table>\n");
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><td>").append(SvgChart.escape(k)).append("</td><td>").append(SvgChart.escape(v))
                .append("</td></tr>\n");
    }
}
