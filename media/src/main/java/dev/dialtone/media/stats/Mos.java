package dev.dialtone.media.stats;

/**
 * Mean opinion score estimates from a transmission rating factor R.
 *
 * <p>Two estimates are offered. {@link #lossBased} is the score FreeSWITCH reports as
 * {@code rtp_audio_in_mos}: R is the percentage of received packets that arrived without a flaw.
 * {@link #eModel} is the ITU-T G.107 E-model reduced, as rtpengine and Asterisk reduce it, to
 * latency, jitter and loss. Both map R to MOS with the G.107 Annex B curve.
 */
public final class Mos {

    /** The best score the G.107 curve gives for narrowband speech. */
    public static final double MAX = 4.5;

    private Mos() {
    }

    /**
     * G.107 Annex B: MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R), with R clamped to [0, 100]
     * and the result to [1, 4.5].
     */
    public static double fromR(double r) {
        double clamped = Math.max(0, Math.min(100, r));
        double mos = 1 + 0.035 * clamped + 7e-6 * clamped * (clamped - 60) * (100 - clamped);
        return Math.max(1, Math.min(MAX, mos));
    }

    /**
     * The loss-based rating: the percentage of received packets without flaws,
     * {@code 100 * (received - flaws) / received}, clamped to [0, 100]. A stream with no
     * packets has no flaws either and rates 100.
     */
    public static double lossBasedR(long received, long flaws) {
        if (received <= 0) {
            return 100;
        }
        return Math.max(0, Math.min(100, 100.0 * (received - flaws) / received));
    }

    /** {@link #fromR} of {@link #lossBasedR}. */
    public static double lossBased(long received, long flaws) {
        return fromR(lossBasedR(received, flaws));
    }

    /**
     * Simplified E-model rating. Effective latency = RTT + 2 * jitter + 10 ms (codec allowance);
     * below 160 ms R = 93.2 - latency / 40, above it the delay impairment steepens to
     * R = 93.2 - (latency - 120) / 10; each percent of packet loss then costs 2.5.
     *
     * @param rttMs round-trip time in ms, 0 when unknown
     * @param jitterMs interarrival jitter in ms (RFC 3550 A.8)
     * @param lossPercent packets lost in the interval, as a percentage of those expected
     */
    public static double eModelR(double rttMs, double jitterMs, double lossPercent) {
        double latency = rttMs + 2 * jitterMs + 10;
        double r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
        return r - 2.5 * lossPercent;
    }

    /** {@link #fromR} of {@link #eModelR}. */
    public static double eModel(double rttMs, double jitterMs, double lossPercent) {
        return fromR(eModelR(rttMs, jitterMs, lossPercent));
    }
}
