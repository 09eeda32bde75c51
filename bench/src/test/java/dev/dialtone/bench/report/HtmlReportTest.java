package dev.dialtone.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HtmlReportTest {

    @Test
    void page_isSelfContained_withAnInlineSvgPerPlot() {
        String html = HtmlReport.render(Reports.sample());
        assertEquals(6, count(html, "<svg "),
                "rate, concurrency, setup percentiles, retransmissions and drops, distribution, failures");
        assertTrue(html.contains("Requests sent again, and answers dropped at our socket"), "the counters' plot");
        assertFalse(html.contains("<script"), "no script at all");
        assertFalse(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "nothing to fetch");
        assertFalse(html.contains("@import") || html.contains("url("), "no external CSS");
        assertEquals(count(html, "<svg "), count(html, "http://www.w3.org/2000/svg"),
                "the only URLs are SVG namespaces");
        assertTrue(html.contains("<title>Setup time (INVITE to 200, from the intended start)</title>"));
        assertTrue(html.contains(">timeout</text>") && html.contains(">486</text>"), "failure bars are labelled");
        assertTrue(html.contains("class=\"fail\">FAIL"));
    }

    @Test
    void withoutTheCounters_thereIsNoPlotOfThem() {
        LoadReport r = Reports.sample();
        List<LoadReport.Sample> bare = r.timeline().stream().map(x -> new LoadReport.Sample(x.t(), x.started(),
                x.answered(), x.failed(), x.targetRate(), x.actualRate(), x.concurrent(), x.queued(), x.setupP50(),
                x.setupP90(), x.setupP99(), null, null)).toList();
        LoadReport tcp = new LoadReport(r.settings(), r.startedAt(), r.durationSeconds(), r.counts(),
                r.failureRatePercent(), r.passed(), r.failuresByReason(), r.inviteResponses(), r.latencies(), r.rtp(),
                r.steps(), r.sustainedRate(), bare, null, null, null);
        String html = HtmlReport.render(tcp);
        assertEquals(5, count(html, "<svg "));
        assertFalse(html.contains("answers dropped at our socket"));
    }

    @Test
    void page_escapesWhatItShows() {
        LoadReport r = Reports.sample();
        LoadReport odd = new LoadReport(new LoadReport.Settings("sip:<b>&x", "UDP", 1, 1L, null, 0, 0, "caller", 0,
                false, false, 0.1, null, null, null, 10, 32_000), r.startedAt(), 1, r.counts(), 0, true,
                java.util.Map.of("<script>", 1L), r.inviteResponses(), r.latencies(), null, r.steps(), null,
                List.of(), null, null, null);
        String html = HtmlReport.render(odd);
        assertFalse(html.contains("<script>"));
        assertFalse(html.contains("<b>&x"));
        assertTrue(html.contains("&lt;script&gt;"));
        assertTrue(html.contains(">no data</text>"), "an empty timeline still draws its frame");
    }

    @Test
    void page_rendersInHeadlessChromium(@TempDir Path dir) throws Exception {
        String chromium = onPath("chromium", "chromium-browser");
        assumeTrue(chromium != null, "chromium is not on PATH: install it (apt-get install -y chromium) to check "
                + "that the HTML report renders");
        Path page = dir.resolve("report.html");
        HtmlReport.write(Reports.sample(), page);
        Path png = dir.resolve("out.png");
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,2600",
                page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(exited, "chromium finished within 120 s");
        assertTrue(Files.exists(png), () -> "no screenshot; chromium said: " + read(dir.resolve("chromium.log")));

        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "a PNG");
        Set<Integer> colors = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        assertTrue(colors.size() > 50, "text, lines and fills: " + colors.size() + " colours");
        assertTrue(nonWhite > img.getWidth() * img.getHeight() / 100, "ink on more than 1 % of the page");
        assertTrue(colors.contains(0xd62728), "the failure bars' red fill is drawn");
        assertTrue(colors.contains(0x1f77b4), "the series' blue legend is drawn");
        assertTrue(colors.contains(0x2ca02c), "the PASS/FAIL badge or p50 legend green is drawn");
    }

    private static String onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String n : names) {
                File f = new File(dir, n);
                if (f.isFile() && f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return null;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
