package dev.dialtone.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Every figure of one {@code load} run, as written to {@code --report FILE.json} and drawn by {@code --html}.
 * Latencies are in milliseconds; rates in calls per second; times on the timeline in seconds since the start.
 *
 * @param settings           what was asked for
 * @param startedAt          wall-clock start, ISO-8601 UTC
 * @param durationSeconds    from the first scheduled call to the end of the drain
 * @param counts             calls by how they ended
 * @param failureRatePercent failed calls as a percentage of calls that ended
 * @param passed             whether the failure rate stayed within {@code settings.maxFailureRatePercent}
 * @param failuresByReason   failed calls by reason: {@code timeout}, {@code transport-error}, a status code such
 *                           as {@code 486}, {@code bye-timeout}, ...
 * @param inviteResponses    final responses to INVITE by status code, challenges included
 * @param latencies          histograms by name: {@code postDialDelay} (INVITE to first 18x), {@code setupTime}
 *                           (INVITE to 200), {@code byeTime} (BYE to its final response), {@code startLag}
 *                           (intended to actual INVITE send), {@code inviteFinal1xx..6xx} (INVITE to a final
 *                           response of that class); INVITE latencies count from the intended start
 * @param rtp                media figures with {@code --rtp}, else null
 * @param steps              one entry per ramp step (a single step without a ramp)
 * @param sustainedRate      with a ramp, the highest step rate held within the failure limit; null without one,
 *                           or 0 when even the first step failed
 * @param timeline           one sample a second
 * @param retransmittedRequests requests our transactions sent again on their retransmission timers during the run
 *                           (RFC 3261 Timer A for INVITE, Timer E for BYE and CANCEL), as SIPp's screen counts
 *                           them; null when the driver does not count them
 * @param retransmittedInvites the INVITEs among them (Timer A); null likewise
 * @param receiveDrops       datagrams the kernel dropped on arrival at {@code load}'s own UDP sockets during the
 *                           run, their receive buffer full: responses the target sent that {@code load} never
 *                           read (a call fails or retransmits through no fault of the target); null over TCP or
 *                           TLS, or where the kernel does not say (Linux's /proc/net/udp does)
 */
public record LoadReport(Settings settings, String startedAt, double durationSeconds, Counts counts,
                         double failureRatePercent, boolean passed, Map<String, Long> failuresByReason,
                         Map<String, Long> inviteResponses, Map<String, LatencySummary> latencies, RtpSummary rtp,
                         List<StepResult> steps, Double sustainedRate, List<Sample> timeline,
                         Long retransmittedRequests, Long retransmittedInvites, Long receiveDrops) {

    /** The run's parameters, as the command line gave them (with defaults filled in). */
    public record Settings(String target, String transport, double rate, Long calls, Double durationSeconds,
                           int concurrency, long holdMillis, String hangup, double cancelRate, boolean rtp,
                           boolean auth, double maxFailureRatePercent, Double rateStep, Double rateMax,
                           Double stepDurationSeconds, long startGridMillis, long transactionTimeoutMillis) {
    }

    /**
     * Calls by outcome. {@code scheduled} calls had an intended start; {@code started} sent their INVITE;
     * {@code answered} got a 2xx; {@code completed} ended normally with a BYE; {@code cancelled} were cancelled
     * on purpose ({@code --cancel-rate}) and got 487; {@code failed} ended in a failure (see failuresByReason);
     * {@code unfinished} were still running at the end of the drain and are counted as failed too.
     */
    public record Counts(long scheduled, long started, long answered, long completed, long cancelled, long failed,
                         long unfinished) {
        /** Calls that reached an outcome (success, cancel or failure). */
        public long ended() {
            return completed + cancelled + failed;
        }
    }

    /** One ramp step: its target rate and how the calls scheduled in it fared. */
    public record StepResult(int step, double rate, double startSeconds, double endSeconds, long scheduled,
                             long ended, long failed, double failureRatePercent, boolean passed, String verdict) {
    }

    /**
     * One second of the run (the first at 0, the last at the end of the drain). Counters are cumulative; rates and
     * setup-time percentiles cover the interval just past, the percentiles null when no call was answered in it.
     * {@code retransmitted} (requests sent again on a timer) and {@code dropped} (datagrams the kernel dropped at
     * our full socket: answers the target sent and we never read) count from the run's start, null when the
     * driver cannot tell (no UDP); a second with drops is one where the tool, not the target, lost messages.
     */
    public record Sample(double t, long started, long answered, long failed, double targetRate, double actualRate,
                         int concurrent, int queued, Double setupP50, Double setupP90, Double setupP99,
                         Long retransmitted, Long dropped) {
    }

    /**
     * RTP checked on the echo: every packet carries its send time, so the round trip is measured per packet,
     * loss by sequence number, interarrival jitter as RFC 3550 6.4.1 computes it on the echoed stream.
     */
    public record RtpSummary(long calls, long packetsSent, long packetsReceived, long packetsLost,
                             double lossPercent, LatencySummary roundTrip, LatencySummary jitter) {
    }
}
