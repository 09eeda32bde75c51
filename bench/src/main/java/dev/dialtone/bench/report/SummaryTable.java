package dev.dialtone.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plain-text summary printed at the end of a run. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String render(LoadReport r) {
        StringBuilder sb = new StringBuilder(2048);
        LoadReport.Settings s = r.settings();
        LoadReport.Counts c = r.counts();
        sb.append(String.format(Locale.ROOT, "load %s over %s: %.1f s%n", s.target(), s.transport(),
                r.durationSeconds()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"scheduled", Long.toString(c.scheduled())});
        rows.add(new String[] {"started", Long.toString(c.started())});
        rows.add(new String[] {"answered", Long.toString(c.answered())});
        rows.add(new String[] {"completed", Long.toString(c.completed())});
        rows.add(new String[] {"cancelled", Long.toString(c.cancelled())});
        rows.add(new String[] {"failed", Long.toString(c.failed())
                + (c.unfinished() > 0 ? " (" + c.unfinished() + " unfinished)" : "")});
        for (Map.Entry<String, Long> e : r.failuresByReason().entrySet()) {
            rows.add(new String[] {"  " + e.getKey(), Long.toString(e.getValue())});
        }
        if (r.retransmittedRequests() != null) {
            rows.add(new String[] {"retransmitted requests", r.retransmittedRequests()
                    + (r.retransmittedInvites() == null ? "" : " (INVITE " + r.retransmittedInvites() + ")")});
        }
        if (r.receiveDrops() != null) {
            rows.add(new String[] {"dropped on arrival", r.receiveDrops() + " (our receive buffer full)"});
        }
        String verdict = r.passed() ? "PASS" : "FAIL";
        if (r.sustainedRate() == null) {
            rows.add(new String[] {"failure rate", String.format(Locale.ROOT, "%.3f %% (limit %.3f %%) %s",
                    r.failureRatePercent(), s.maxFailureRatePercent(), verdict)});
        } else {
            // A ramp ends on a step over the limit, so its failures overall say nothing of a verdict: that is
            // whether some rate held, each step judged by itself.
            rows.add(new String[] {"failure rate", String.format(Locale.ROOT,
                    "%.3f %% over the whole ramp (limit %.3f %% per step)", r.failureRatePercent(),
                    s.maxFailureRatePercent())});
            rows.add(new String[] {"sustained rate", String.format(Locale.ROOT, "%.1f cps %s", r.sustainedRate(),
                    verdict)});
        }
        appendTable(sb, new String[] {"calls", ""}, rows);

        sb.append(System.lineSeparator());
        List<String[]> lat = new ArrayList<>();
        for (Map.Entry<String, LatencySummary> e : r.latencies().entrySet()) {
            LatencySummary l = e.getValue();
            if (l.count() == 0) {
                continue;
            }
            lat.add(new String[] {e.getKey(), Long.toString(l.count()), f(l.min()), f(l.p50()), f(l.p90()),
                    f(l.p99()), f(l.p999()), f(l.max())});
        }
        appendTable(sb, new String[] {"latency (ms)", "count", "min", "p50", "p90", "p99", "p99.9", "max"}, lat);

        if (!r.inviteResponses().isEmpty()) {
            sb.append(System.lineSeparator()).append("INVITE final responses:");
            r.inviteResponses().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            sb.append(System.lineSeparator());
        }
        if (r.rtp() != null) {
            LoadReport.RtpSummary m = r.rtp();
            sb.append(System.lineSeparator()).append(String.format(Locale.ROOT,
                    "RTP: %d calls, %d sent, %d echoed, %d lost (%.3f %%), round trip p50 %s ms p99 %s ms,"
                            + " jitter p50 %s ms max %s ms%n",
                    m.calls(), m.packetsSent(), m.packetsReceived(), m.packetsLost(), m.lossPercent(),
                    f(m.roundTrip().p50()), f(m.roundTrip().p99()), f(m.jitter().p50()), f(m.jitter().max())));
        }
        if (r.steps().size() > 1) {
            sb.append(System.lineSeparator());
            List<String[]> steps = new ArrayList<>();
            for (LoadReport.StepResult st : r.steps()) {
                steps.add(new String[] {Integer.toString(st.step()), String.format(Locale.ROOT, "%.1f", st.rate()),
                        Long.toString(st.scheduled()), Long.toString(st.failed()),
                        String.format(Locale.ROOT, "%.3f", st.failureRatePercent()), st.verdict()});
            }
            appendTable(sb, new String[] {"step", "cps", "scheduled", "failed", "fail %", "verdict"}, steps);
        }
        return sb.toString();
    }

    private static String f(double ms) {
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : "%.2f", ms);
    }

    private static void appendTable(StringBuilder sb, String[] head, List<String[]> rows) {
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        appendRow(sb, head, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        sb.append(rule).append(System.lineSeparator());
        for (String[] row : rows) {
            appendRow(sb, row, w);
        }
    }

    private static void appendRow(StringBuilder sb, String[] row, int[] w) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            if (i == 0) {
                line.append(row[i]).append(" ".repeat(w[i] - row[i].length()));
            } else {
                line.append("  ").append(" ".repeat(w[i] - row[i].length())).append(row[i]);
            }
        }
        sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
}
