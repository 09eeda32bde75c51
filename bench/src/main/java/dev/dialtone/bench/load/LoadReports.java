package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LatencySummary;
import dev.dialtone.bench.report.LoadReport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Assembles the {@link LoadReport} of a finished run from its metrics and the generator's result. */
final class LoadReports {
    private LoadReports() {
    }

    static LoadReport build(LoadReport.Settings settings, Instant startedAt, LoadMetrics m,
                            OpenLoopGenerator.Result result, boolean rtp, Long retransmittedRequests,
                            Long retransmittedInvites, Long receiveDrops) {
        LoadReport.Counts counts = new LoadReport.Counts(m.scheduled.sum(), m.started.sum(), m.answered.sum(),
                m.completed.sum(), m.cancelled.sum(), m.failed.sum(), m.unfinished.sum());
        Map<String, LatencySummary> lat = new LinkedHashMap<>();
        lat.put("postDialDelay", LatencySummary.ofMicros(m.postDial.total()));
        lat.put("setupTime", LatencySummary.ofMicros(m.setup.total()));
        lat.put("byeTime", LatencySummary.ofMicros(m.bye.total()));
        lat.put("startLag", LatencySummary.ofMicros(m.startLag.total()));
        for (int i = 0; i < LoadMetrics.CLASS_NAMES.length; i++) {
            if (m.inviteFinalByClass[i].total().getTotalCount() > 0) {
                lat.put(LoadMetrics.CLASS_NAMES[i], LatencySummary.ofMicros(m.inviteFinalByClass[i].total()));
            }
        }
        LoadReport.RtpSummary rtpSummary = null;
        if (rtp) {
            long sent = m.rtpSent.sum();
            long lost = m.rtpLost.sum();
            rtpSummary = new LoadReport.RtpSummary(m.rtpCalls.sum(), sent, m.rtpReceived.sum(), lost,
                    sent == 0 ? 0 : Ramp.round(100.0 * lost / sent), LatencySummary.ofMicros(m.rtpRoundTrip.total()),
                    LatencySummary.ofMicros(m.rtpJitter.total()));
        }
        double failurePercent = Ramp.round(m.failureRatePercent());
        // A ramp is meant to fail in the end; it passes when at least its first rate was sustained.
        boolean passed = result.sustainedRate() != null ? result.sustainedRate() > 0
                : m.failureRatePercent() <= settings.maxFailureRatePercent();
        return new LoadReport(settings, startedAt.toString(), Ramp.round((result.endNanos() - result.startNanos()) / 1e9),
                counts, failurePercent, passed, m.failuresByReason(), m.inviteResponses(), lat, rtpSummary,
                result.steps(), result.sustainedRate(), result.timeline(), retransmittedRequests,
                retransmittedInvites, receiveDrops);
    }
}
