package dev.dialtone.media.stats;

/**
 * The values of one RFC 3550 6.4.1 reception report block about the stream a leg receives.
 *
 * @param sourceSsrc SSRC of the reported stream
 * @param fractionLost packets lost since the previous report, as a fraction of 256 (A.3)
 * @param cumulativeLost expected minus received since the start, clamped to 24 signed bits
 * @param extendedHighestSeq sequence number cycles in the high 16 bits, highest number below
 * @param jitter interarrival jitter in timestamp units (A.8)
 * @param lastSr middle 32 bits of the NTP timestamp of the last SR from the source, 0 if none
 * @param delaySinceLastSr time since that SR arrived, in 1/65536 s, 0 if none
 */
public record ReceptionReport(long sourceSsrc, int fractionLost, int cumulativeLost, long extendedHighestSeq,
                              long jitter, long lastSr, long delaySinceLastSr) {
}
