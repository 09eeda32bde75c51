package dev.dialtone.bench.load;

import dev.dialtone.bench.report.JsonReport;
import dev.dialtone.bench.report.LoadReport;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code load} against an in-process UAS on 127.0.0.1, at tiny load, checked through its JSON report. */
@Timeout(90)
class SipLoadSmokeTest {
    @TempDir
    Path dir;

    private String output = "";

    private record Run(int exit, LoadReport report) {
    }

    /** The JIT as the warm-up sees it; null: the JVM's own. */
    private java.util.function.LongSupplier jit;

    private Run load(String... args) throws Exception {
        Path json = dir.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--report");
        all.add(json.toString());
        all.add("--local-host");
        all.add("127.0.0.1");
        if (!all.contains("--warmup")) {
            all.add("--warmup=0");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        LoadCommand command = new LoadCommand(SipCallDriver::open, Clock.SYSTEM,
                new PrintStream(out, true, StandardCharsets.UTF_8), false);
        if (jit != null) {
            command.jitMillis(jit);
        }
        CommandLine cmd = new CommandLine(command);
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(all.toArray(new String[0]));
        output = out.toString(StandardCharsets.UTF_8) + err;
        return new Run(exit, Files.exists(json) ? JsonReport.read(json) : null);
    }

    private static String target(TestUas uas, Transport t) {
        return "sip:127.0.0.1:" + uas.port(t);
    }

    @Test
    void warmUpCallsGoToACalleeInTheProcess_andAreNotCounted() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "50", "--calls", "10", "--hold", "0",
                    "--warmup", "300");

            assertEquals(0, run.exit(), output);
            assertEquals(new LoadReport.Counts(10, 10, 10, 10, 0, 0, 0), run.report().counts(), output);
            assertEquals(10, uas.invites.get(), "the target sees only the run's calls");
            assertTrue(output.matches("(?s).*warm-up: 300 calls, 300 answered, in [0-9.]+ s.*"), output);
            assertEquals(10, uas.byes.get(), "with no hold, every call still hangs up");
            assertEquals(10, run.report().settings().startGridMillis(), "the default start grid, in the report");
            assertEquals(32_000, run.report().settings().transactionTimeoutMillis(), "64*T1 unless shortened");
            if (Files.isReadable(Path.of("/proc/net/udp"))) {
                assertEquals(Long.valueOf(0), run.report().receiveDrops(), "nothing lost on arrival at ten calls");
                assertTrue(output.lines().anyMatch(l -> l.matches("dropped on arrival\\s+0 .*")), output);
            }
        }
    }

    @Test
    void beforeAHighRate_theWarmUpGoesOnPastItsCalls_untilTheJitIsQuiet() throws Exception {
        long[] compiled = {0};
        int[] readings = {0};
        // Compiling for the first three readings (a second apart), then quiet.
        jit = () -> compiled[0] += readings[0]++ < 3 ? 400 : 0;
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "1000", "--calls", "10", "--hold", "0",
                    "--warmup", "50", "--warmup-handover", "0");

            assertEquals(0, run.exit(), output);
            assertEquals(10, uas.invites.get(), "the warm-up's calls stay in the process");
            assertFalse(output.contains("calls to the target"), output);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("warm-up: (\\d+) calls, \\d+ answered, in ([0-9.]+) s, until the JIT was quiet")
                    .matcher(output);
            assertTrue(m.find(), output);
            assertTrue(output.contains("warm-up: calling a callee in this process until the JIT is quiet (at most "
                    + "60.0 s)"), "announced before it starts: " + output);
            // Three busy readings and two quiet ones: five seconds of calls (eased in from 125/s), far past 50.
            assertTrue(Double.parseDouble(m.group(2)) >= 4.5, output);
            assertTrue(Long.parseLong(m.group(1)) > 500, output);
            assertTrue(readings[0] >= 5, "read once a second until two quiet seconds followed the busy ones");
        }
    }

    @Test
    void theWarmUpStopsAtWarmupTime_whileTheJitStillCompiles_andSaysSo() throws Exception {
        long[] compiled = {0};
        jit = () -> compiled[0] += 300;
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "1000", "--calls", "10", "--hold", "0",
                    "--warmup", "50", "--warmup-time", "2", "--warmup-handover", "0");

            assertEquals(0, run.exit(), output);
            assertEquals(new LoadReport.Counts(10, 10, 10, 10, 0, 0, 0), run.report().counts(), output);
            assertTrue(output.matches("(?s).*warm-up: \\d+ calls, \\d+ answered, in [0-9.]+ s, stopped at "
                    + "--warmup-time 2.0 s with the JIT still compiling.*"), output);
        }
    }

    @Test
    void aRampThatClimbsToAThousand_waitsForTheJitToo() throws Exception {
        long[] compiled = {0};
        jit = () -> compiled[0] += 300;
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "50", "--rate-step", "950",
                    "--rate-max", "1000", "--step-duration", "0.2", "--hold", "0", "--warmup", "50",
                    "--warmup-time", "1");

            assertEquals(0, run.exit(), output);
            assertTrue(output.contains("stopped at --warmup-time 1.0 s with the JIT still compiling"), output);
        }
    }

    @Test
    void aRunStartingAtAThousand_handsOverToTheTarget_beforeItsFirstCall() throws Exception {
        jit = () -> 0; // quiet from the start
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "1000", "--calls", "10", "--hold", "0",
                    "--warmup", "50", "--warmup-handover", "100");

            assertEquals(0, run.exit(), output);
            assertEquals(new LoadReport.Counts(10, 10, 10, 10, 0, 0, 0), run.report().counts(),
                    "the hand-over's calls are not counted: " + output);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("warm-up: \\d+ calls, \\d+ answered, in [0-9.]+ s, "
                    + "until the JIT was quiet\nwarm-up: then (\\d+) calls to the target, eased in to [0-9,]+ calls/s, (\\d+) "
                    + "answered, in [0-9.]+ s, "
                    + "until the JIT was quiet\n").matcher(output);
            assertTrue(m.find(), output);
            long handedOver = Long.parseLong(m.group(1));
            // At least its calls, then on until two quiet readings of the JIT (a second apart).
            assertTrue(handedOver >= 100, output);
            assertEquals(handedOver, Long.parseLong(m.group(2)), output);
            assertEquals(handedOver + 10, uas.invites.get(), "the target sees the hand-over's calls and the run's");
            assertEquals(handedOver + 10, uas.byes.get());
        }
    }

    @Test
    void aRunStartingAboveAThousand_handsOverEasedInToItsOwnRate() throws Exception {
        jit = () -> 0; // quiet from the start: the hand-over ends once its calls have started
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "3000", "--calls", "10", "--hold", "0",
                    "--warmup", "50", "--warmup-handover", "2000");

            assertEquals(0, run.exit(), output);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "warm-up: then (\\d+) calls to the target, eased in to ([0-9,]+) calls/s, (\\d+) answered").matcher(output);
            assertTrue(m.find(), output);
            long handedOver = Long.parseLong(m.group(1));
            assertEquals(handedOver, Long.parseLong(m.group(3)), output);
            assertEquals(handedOver + 10, uas.invites.get(), "the target sees the hand-over's calls and the run's");
            // From 1/16 of 3,000 calls/s, doubled each second: the second that takes it past 2,000 calls runs at
            // 1,500, past the 1,000 calls/s a hand-over used to stop at, and not past the run's own rate.
            double peak = Double.parseDouble(m.group(2).replace(",", ""));
            assertTrue(peak > 1_200 && peak <= 3_000 * 1.05, "peak " + peak + ": " + output);
        }
    }

    @Test
    void aHandOver_keepsToTheRunsConcurrencyCap() throws Exception {
        jit = () -> 0;
        // Answered after 100 ms: the hand-over's second second, at 125 calls/s, would have a dozen ringing at
        // once without the cap; with it, the calls it could not start yet wait and are placed as slots free.
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(100), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "1000", "--calls", "10", "--hold", "0",
                    "--concurrency", "5", "--warmup", "50", "--warmup-handover", "100");

            assertEquals(0, run.exit(), output);
            assertTrue(output.contains("warm-up: then "), output);
            assertTrue(uas.invites.get() >= 110, "the hand-over's calls and the run's: " + uas.invites.get());
            assertTrue(uas.mostUnanswered.get() <= 5, "at most 5 calls at once, was " + uas.mostUnanswered.get() + ": " + output);
        }
    }

    @Test
    void aHandOverWhoseInvitesGoUnanswered_stopsEasingIn() throws Exception {
        jit = () -> 0;
        // A socket nobody reads: the target of a run whose rate it cannot take, at its worst. Its INVITEs are given
        // up after 4 s: a second's worth of them must be able to pile up unanswered.
        try (java.net.DatagramSocket deaf = new java.net.DatagramSocket(
                new java.net.InetSocketAddress("127.0.0.1", 0))) {
            load("--target", "sip:127.0.0.1:" + deaf.getLocalPort(), "--rate", "2000", "--calls", "10", "--hold", "0",
                    "--warmup", "50", "--warmup-handover", "100000", "--transaction-timeout", "4000",
                    "--drain-timeout", "6");

            java.util.regex.Matcher m = java.util.regex.Pattern.compile("warm-up: then (\\d+) calls to the target, "
                    + "eased in to ([0-9,]+) calls/s, 0 answered, in [0-9.]+ s, stopped there with (\\d+) INVITEs "
                    + "without any response\n").matcher(output);
            assertTrue(m.find(), output);
            // Stopped once more than a second's worth had no response: in its first seconds, short of its 100,000
            // calls and of the run's 2,000 calls/s, rather than at its 15 s limit.
            double reached = Double.parseDouble(m.group(2).replace(",", ""));
            assertTrue(reached < 2000, output);
            assertTrue(Long.parseLong(m.group(3)) > reached, output);
            assertTrue(Long.parseLong(m.group(1)) < 2000, output);
        }
    }

    @Test
    void belowAThousandCallsPerSecond_theWarmUpIsItsCallsAlone() throws Exception {
        jit = () -> System.nanoTime(); // never quiet: a warm-up that waited for it would run to its limit
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "999", "--calls", "10", "--hold", "0",
                    "--warmup", "50");

            assertEquals(0, run.exit(), output);
            assertEquals(10, uas.invites.get(), "no hand-over to the target below 1,000 calls/s");
            assertTrue(output.matches("(?s).*warm-up: 50 calls, 50 answered, in [0-9.]+ s\\n.*"), output);
        }
    }

    @Test
    void warmUpOnTheTarget_reachesTheTarget_andIsNotCounted() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "50", "--calls", "10", "--hold", "0",
                    "--warmup", "40", "--warmup-target");

            assertEquals(0, run.exit(), output);
            assertEquals(new LoadReport.Counts(10, 10, 10, 10, 0, 0, 0), run.report().counts(), output);
            assertEquals(50, uas.invites.get(), "the target sees the warm-up's calls and the run's");
            assertEquals(50, uas.byes.get());
            assertEquals(1, uas.inviteContacts.size(), "warm-up and run call from the same socket: " + uas.inviteContacts);
            assertTrue(output.contains("warm-up: 40 calls, 40 answered"), output);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void twentyCallsAtTenPerSecond_allCompleted(Transport t) throws Exception {
        int calls = t == Transport.TLS ? 10 : 20;
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(20), t,
                t == Transport.TLS ? Files.createDirectory(dir.resolve("uas-tls")) : null)) {
            Run run = load("--target", target(uas, t), "--transport", t.name().toLowerCase(Locale.ROOT),
                    "--rate", "10", "--calls", Integer.toString(calls), "--hold", "100", "--tls-insecure");

            assertEquals(0, run.exit(), output);
            LoadReport r = run.report();
            assertNotNull(r, output);
            assertEquals(new LoadReport.Counts(calls, calls, calls, calls, 0, 0, 0), r.counts(), output);
            assertEquals(Long.valueOf(calls), r.inviteResponses().get("200"));
            assertEquals(calls, r.latencies().get("setupTime").count());
            assertEquals(calls, r.latencies().get("postDialDelay").count());
            assertEquals(calls, r.latencies().get("byeTime").count());
            assertTrue(r.latencies().get("setupTime").min() >= 20.0, "the UAS answers after 20 ms");
            assertTrue(r.failuresByReason().isEmpty());
            assertTrue(r.passed());
            assertEquals(t.name(), r.settings().transport());
            assertEquals(calls, uas.invites.get());
            assertEquals(calls, uas.byes.get(), "every call was hung up with BYE");
            assertTrue(output.contains("completed"), output);
            assertTrue(output.lines().anyMatch(l -> l.contains("started") && l.contains("setup p50")),
                    "plain progress lines off a terminal: " + output);
            assertFalse(output.contains("\r"), "no carriage returns off a terminal");
        }
    }

    @Test
    void tls_trustingTheServersCertificate_completes() throws Exception {
        Path uasDir = Files.createDirectory(dir.resolve("uas-tls"));
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(5), Transport.TLS, uasDir)) {
            Run run = load("--target", "sips:127.0.0.1:" + uas.port(Transport.TLS), "--rate", "20", "--calls", "3",
                    "--hold", "50", "--tls-trust", uasDir.resolve("tls/cert.pem").toString());

            assertEquals(0, run.exit(), output);
            assertEquals("TLS", run.report().settings().transport(), "sips: means TLS");
            assertEquals(3, run.report().counts().completed(), output);
            assertNull(run.report().receiveDrops(), "a UDP figure");
        }
    }

    @Test
    void tls_withAnUntrustedCertificate_failsAsTransportErrors() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(5), Transport.TLS,
                Files.createDirectory(dir.resolve("uas-tls")))) {
            Run run = load("--target", "sip:127.0.0.1:" + uas.port(Transport.TLS), "--transport", "tls",
                    "--rate", "20", "--calls", "3");

            assertEquals(1, run.exit(), output);
            assertEquals(Long.valueOf(3), run.report().failuresByReason().get("transport-error"), output);
            assertEquals(0, uas.invites.get(), "nothing got through the handshake");
        }
    }

    @Test
    void cancelShare_isCancelledWhileRinging_andEndsIn487() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(400), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "20", "--calls", "8",
                    "--hold", "50", "--cancel-rate", "0.25");

            assertEquals(0, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(2, r.counts().cancelled(), output);
            assertEquals(6, r.counts().completed(), output);
            assertEquals(0, r.counts().failed(), output);
            assertEquals(Long.valueOf(2), r.inviteResponses().get("487"));
            assertEquals(2, uas.cancels.get());
        }
    }

    @Test
    void calleeHangup_waitsForTheUasBye() throws Exception {
        try (TestUas uas = new TestUas(new TestUas.Behaviour(10, 0, 150, null, null), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "20", "--calls", "6",
                    "--hold", "150", "--hangup", "callee");

            assertEquals(0, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(6, r.counts().completed(), output);
            assertEquals(0, r.latencies().get("byeTime").count(), "we sent no BYE");
            assertEquals(0, uas.byes.get(), "the UAS got no BYE");
        }
    }

    @Test
    void digestChallenge_isAnswered() throws Exception {
        try (TestUas uas = new TestUas(new TestUas.Behaviour(10, 0, -1, "alice", "s3cret"), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "20", "--calls", "5", "--hold", "50",
                    "--auth", "alice:s3cret");

            assertEquals(0, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(5, r.counts().completed(), output);
            assertEquals(Long.valueOf(5), r.inviteResponses().get("401"));
            assertEquals(Long.valueOf(5), r.inviteResponses().get("200"));
            assertEquals(5, uas.challenged.get());
            assertTrue(r.settings().auth());
        }
    }

    @Test
    void wrongPassword_failsAsAuthFailed_andExitsOne() throws Exception {
        try (TestUas uas = new TestUas(new TestUas.Behaviour(10, 0, -1, "alice", "s3cret"), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "20", "--calls", "3",
                    "--auth", "alice:wrong");

            assertEquals(1, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(3, r.counts().failed(), output);
            assertEquals(Long.valueOf(3), r.failuresByReason().get("auth-failed"));
            assertFalse(r.passed());
        }
    }

    @Test
    void rejections_areCountedByStatus_andFailTheRun() throws Exception {
        try (TestUas uas = new TestUas(new TestUas.Behaviour(0, 486, -1, null, null), Transport.TCP, null)) {
            Run run = load("--target", target(uas, Transport.TCP), "--transport", "tcp", "--rate", "20",
                    "--calls", "4", "--max-failure-rate", "10");

            assertEquals(1, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(Long.valueOf(4), r.failuresByReason().get("486"));
            assertEquals(4, r.latencies().get("inviteFinal4xx").count());
            assertEquals(100.0, r.failureRatePercent());
            assertEquals(10.0, r.settings().maxFailureRatePercent());
        }
    }

    @Test
    void silentTarget_timesOut() throws Exception {
        try (java.net.DatagramSocket hole = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Run run = load("--target", "sip:127.0.0.1:" + hole.getLocalPort(), "--rate", "20", "--calls", "3",
                    "--t1", "10");

            assertEquals(1, run.exit(), output);
            assertEquals(Long.valueOf(3), run.report().failuresByReason().get("timeout"), output);
            assertEquals(0, run.report().counts().answered());
            // Every INVITE that reached the target beyond the first of each call was a Timer A retransmission.
            hole.setSoTimeout(500);
            int datagrams = 0;
            byte[] buf = new byte[65536];
            while (true) {
                try {
                    hole.receive(new java.net.DatagramPacket(buf, buf.length));
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                datagrams++;
            }
            assertTrue(datagrams > 3, "T1 10 ms: retransmitted until Timer B; " + datagrams + " datagrams");
            assertEquals(Long.valueOf(datagrams - 3), run.report().retransmittedRequests(), output);
            assertEquals(Long.valueOf(datagrams - 3), run.report().retransmittedInvites(), "all of them INVITEs");
            assertTrue(output.contains("retransmitted requests"), output);
            // Second by second too: the timeline counts them from the run's start, as the live line shows them.
            List<LoadReport.Sample> tl = run.report().timeline();
            assertEquals(Long.valueOf(0), tl.get(0).retransmitted());
            assertEquals(run.report().retransmittedRequests(), tl.get(tl.size() - 1).retransmitted(), output);
            String resent = " retransmitted " + (datagrams - 3) + " ";
            assertTrue(output.lines().anyMatch(l -> l.contains(resent)), "the live line shows them: " + output);
            if (Files.isReadable(Path.of("/proc/net/udp"))) {
                assertEquals(Long.valueOf(0), tl.get(tl.size() - 1).dropped(), "nothing dropped at our socket");
            }
        }
    }

    @Test
    void transactionTimeout_givesUpOnASilentTarget_beforeTheFirstRetransmission() throws Exception {
        try (java.net.DatagramSocket hole = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            // T1 at its 500 ms: Timer A would retransmit each INVITE at 0.5 s; giving up at 0.3 s sends one each.
            Run run = load("--target", "sip:127.0.0.1:" + hole.getLocalPort(), "--rate", "20", "--calls", "3",
                    "--transaction-timeout", "300");
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertEquals(1, run.exit(), output);
            assertEquals(Long.valueOf(3), run.report().failuresByReason().get("timeout"), output);
            assertEquals(300, run.report().settings().transactionTimeoutMillis(), "in the report");
            assertTrue(seconds < 10, "over in " + seconds + " s, not 64*T1");
            // What reached the target, a second later: the three INVITEs, none retransmitted.
            hole.setSoTimeout(1000);
            java.util.Set<String> callIds = new java.util.HashSet<>();
            int datagrams = 0;
            byte[] buf = new byte[65536];
            while (true) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                try {
                    hole.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                datagrams++;
                String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                assertTrue(text.startsWith("INVITE "), text);
                callIds.add(text.replaceAll("(?s).*\r\nCall-ID: ([^\r]+)\r\n.*", "$1"));
            }
            assertEquals(3, datagrams, "INVITEs for " + callIds);
            assertEquals(3, callIds.size());
            assertEquals(Long.valueOf(0), run.report().retransmittedRequests(), "none retransmitted");
        }
    }

    @Test
    void rtp_isEchoed_andMeasured() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(10), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "10", "--calls", "3", "--hold", "400",
                    "--rtp", "--html", dir.resolve("rtp.html").toString());

            assertEquals(0, run.exit(), output);
            LoadReport.RtpSummary rtp = run.report().rtp();
            assertNotNull(rtp, output);
            assertEquals(3, rtp.calls());
            assertTrue(rtp.packetsSent() >= 3 * 10, "about 20 packets per call in 400 ms: " + rtp);
            assertEquals(rtp.packetsSent(), rtp.packetsReceived() + rtp.packetsLost(), "no duplicates on loopback");
            assertTrue(rtp.packetsReceived() >= rtp.packetsSent() * 9 / 10, "echoed on loopback: " + rtp);
            assertEquals(rtp.packetsReceived(), rtp.roundTrip().count());
            assertEquals(rtp.packetsReceived(), uas.rtpEchoed.get());
            assertTrue(Files.readString(dir.resolve("rtp.html")).contains("RTP packets sent / echoed / lost"));
        }
    }

    @Test
    void ramp_findsTheHighestRateTheTargetSustains() throws Exception {
        // The UAS turns calls away with 503 beyond 12 INVITEs a second: 5 cps holds, 25 cps does not.
        try (TestUas uas = new TestUas(new TestUas.Behaviour(5, 0, -1, null, null, 12), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "5", "--rate-step", "20",
                    "--rate-max", "65", "--step-duration", "1", "--hold", "50");

            LoadReport r = run.report();
            assertEquals(0, run.exit(), output);
            assertEquals(5.0, r.sustainedRate(), output);
            assertEquals(2, r.steps().size(), "the ramp stops at the first failing step: " + r.steps());
            assertTrue(r.steps().get(0).passed());
            assertFalse(r.steps().get(1).passed());
            assertEquals(25.0, r.steps().get(1).rate());
            assertTrue(r.failuresByReason().get("503") > 0, output);
            assertEquals(30, r.counts().scheduled());
            assertTrue(output.matches("(?s).*sustained rate +5\\.0 cps PASS.*"), output);
            assertTrue(output.matches("(?s).*failure rate +[0-9.]+ % over the whole ramp \\(limit 0\\.100 % per step\\).*"),
                    output);
        }
    }

    @Test
    void concurrencyCap_holdsCallsBack_andTheWaitShowsAsStartLag() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(5), Transport.UDP, null)) {
            Run run = load("--target", target(uas, Transport.UDP), "--rate", "40", "--calls", "8", "--hold", "200",
                    "--concurrency", "2");

            assertEquals(0, run.exit(), output);
            LoadReport r = run.report();
            assertEquals(8, r.counts().completed(), output);
            // Calls 6 and 7 were due at 150 and 175 ms but a slot frees only every ~200 ms per pair.
            assertTrue(r.latencies().get("startLag").max() >= 400, "queued starts: " + r.latencies().get("startLag"));
            assertTrue(r.latencies().get("setupTime").max() >= r.latencies().get("startLag").max(),
                    "setup time counts from the intended start");
            assertTrue(r.timeline().stream().allMatch(s -> s.concurrent() <= 2));
        }
    }

    @Test
    void badOptions_exitTwo() throws Exception {
        Run run = load("--target", "sip:127.0.0.1:5060", "--calls", "5", "--duration", "3");
        assertEquals(2, run.exit());
        assertTrue(output.contains("--calls or --duration"), output);
        assertNull(run.report());
        run = load("--target", "sip:127.0.0.1:5060", "--rate-step", "5");
        assertEquals(2, run.exit());
        assertTrue(output.contains("--rate-step and --rate-max"), output);
        run = load("--target", "sip:127.0.0.1:5060", "--cancel-rate", "1.5");
        assertEquals(2, run.exit());
        assertTrue(output.contains("--cancel-rate must be between 0 and 1"), output);
        run = load("--target", "sip:127.0.0.1:5060", "--start-grid", "5000");
        assertEquals(2, run.exit());
        assertTrue(output.contains("--start-grid must be 0 to 1000 ms"), output);
        run = load("--target", "sip:127.0.0.1:5060", "--transaction-timeout", "-1");
        assertEquals(2, run.exit());
        assertTrue(output.contains("--transaction-timeout 0 (64*T1) or more"), output);
    }

    @Test
    void portInUse_exitsTwo_withTheReason() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Run run = load("--target", "sip:127.0.0.1:5060", "--local-port", Integer.toString(taken.getLocalPort()),
                    "--calls", "1");
            assertEquals(2, run.exit(), output);
            assertTrue(output.contains("load: cannot start:"), output);
            assertNull(run.report());
        }
    }
}
