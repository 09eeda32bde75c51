package dev.dialtone.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReportTest {

    @Test
    void writesEveryFigure_andReadsBackEqual(@TempDir Path dir) throws Exception {
        LoadReport report = Reports.sample();
        Path file = dir.resolve("out/report.json");
        JsonReport.write(report, file);

        assertEquals(report, JsonReport.read(file));
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals(597, json.at("/counts/answered").asLong());
        assertEquals(2, json.at("/failuresByReason/timeout").asLong());
        assertEquals(1, json.at("/inviteResponses/486").asLong());
        assertEquals(600, json.at("/latencies/setupTime/count").asLong());
        assertEquals(30, json.at("/timeline").size());
        assertEquals("UDP", json.at("/settings/transport").asText());
        assertEquals(10, json.at("/rtp/packetsLost").asLong());
        JsonNode dist = json.at("/latencies/setupTime/distribution");
        assertTrue(dist.size() > 20, "a full percentile distribution, not just headline figures");
        double last = -1;
        for (JsonNode p : dist) {
            assertTrue(p.get("percentile").asDouble() >= last, "percentiles ascend");
            last = p.get("percentile").asDouble();
        }
        assertEquals(100.0, last);
        assertEquals(json.at("/latencies/setupTime/max").asDouble(), dist.get(dist.size() - 1).get("value").asDouble());
        org.HdrHistogram.Histogram h = org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
                java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(
                        json.at("/latencies/setupTime/hdrHistogram").asText())), 0);
        assertEquals(600, h.getTotalCount(), "the histogram itself travels with the report");
        assertEquals(json.at("/latencies/setupTime/p99").asDouble(), h.getValueAtPercentile(99) / 1000.0, 0.001);
        assertTrue(json.at("/latencies/startLag/hdrHistogram").isNull());
    }

    @Test
    void latencySummary_isInMilliseconds() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 1000L);
        }
        LatencySummary s = LatencySummary.ofMicros(h);
        assertEquals(100, s.count());
        assertEquals(1.0, s.min());
        assertEquals(50.0, s.p50(), 0.05);
        assertEquals(99.0, s.p99(), 0.1);
        assertEquals(100.0, s.max(), 0.1);
        assertEquals(50.5, s.mean(), 0.1);
    }
}
