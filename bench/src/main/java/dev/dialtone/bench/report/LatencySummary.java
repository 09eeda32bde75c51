package dev.dialtone.bench.report;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A latency histogram in milliseconds: headline figures and the full percentile distribution (HdrHistogram's
 * percentile iteration, 5 ticks per half-distance), which is what a plot of the tail needs. {@code hdrHistogram}
 * is the histogram itself (values in microseconds) in HdrHistogram's compressed Base64 form, for
 * {@code Histogram.decodeFromCompressedByteBuffer} and HdrHistogram's tools; null when empty.
 */
public record LatencySummary(long count, double min, double mean, double p50, double p90, double p99, double p999,
                             double max, double stddev, List<Point> distribution, String hdrHistogram) {

    /** One step of the distribution: {@code percentile} of the values are at most {@code value} ms. */
    public record Point(double percentile, double value, long count) {
    }

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), null);

    /** Summarises a histogram whose values are in microseconds. */
    public static LatencySummary ofMicros(AbstractHistogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return EMPTY;
        }
        List<Point> points = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            points.add(new Point(v.getPercentileLevelIteratedTo(), ms(v.getValueIteratedTo()),
                    v.getTotalCountToThisValue()));
            if (v.getPercentileLevelIteratedTo() >= 100.0) {
                break;
            }
        }
        return new LatencySummary(h.getTotalCount(), ms(h.getMinValue()), round(h.getMean() / 1000.0),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), round(h.getStdDeviation() / 1000.0),
                List.copyOf(points), encode(h));
    }

    private static String encode(AbstractHistogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
