package dev.dialtone.media.stats;

import java.util.OptionalDouble;

/**
 * The statistics of one relay leg: the stream its far end sends (in) and the packets the relay
 * sends it (out). Not thread-safe: the relay feeds it from the leg's event loop and passes every
 * arrival time in, so the class reads no clock and tests drive it with crafted times.
 */
public final class RtpStreamStats {

    /** Arrivals of a stream's first packets only prime the inter-arrival clock. */
    static final int VARIANCE_WARMUP_PACKETS = 3;
    /** Inter-arrival samples needed before the running variance counts towards min/max. */
    static final int VARIANCE_MIN_SAMPLES = 5;
    /** A flaw right after another flaw counts this much instead of 1. */
    static final int CONSECUTIVE_FLAW_WEIGHT = 3;
    private static final int SENDER_REPORTS_REMEMBERED = 8;

    private StatsConfig config;
    private final SequenceTracker sequence = new SequenceTracker();
    private final JitterBufferModel jitterBuffer;

    private long mediaIn;
    private long dtmfIn;
    private long mediaOut;
    private long dtmfOut;
    private long foreignDropped;
    private long mediaTimeouts;

    private boolean haveSsrc;
    private long ssrc;

    private boolean havePrevMedia;
    private int prevMediaSeq;
    private long prevMediaTimestamp;
    private double ptimeSumMs;
    private long ptimeSamples;

    private boolean haveTransit;
    private double transit;
    private double jitter;

    private long streamPackets;
    private long lastArrivalNanos;
    private boolean primed;
    private long varianceSamples;
    private double varianceMean;
    private double varianceM2;
    private double minVariance = Double.NaN;
    private double maxVariance = Double.NaN;

    private long flaws;
    private boolean previousSlotFlawed;

    private final long[] srNtpMiddle = new long[SENDER_REPORTS_REMEMBERED];
    private final long[] srSentNanos = new long[SENDER_REPORTS_REMEMBERED];
    private int srNext;
    private double rttMs = Double.NaN;
    private long lastSrFromSource;
    private long lastSrArrivalNanos;

    public RtpStreamStats(StatsConfig config) {
        this.config = config;
        this.jitterBuffer = new JitterBufferModel(config.jitterBufferDelay().toNanos(),
                config.jitterBufferMaxPackets(), config.clockRate());
    }

    /** Switches to a newly negotiated clock rate and telephone-event payload type; counts are kept. */
    public void format(int clockRate, int telephoneEventPayloadType) {
        StatsConfig next = config.toBuilder().clockRate(clockRate)
                .telephoneEventPayloadType(telephoneEventPayloadType).build();
        if (next.clockRate() != config.clockRate()) {
            jitterBuffer.clockRate(clockRate);
            haveTransit = false;
            havePrevMedia = false;
        }
        config = next;
    }

    public StatsConfig config() {
        return config;
    }

    /**
     * One RTP packet received from the far end, from the source the relay accepts.
     *
     * @param arrivalNanos arrival time on any monotonic nanosecond clock
     */
    public void onReceived(long ssrc, int seq, long timestamp, int payloadType, boolean marker, long arrivalNanos) {
        if (!haveSsrc || ssrc != this.ssrc) {
            if (haveSsrc) {
                newSource();
            }
            haveSsrc = true;
            this.ssrc = ssrc;
        }
        SequenceTracker.Outcome order = sequence.update(seq);
        addFlaws(sequence.lastGap());

        if (payloadType == config.telephoneEventPayloadType()) {
            dtmfIn++;
            // RFC 4733 packets repeat the event's start timestamp: they say nothing of the audio clock
            primed = false;
            havePrevMedia = false;
            return;
        }
        mediaIn++;
        boolean inOrder = order == SequenceTracker.Outcome.IN_ORDER || order == SequenceTracker.Outcome.FIRST
                || order == SequenceTracker.Outcome.RESTART;
        measurePtime(seq, timestamp, marker, inOrder);
        measureJitter(timestamp, arrivalNanos);
        measureVariance(arrivalNanos);

        JitterBufferModel.Outcome playout = jitterBuffer.offer(timestamp, arrivalNanos);
        if (playout == JitterBufferModel.Outcome.FLUSHED_AND_QUEUED) {
            addFlaws(jitterBuffer.lastFlushSize());
        }
        if (playout != JitterBufferModel.Outcome.SKIPPED) {
            previousSlotFlawed = false;
        }
    }

    private void measurePtime(int seq, long timestamp, boolean marker, boolean inOrder) {
        if (!inOrder) {
            return;
        }
        if (havePrevMedia && !marker && seq == ((prevMediaSeq + 1) & 0xFFFF)) {
            long step = (int) (timestamp - prevMediaTimestamp);
            if (step > 0 && step <= config.clockRate()) {
                ptimeSumMs += step * 1000.0 / config.clockRate();
                ptimeSamples++;
            }
        }
        havePrevMedia = true;
        prevMediaSeq = seq;
        prevMediaTimestamp = timestamp;
    }

    private void measureJitter(long timestamp, long arrivalNanos) {
        // RFC 3550 A.8: transit time in timestamp units; J += (|D| - J) / 16
        double arrival = arrivalNanos / 1e9 * config.clockRate();
        double t = arrival - (timestamp & 0xFFFFFFFFL);
        if (haveTransit) {
            double d = Math.abs(t - transit);
            // a timestamp wrap or restart is a discontinuity of 2^32 units, not jitter
            if (d < config.clockRate() * 10.0) {
                jitter += (d - jitter) / 16;
            }
        }
        transit = t;
        haveTransit = true;
    }

    private void measureVariance(long arrivalNanos) {
        streamPackets++;
        if (!primed || streamPackets <= VARIANCE_WARMUP_PACKETS) {
            primed = true;
            lastArrivalNanos = arrivalNanos;
            return;
        }
        double deltaMs = (arrivalNanos - lastArrivalNanos) / 1e6;
        lastArrivalNanos = arrivalNanos;
        // Welford's running mean and variance
        varianceSamples++;
        double before = deltaMs - varianceMean;
        varianceMean += before / varianceSamples;
        varianceM2 += before * (deltaMs - varianceMean);
        if (varianceSamples >= VARIANCE_MIN_SAMPLES) {
            double variance = varianceM2 / varianceSamples;
            minVariance = Double.isNaN(minVariance) ? variance : Math.min(minVariance, variance);
            maxVariance = Double.isNaN(maxVariance) ? variance : Math.max(maxVariance, variance);
        }
    }

    private void addFlaws(int count) {
        if (count <= 0) {
            return;
        }
        flaws += (previousSlotFlawed ? CONSECUTIVE_FLAW_WEIGHT : 1) + (long) CONSECUTIVE_FLAW_WEIGHT * (count - 1);
        previousSlotFlawed = true;
    }

    private void newSource() {
        sequence.newSource();
        jitterBuffer.reset();
        haveTransit = false;
        havePrevMedia = false;
        primed = false;
        streamPackets = 0;
    }

    /** One RTP packet the relay sent to the far end. */
    public void onSent(int payloadType) {
        if (payloadType == config.telephoneEventPayloadType()) {
            dtmfOut++;
        } else {
            mediaOut++;
        }
    }

    /** A packet from a source other than the latched one was dropped (possible hijack). */
    public void onForeignSourceDropped() {
        foreignDropped++;
    }

    /** The far end sent nothing for the configured media timeout: a flaw, and the clocks restart. */
    public void onMediaTimeout() {
        mediaTimeouts++;
        addFlaws(1);
        jitterBuffer.reset();
        primed = false;
        haveTransit = false;
    }

    /**
     * An RTCP sender report was sent to the far end. RFC 3550 6.4.1: the far end's report blocks
     * echo the middle 32 bits of its NTP timestamp as LSR.
     */
    public void onSenderReportSent(long ntpMiddle32, long nowNanos) {
        srNtpMiddle[srNext] = ntpMiddle32 & 0xFFFFFFFFL;
        srSentNanos[srNext] = nowNanos;
        srNext = (srNext + 1) % SENDER_REPORTS_REMEMBERED;
    }

    /**
     * A report block received from the far end. RFC 3550 6.4.1: RTT = A - LSR - DLSR, here with A
     * and LSR taken on the relay's own clock by matching LSR to a sender report the relay sent.
     *
     * @param lastSr the block's LSR field
     * @param delaySinceLastSr the block's DLSR field, in units of 1/65536 s
     */
    public void onReportBlock(long lastSr, long delaySinceLastSr, long nowNanos) {
        if (lastSr == 0) {
            return;
        }
        for (int i = 0; i < SENDER_REPORTS_REMEMBERED; i++) {
            if (srSentNanos[i] != 0 && srNtpMiddle[i] == (lastSr & 0xFFFFFFFFL)) {
                long dlsrNanos = (delaySinceLastSr & 0xFFFFFFFFL) * 1_000_000_000L / 65536;
                long rtt = nowNanos - srSentNanos[i] - dlsrNanos;
                if (rtt >= 0) {
                    rttMs = rtt / 1e6;
                }
                return;
            }
        }
    }

    /** An RTCP sender report arrived from the far end: its report blocks will echo it as LSR. */
    public void onSenderReportReceived(long ntpMiddle32, long nowNanos) {
        lastSrFromSource = ntpMiddle32 & 0xFFFFFFFFL;
        lastSrArrivalNanos = nowNanos;
    }

    /**
     * The reception report block for the stream received so far, or null before its first packet.
     * Each call starts a new interval for the fraction lost (RFC 3550 A.3).
     */
    public ReceptionReport receptionReport(long nowNanos) {
        if (!haveSsrc) {
            return null;
        }
        long dlsr = 0;
        if (lastSrFromSource != 0) {
            dlsr = Math.max(0, (nowNanos - lastSrArrivalNanos) * 65536 / 1_000_000_000L) & 0xFFFFFFFFL;
        }
        return new ReceptionReport(ssrc, sequence.fractionLostSinceLastReport(), sequence.cumulativeLost(),
                sequence.extendedHighestSeq() & 0xFFFFFFFFL, (long) jitter & 0xFFFFFFFFL, lastSrFromSource, dlsr);
    }

    public LegStats snapshot() {
        long expected = sequence.expected();
        long lost = sequence.lost();
        double lossPercent = expected > 0 ? 100.0 * lost / expected : 0;
        double jitterMs = jitter * 1000 / config.clockRate();
        double r = Mos.lossBasedR(mediaIn, flaws);
        OptionalDouble rtt = Double.isNaN(rttMs) ? OptionalDouble.empty() : OptionalDouble.of(rttMs);
        double eModel = Mos.eModel(rtt.orElse(0), jitterMs, lossPercent);
        return new LegStats(mediaIn, dtmfIn, mediaOut, dtmfOut,
                ptimeSamples > 0 ? ptimeSumMs / ptimeSamples : 0,
                jitterBuffer.skipped(), jitterBuffer.flushed(), jitterBuffer.largest(),
                Double.isNaN(minVariance) ? 0 : minVariance, Double.isNaN(maxVariance) ? 0 : maxVariance,
                Mos.fromR(r), r, flaws, expected, lost, lossPercent, sequence.outOfOrder(), jitterMs, rtt, eModel,
                foreignDropped, mediaTimeouts);
    }
}
