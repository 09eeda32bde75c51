package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport.Sample;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static OpenLoopGenerator.Status status(double t, Map<String, Long> failures) {
        Sample s = new Sample(t, 120, 115, failures.values().stream().mapToLong(Long::longValue).sum(), 10, 9.5, 7,
                0, 3.1, 5.0, 12.5, 0L, null);
        return new OpenLoopGenerator.Status(s, failures, 3.25, 12.75);
    }

    @Test
    void onATerminal_theLineIsRedrawnInPlace() {
        Progress p = new Progress(out, true);
        Map<String, Long> many = new LinkedHashMap<>();
        many.put("timeout", 3L);
        many.put("486", 2L);
        p.accept(status(1, many));
        p.accept(status(2, Map.of()));
        String first = Progress.line(status(1, many));
        String second = Progress.line(status(2, Map.of()));
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()), text(),
                "the shorter line blanks out what is left of the longer one");
        p.finish();
        assertTrue(text().endsWith(System.lineSeparator()), "the summary starts on a fresh line");
    }

    @Test
    void offATerminal_eachUpdateIsAPlainLine() {
        Progress p = new Progress(out, false);
        p.accept(status(1, Map.of()));
        p.accept(status(2, Map.of()));
        p.finish();
        assertFalse(text().contains("\r"));
        assertEquals(2, text().lines().count());
    }

    @Test
    void line_showsRetransmissionsAndOurSocketsDrops_onceThereAreAny() {
        Sample s = new Sample(4, 120, 115, 0, 10, 9.5, 7, 0, 3.1, 5.0, 12.5, 31L, 2L);
        assertEquals("   4.0s started 120 answered 115 failed 0 rate 9.5/10.0 cps concurrent 7 retransmitted 31"
                + " dropped 2 setup p50 3.25 p99 12.75 ms",
                Progress.line(new OpenLoopGenerator.Status(s, Map.of(), 3.25, 12.75)));
        Sample none = new Sample(4, 120, 115, 0, 10, 9.5, 7, 0, 3.1, 5.0, 12.5, 0L, null);
        assertFalse(Progress.line(new OpenLoopGenerator.Status(none, Map.of(), 3.25, 12.75)).contains("dropped"));
    }

    @Test
    void line_showsCountsReasonsRatesConcurrencyAndSetupPercentiles() {
        Map<String, Long> many = new LinkedHashMap<>();
        many.put("timeout", 4L);
        many.put("486", 3L);
        many.put("503", 2L);
        many.put("transport-error", 1L);
        assertEquals("   3.0s started 120 answered 115 failed 10 (timeout 4, 486 3, 503 2, +1 more)"
                + " rate 9.5/10.0 cps concurrent 7 setup p50 3.25 p99 12.75 ms", Progress.line(status(3, many)));
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
