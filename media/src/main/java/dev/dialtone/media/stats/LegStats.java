package dev.dialtone.media.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A snapshot of one leg's RTP statistics. "In" is what the leg's far end sent to the relay,
 * "out" what the relay sent to it. media/STATS.md defines every field.
 *
 * @param averagePtimeMs mean packetization time of received media, from RTP timestamp steps
 * @param jitterMinVariance smallest running variance of the inter-arrival time, ms²
 * @param jitterMaxVariance largest running variance of the inter-arrival time, ms²
 * @param mos loss-based MOS (FreeSWITCH's rtp_audio_in_mos)
 * @param rFactor the percentage of received packets without flaws behind {@link #mos}
 * @param lossPercent packets lost as a percentage of those expected, over the leg's life
 * @param jitterMs RFC 3550 A.8 interarrival jitter, ms
 * @param roundTripTimeMs RTT between the relay and the far end from RTCP LSR/DLSR, when measured
 * @param eModelMos simplified G.107 E-model MOS from RTT, jitter and loss
 */
public record LegStats(
        long mediaPacketsIn,
        long dtmfPacketsIn,
        long mediaPacketsOut,
        long dtmfPacketsOut,
        double averagePtimeMs,
        long skipPacketsIn,
        long flushPacketsIn,
        int largestJbSize,
        double jitterMinVariance,
        double jitterMaxVariance,
        double mos,
        double rFactor,
        long flaws,
        long packetsExpected,
        long packetsLost,
        double lossPercent,
        long packetsOutOfOrder,
        double jitterMs,
        OptionalDouble roundTripTimeMs,
        double eModelMos,
        long foreignPacketsDropped,
        long mediaTimeouts) {

    /** The statusCallback field names of seeds/002 (FreeSWITCH's rtp_audio_in_* in CamelCase). */
    public static final String AUDIO_IN_AVERAGE_PTIME = "AudioInAveragePtime";
    public static final String AUDIO_IN_DTMF_PACKET_COUNT = "AudioInDtmfPacketCount";
    public static final String AUDIO_IN_FLUSH_PACKET_COUNT = "AudioInFlushPacketCount";
    public static final String AUDIO_IN_JITTER_MAX_VARIANCE = "AudioInJitterMaxVariance";
    public static final String AUDIO_IN_JITTER_MIN_VARIANCE = "AudioInJitterMinVariance";
    public static final String AUDIO_IN_LARGEST_JB_SIZE = "AudioInLargestJbSize";
    public static final String AUDIO_IN_MOS = "AudioInMos";
    public static final String AUDIO_IN_MEDIA_PACKET_COUNT = "AudioInMediaPacketCount";
    public static final String AUDIO_IN_SKIP_PACKET_COUNT = "AudioInSkipPacketCount";
    public static final String AUDIO_OUT_DTMF_PACKET_COUNT = "AudioOutDtmfPacketCount";
    public static final String AUDIO_OUT_MEDIA_PACKET_COUNT = "AudioOutMediaPacketCount";

    /** Extra fields, beside the seed's. */
    public static final String AUDIO_IN_R_FACTOR = "AudioInRFactor";
    public static final String AUDIO_IN_FLAW_COUNT = "AudioInFlawCount";
    public static final String AUDIO_IN_LOST_PACKET_COUNT = "AudioInLostPacketCount";
    public static final String AUDIO_IN_LOSS_PERCENT = "AudioInLossPercent";
    public static final String AUDIO_IN_OUT_OF_ORDER_PACKET_COUNT = "AudioInOutOfOrderPacketCount";
    public static final String AUDIO_IN_JITTER_MS = "AudioInJitterMs";
    public static final String AUDIO_ROUND_TRIP_TIME_MS = "AudioRoundTripTimeMs";
    public static final String AUDIO_IN_E_MODEL_MOS = "AudioInEModelMos";
    public static final String AUDIO_IN_FOREIGN_PACKET_DROP_COUNT = "AudioInForeignPacketDropCount";
    public static final String AUDIO_IN_MEDIA_TIMEOUT_COUNT = "AudioInMediaTimeoutCount";

    /**
     * The statistics as statusCallback form fields: the seed's eleven names first, then the extra
     * fields. Counts are integers, ptime whole ms, MOS one decimal as in the seed, other values
     * at most two decimals. {@link #AUDIO_ROUND_TRIP_TIME_MS} is present only once measured.
     */
    public Map<String, String> toCallbackFields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(AUDIO_IN_AVERAGE_PTIME, Long.toString(Math.round(averagePtimeMs)));
        f.put(AUDIO_IN_DTMF_PACKET_COUNT, Long.toString(dtmfPacketsIn));
        f.put(AUDIO_IN_FLUSH_PACKET_COUNT, Long.toString(flushPacketsIn));
        f.put(AUDIO_IN_JITTER_MAX_VARIANCE, decimal(jitterMaxVariance, 2));
        f.put(AUDIO_IN_JITTER_MIN_VARIANCE, decimal(jitterMinVariance, 2));
        f.put(AUDIO_IN_LARGEST_JB_SIZE, Integer.toString(largestJbSize));
        f.put(AUDIO_IN_MOS, decimal(mos, 1));
        f.put(AUDIO_IN_MEDIA_PACKET_COUNT, Long.toString(mediaPacketsIn));
        f.put(AUDIO_IN_SKIP_PACKET_COUNT, Long.toString(skipPacketsIn));
        f.put(AUDIO_OUT_DTMF_PACKET_COUNT, Long.toString(dtmfPacketsOut));
        f.put(AUDIO_OUT_MEDIA_PACKET_COUNT, Long.toString(mediaPacketsOut));
        f.put(AUDIO_IN_R_FACTOR, decimal(rFactor, 2));
        f.put(AUDIO_IN_FLAW_COUNT, Long.toString(flaws));
        f.put(AUDIO_IN_LOST_PACKET_COUNT, Long.toString(packetsLost));
        f.put(AUDIO_IN_LOSS_PERCENT, decimal(lossPercent, 2));
        f.put(AUDIO_IN_OUT_OF_ORDER_PACKET_COUNT, Long.toString(packetsOutOfOrder));
        f.put(AUDIO_IN_JITTER_MS, decimal(jitterMs, 2));
        roundTripTimeMs.ifPresent(rtt -> f.put(AUDIO_ROUND_TRIP_TIME_MS, decimal(rtt, 2)));
        f.put(AUDIO_IN_E_MODEL_MOS, decimal(eModelMos, 2));
        f.put(AUDIO_IN_FOREIGN_PACKET_DROP_COUNT, Long.toString(foreignPacketsDropped));
        f.put(AUDIO_IN_MEDIA_TIMEOUT_COUNT, Long.toString(mediaTimeouts));
        return Collections.unmodifiableMap(f);
    }

    private static String decimal(double value, int scale) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        BigDecimal d = BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP);
        if (scale > 1) {
            d = d.stripTrailingZeros();
            if (d.scale() < 0) {
                d = d.setScale(0);
            }
        }
        return d.toPlainString();
    }
}
