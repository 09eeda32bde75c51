package dev.dialtone.media.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class RtpStreamStatsTest {

    private static final long MS = 1_000_000L;
    private static final long SSRC = 0x1234ABCDL;
    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;

    private final RtpStreamStats stats = new RtpStreamStats(
            StatsConfig.builder().telephoneEventPayloadType(TELEPHONE_EVENT).build());

    /** 20 ms PCMU packets 0..count-1 arriving exactly on time, except those {@code lost} rejects. */
    private void sendClean(int count, IntPredicate lost) {
        for (int i = 0; i < count; i++) {
            if (!lost.test(i)) {
                stats.onReceived(SSRC, 1000 + i, 8000L + 160L * i, PCMU, i == 0, 5_000 * MS + 20 * MS * i);
            }
        }
    }

    @Test
    void cleanStream_scoresTopLossBasedMos_andAbout4point4EModel() {
        sendClean(1000, i -> false);
        LegStats s = stats.snapshot();

        assertEquals(1000, s.mediaPacketsIn());
        assertEquals(0, s.packetsLost());
        assertEquals(0, s.flaws());
        // R = 100 -> MOS = 1 + 3.5 + 0 = 4.5
        assertEquals(4.5, s.mos(), 1e-12);
        // E-model: latency = 0 + 2*0 + 10 = 10 ms, R = 93.2 - 10/40 = 92.95,
        // MOS = 1 + 0.035*92.95 + 7e-6*92.95*32.95*7.05 = 1 + 3.25325 + 0.151144 = 4.404394
        assertEquals(4.404394, s.eModelMos(), 1e-6);
        assertEquals(20.0, s.averagePtimeMs(), 1e-9);
        assertEquals(0.0, s.jitterMs(), 1e-6);
        // 60 ms buffer, 20 ms packets: the new packet plus the two before it are queued
        assertEquals(3, s.largestJbSize());
        assertEquals(0, s.skipPacketsIn());
        assertEquals(0, s.flushPacketsIn());
        assertEquals("4.5", s.toCallbackFields().get("AudioInMos"));
        assertEquals("20", s.toCallbackFields().get("AudioInAveragePtime"));
    }

    @Test
    void fivePercentEvenlySpreadLoss_givesFormulaMos() {
        // every 20th packet lost (i = 10, 30, ..., 990): 50 of 1000, the last one received
        sendClean(1000, i -> i % 20 == 10);
        LegStats s = stats.snapshot();

        assertEquals(950, s.mediaPacketsIn());
        assertEquals(1000, s.packetsExpected());
        assertEquals(50, s.packetsLost());
        assertEquals(5.0, s.lossPercent(), 1e-9);
        // 50 isolated flaws: R = 100 * (950 - 50) / 950 = 94.736842
        // MOS = 1 + 0.035*94.736842 + 7e-6*94.736842*34.736842*5.263158 = 1 + 3.315789 + 0.121243 = 4.437032
        assertEquals(50, s.flaws());
        assertEquals(94.736842, s.rFactor(), 1e-6);
        assertEquals(4.437032, s.mos(), 1e-6);
        // E-model: R = 92.95 - 2.5 * 5 = 80.45, MOS = 1 + 2.81575 + 7e-6*80.45*20.45*19.55 = 4.040896
        assertEquals(4.040896, s.eModelMos(), 1e-6);
    }

    @Test
    void fivePercentLossInBursts_scoresLowerThanSpreadLoss() {
        // five bursts of ten: 100-109, 300-309, 500-509, 700-709, 900-909
        sendClean(1000, i -> i % 200 >= 100 && i % 200 < 110);
        LegStats s = stats.snapshot();

        assertEquals(50, s.packetsLost());
        assertEquals(5.0, s.lossPercent(), 1e-9);
        // each burst: first lost packet 1, the nine after it 3 each = 28; five bursts = 140 flaws
        // R = 100 * (950 - 140) / 950 = 85.263158
        // MOS = 1 + 0.035*85.263158 + 7e-6*85.263158*25.263158*14.736842 = 1 + 2.984211 + 0.222204 = 4.206414
        assertEquals(140, s.flaws());
        assertEquals(85.263158, s.rFactor(), 1e-6);
        assertEquals(4.206414, s.mos(), 1e-6);
        assertTrue(s.mos() < 4.437032);
        // the simplified E-model sees only the loss percentage: same as spread loss
        assertEquals(4.040896, s.eModelMos(), 1e-6);
    }

    @Test
    void interarrivalJitter_followsRfc3550A8() {
        // 8 kHz, timestamps 160 apart; arrivals 0, 20, 45, 60, 80 ms
        long[] arrivalMs = {0, 20, 45, 60, 80};
        for (int i = 0; i < arrivalMs.length; i++) {
            stats.onReceived(SSRC, i, 160L * i, PCMU, false, arrivalMs[i] * MS);
        }
        // transit (arrival*8 - ts): 0, 0, 40, 0, 0; |D|: 0, 40, 40, 0
        // J: 0 -> 0 -> 40/16 = 2.5 -> 2.5 + 37.5/16 = 4.84375 -> 4.84375 - 4.84375/16 = 4.541015625 units
        // in ms: 4.541015625 / 8 = 0.567626953125
        assertEquals(0.567626953125, stats.snapshot().jitterMs(), 1e-9);
    }

    @Test
    void sequenceWrap_countsExtendedSequence_lossAndReordering() {
        int[] seqs = {65530, 65531, 65532, 65533, 65534, 0, 1, 2, 4, 3, 5};
        for (int i = 0; i < seqs.length; i++) {
            stats.onReceived(SSRC, seqs[i], 160L * i, PCMU, false, 20 * MS * i);
        }
        LegStats s = stats.snapshot();
        // 65530..65535 and 0..5: 12 expected after the wrap; 65535 never came, 3 came after 4
        assertEquals(12, s.packetsExpected());
        assertEquals(1, s.packetsLost());
        assertEquals(1, s.packetsOutOfOrder());
        assertEquals(11, s.mediaPacketsIn());
    }

    @Test
    void timestampWrap_isNotJitterNorPtimeNoise() {
        long ts = 0xFFFFFFFFL - 320;
        for (int i = 0; i < 10; i++) {
            stats.onReceived(SSRC, i, (ts + 160L * i) & 0xFFFFFFFFL, PCMU, false, 20 * MS * i);
        }
        LegStats s = stats.snapshot();
        assertEquals(0.0, s.jitterMs(), 1e-6);
        assertEquals(20.0, s.averagePtimeMs(), 1e-9);
        assertEquals(0, s.skipPacketsIn());
    }

    @Test
    void jitterVariance_extremesOfRunningVariance_afterWarmup() {
        // the first three arrivals only prime; then inter-arrival 18, 22, 18, 22, 18, 22, 18 ms
        long[] arrivalMs = {0, 20, 40, 58, 80, 98, 120, 138, 160, 178};
        for (int i = 0; i < arrivalMs.length; i++) {
            stats.onReceived(SSRC, i, 160L * i, PCMU, false, arrivalMs[i] * MS);
        }
        LegStats s = stats.snapshot();
        // n=5 (18,22,18,22,18): mean 19.6, variance (3*2.56 + 2*5.76)/5 = 3.84
        // n=6: mean 20, variance 4; n=7: 4 - 4/49 = 3.918367
        assertEquals(3.84, s.jitterMinVariance(), 1e-9);
        assertEquals(4.0, s.jitterMaxVariance(), 1e-9);
        assertEquals("4", s.toCallbackFields().get("AudioInJitterMaxVariance"));
        assertEquals("3.84", s.toCallbackFields().get("AudioInJitterMinVariance"));
    }

    @Test
    void dtmfPackets_areCountedApart_andLeftOutOfVarianceAndPtime() {
        long[] arrivalMs = {0, 20, 40, 58, 80, 98, 120, 138};
        int seq = 0;
        for (long a : arrivalMs) {
            stats.onReceived(SSRC, seq, 160L * seq, PCMU, false, a * MS);
            seq++;
        }
        // an RFC 4733 burst: same timestamp, arriving 2 ms apart
        for (int i = 0; i < 6; i++) {
            stats.onReceived(SSRC, seq++, 160L * 8, TELEPHONE_EVENT, i == 0, (140 + 2 * i) * MS);
        }
        stats.onReceived(SSRC, seq, 160L * seq, PCMU, true, 300 * MS);
        stats.onSent(TELEPHONE_EVENT);
        stats.onSent(PCMU);
        LegStats s = stats.snapshot();

        assertEquals(6, s.dtmfPacketsIn());
        assertEquals(9, s.mediaPacketsIn());
        assertEquals(1, s.dtmfPacketsOut());
        assertEquals(1, s.mediaPacketsOut());
        // variance samples only 18, 22, 18, 22, 18: the burst and the gap after it are left out
        assertEquals(3.84, s.jitterMinVariance(), 1e-9);
        assertEquals(3.84, s.jitterMaxVariance(), 1e-9);
        assertEquals(20.0, s.averagePtimeMs(), 1e-9);
        assertEquals(0, s.packetsLost());
    }

    @Test
    void burstOverflowingTheBuffer_isFlushed_notLost() {
        // twelve packets arriving at once: ten fill the buffer, the eleventh flushes them
        for (int i = 0; i < 12; i++) {
            stats.onReceived(SSRC, i, 160L * i, PCMU, false, 0);
        }
        LegStats s = stats.snapshot();
        assertEquals(10, s.flushPacketsIn());
        assertEquals(10, s.largestJbSize());
        assertEquals(0, s.packetsLost());
        // a flush of ten is a run of flaws: 1 + 9 * 3 = 28; R = 100 * (12 - 28) / 12 < 0 -> 0
        assertEquals(28, s.flaws());
        assertEquals(1.0, s.mos(), 1e-12);
    }

    @Test
    void packetLaterThanItsPlayoutTime_isSkipped() {
        for (int i = 0; i < 10; i++) {
            long lateMs = i == 5 ? 70 : 0;
            stats.onReceived(SSRC, i, 160L * i, PCMU, false, (20 * i + lateMs) * MS);
        }
        LegStats s = stats.snapshot();
        // packet 5 is due at 100 + 60 = 160 ms and arrives at 170 ms
        assertEquals(1, s.skipPacketsIn());
        assertEquals(0, s.flushPacketsIn());
        assertEquals(0, s.flaws());
    }

    @Test
    void mediaTimeout_isAFlaw() {
        sendClean(100, i -> false);
        stats.onMediaTimeout();
        LegStats s = stats.snapshot();
        assertEquals(1, s.mediaTimeouts());
        assertEquals(1, s.flaws());
        // R = 100 * 99 / 100 = 99
        assertEquals(Mos.fromR(99), s.mos(), 1e-12);
    }

    @Test
    void roundTrip_fromLsrAndDlsr() {
        stats.onSenderReportSent(0x12345678L, 1_000 * MS);
        assertTrue(stats.snapshot().roundTripTimeMs().isEmpty());
        // echoed after being held 0.5 s (DLSR 32768/65536 s), received 530 ms after it was sent
        stats.onReportBlock(0x12345678L, 32768, 1_530 * MS);
        assertEquals(30.0, stats.snapshot().roundTripTimeMs().getAsDouble(), 1e-9);
        // E-model: latency = 30 + 10, R = 93.2 - 1 = 92.2
        assertEquals(Mos.fromR(92.2), stats.snapshot().eModelMos(), 1e-12);
        stats.onReportBlock(0x0BADBADL, 0, 2_000 * MS);
        assertEquals(30.0, stats.snapshot().roundTripTimeMs().getAsDouble(), 1e-9);
    }

    @Test
    void callbackFields_useTheSeedNamesExactly() {
        sendClean(50, i -> false);
        Map<String, String> fields = stats.snapshot().toCallbackFields();
        List<String> seed = List.of("AudioInAveragePtime", "AudioInDtmfPacketCount", "AudioInFlushPacketCount",
                "AudioInJitterMaxVariance", "AudioInJitterMinVariance", "AudioInLargestJbSize", "AudioInMos",
                "AudioInMediaPacketCount", "AudioInSkipPacketCount", "AudioOutDtmfPacketCount",
                "AudioOutMediaPacketCount");
        assertEquals(seed, List.copyOf(fields.keySet()).subList(0, seed.size()));
        assertEquals("50", fields.get("AudioInMediaPacketCount"));
        assertEquals("0", fields.get("AudioOutMediaPacketCount"));
        assertEquals("0", fields.get("AudioInLossPercent"));
        assertFalse(fields.containsKey("AudioRoundTripTimeMs"));
    }

    @Test
    void newSsrc_restartsNumbering_keepingCounts() {
        for (int i = 0; i < 5; i++) {
            stats.onReceived(SSRC, 100 + i, 160L * i, PCMU, false, 20 * MS * i);
        }
        for (int i = 0; i < 5; i++) {
            stats.onReceived(SSRC + 1, 40000 + i, 999L + 160L * i, PCMU, false, 20 * MS * (i + 5));
        }
        LegStats s = stats.snapshot();
        assertEquals(10, s.packetsExpected());
        assertEquals(0, s.packetsLost());
        assertEquals(10, s.mediaPacketsIn());
    }

    @Test
    void receptionReport_fractionLostPerInterval_andLsrDlsr() {
        assertEquals(null, stats.receptionReport(0));
        sendClean(10, i -> i == 4);
        stats.onSenderReportReceived(0xAAAABBBBL, 1_000 * MS);
        ReceptionReport first = stats.receptionReport(1_500 * MS);
        assertEquals(SSRC, first.sourceSsrc());
        // A.3: 10 expected, 9 received: (1 << 8) / 10 = 25
        assertEquals(25, first.fractionLost());
        assertEquals(1, first.cumulativeLost());
        assertEquals(1009, first.extendedHighestSeq());
        assertEquals(0xAAAABBBBL, first.lastSr());
        // 0.5 s in 1/65536 s
        assertEquals(32768, first.delaySinceLastSr());
        ReceptionReport second = stats.receptionReport(2_000 * MS);
        assertEquals(0, second.fractionLost());
        assertEquals(1, second.cumulativeLost());
    }
}
