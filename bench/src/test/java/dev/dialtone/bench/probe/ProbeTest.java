package dev.dialtone.bench.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialtone.bench.Main;
import dev.dialtone.bench.uas.Uas;
import dev.dialtone.bench.uas.UasConfig;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe against the bench UAS (on the Dialtone stack) and against peers that fail in each way it reports. */
class ProbeTest {
    private Uas uas;

    @BeforeAll
    static void quiet() {
        ProbeCommand.setLogLevel(ch.qos.logback.classic.Level.WARN);
    }

    @AfterEach
    void stop() {
        if (uas != null) {
            uas.close();
        }
    }

    private static ProbeConfig probe(int port, Transport t, String password, boolean register, boolean invite,
                                     Duration limit, boolean insecure) {
        return new ProbeConfig("127.0.0.1", port, t, "alice", password == null ? null : "alice", password, register,
                invite, 1, Duration.ZERO, limit, 1000, insecure, List.of());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Timeout(30)
    void answeredCall_isHungUpWithBye_overEachTransport(Transport t) throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).transport(t).auth("alice", "s3cret").ringMillis(0).threads(1)
                .build());
        SipMetric m = ProbeCommand.run(probe(uas.port(), t, "s3cret", true, true, Duration.ofSeconds(5), true))
                .voice().sipMetrics().get(0);

        assertEquals("None", m.errorType(), m.problemDetail());
        assertEquals(100.0, m.availability());
        assertEquals(200, m.responseCode());
        assertTrue(m.optionsRequest().startsWith("OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/" + t.viaName()
                + " 127.0.0.1:"), m.optionsRequest());
        assertTrue(m.optionsRequest().contains("\nAuthorization: Digest username=\"alice\", realm=\"dialtone-uas\""));
        assertEquals(m.optionsTime() + m.registerTime() + m.inviteTime() + m.connectTime(), m.totalTime());
        // The UAS saw each request challenged once, the call answered and then ended by the probe's BYE.
        awaitTrue(() -> uas.counters().snapshot().get("completed") == 1);
        Map<String, Long> c = uas.counters().snapshot();
        assertEquals(2, c.get("options"));
        assertEquals(2, c.get("registers"));
        assertEquals(2, c.get("invites"));
        assertEquals(3, c.get("challenged"));
        assertEquals(1, c.get("answered"));
        awaitTrue(() -> uas.activeCalls() == 0);
    }

    @Test
    @Timeout(30)
    void ringingCall_isCancelled() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).noAnswerRate(1).threads(1).build());
        SipMetric m = ProbeCommand.run(probe(uas.port(), Transport.UDP, null, false, true, Duration.ofSeconds(5),
                false)).voice().sipMetrics().get(0);
        assertEquals("None", m.errorType(), m.problemDetail());
        awaitTrue(() -> uas.counters().snapshot().get("cancelled") == 1);
        assertEquals(1, uas.counters().snapshot().get("unanswered"));
        assertEquals(0, uas.counters().snapshot().get("answered"));
    }

    @Test
    @Timeout(30)
    void busyCallee_failsTheRoundWith486() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).busyRate(1).threads(1).build());
        SipMetric m = ProbeCommand.run(probe(uas.port(), Transport.TCP, null, false, true, Duration.ofSeconds(5),
                false)).voice().sipMetrics().get(0);
        assertEquals("Response", m.errorType());
        assertEquals(486, m.responseCode());
        assertEquals("INVITE: 486 Busy Here", m.problemDetail());
        assertEquals(0.0, m.availability());
    }

    @Test
    @Timeout(30)
    void wrongPassword_isAnAuthenticationError() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).auth("alice", "s3cret").threads(1).build());
        SipMetric m = ProbeCommand.run(probe(uas.port(), Transport.UDP, "guess", false, false, Duration.ofSeconds(5),
                false)).voice().sipMetrics().get(0);
        assertEquals("Authentication", m.errorType());
        assertEquals(401, m.responseCode());
        assertTrue(m.problemDetail().startsWith("OPTIONS: 401 Unauthorized"), m.problemDetail());
        assertEquals(2, m.optionsRequest().split("\nOPTIONS ").length, "one retry with credentials, then give up");
    }

    @Test
    @Timeout(30)
    void untrustedCertificate_isAConnectError_unlessInsecure() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).transport(Transport.TLS).threads(1).build());
        SipMetric m = ProbeCommand.run(probe(uas.port(), Transport.TLS, null, false, false, Duration.ofSeconds(5),
                false)).voice().sipMetrics().get(0);
        assertEquals("Connect", m.errorType());
        assertEquals(0, m.responseCode());
        assertTrue(m.problemDetail().contains("over TLS"), m.problemDetail());
    }

    @Test
    @Timeout(30)
    void silentServer_timesOutAfterRetransmitting() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            List<String> received = new ArrayList<>();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        silent.receive(p);
                        synchronized (received) {
                            received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                        }
                    }
                } catch (java.io.IOException closed) {
                    // socket closed: done
                }
            });
            reader.start();
            SipMetric m = ProbeCommand.run(probe(silent.getLocalPort(), Transport.UDP, null, false, false,
                    Duration.ofMillis(1600), false)).voice().sipMetrics().get(0);
            assertEquals("Timeout", m.errorType());
            assertEquals(408, m.responseCode());
            assertEquals("OPTIONS: no final response within 1600 ms", m.problemDetail());
            silent.close();
            reader.join(5000);
            // RFC 3261 17.1.2.2: sent at 0, then again after 500 ms and 1 s more (Timer E doubling).
            synchronized (received) {
                assertEquals(3, received.size(), received.toString());
                assertEquals(received.get(0), received.get(2), "a retransmission is the same request");
            }
        }
    }

    @Test
    @Timeout(30)
    void closedTcpPort_isAConnectError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SipMetric m = ProbeCommand.run(probe(port, Transport.TCP, null, false, false, Duration.ofSeconds(2), false))
                .voice().sipMetrics().get(0);
        assertEquals("Connect", m.errorType());
        assertEquals(0.0, m.availability());
        assertEquals("", m.optionsRequest());
    }

    @Test
    @Timeout(30)
    void unresolvableName_isADnsError() throws Exception {
        try (DatagramSocket deafDns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ProbeConfig config = new ProbeConfig("sip.example.invalid", 0, Transport.UDP, "alice", null, null, false,
                    false, 1, Duration.ZERO, Duration.ofSeconds(1), 1000, false,
                    List.of(new InetSocketAddress("127.0.0.1", deafDns.getLocalPort())));
            SipMetric m = ProbeCommand.run(config).voice().sipMetrics().get(0);
            assertEquals("DNS", m.errorType());
            assertEquals("", m.serverIp());
            assertTrue(m.problemDetail().startsWith("cannot locate sip.example.invalid") 
                    || m.problemDetail().startsWith("DNS lookup of sip.example.invalid"), m.problemDetail());
        }
    }

    @Test
    @Timeout(60)
    void commandLine_printsTheSeedsDocument_andExitsByAvailability() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).threads(1).build());
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ok;
        int failed;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            ok = new CommandLine(new Main()).execute("probe", "--server", "127.0.0.1:" + uas.port(), "--user", "bob",
                    "--rounds", "2", "--interval", "0.2");
            failed = new CommandLine(new Main()).execute("probe", "--server", "127.0.0.1:" + closedTcpPort(),
                    "--protocol", "TCP", "--user", "bob", "--time-limit", "1");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, ok);
        assertEquals(1, failed);
        String text = out.toString(StandardCharsets.UTF_8);
        JsonNode first = ProbeCommand.mapper().readTree(text.substring(0, text.indexOf("\n}\n") + 2));
        JsonNode metrics = first.path("voice").path("sipMetrics");
        assertEquals(2, metrics.size());
        for (String field : List.of("agentName", "availability", "connectTime", "date", "dnsTime", "errorType",
                "inviteTime", "numRedirects", "optionsRequest", "optionsResponse", "optionsTime", "problemDetail",
                "registerTime", "responseCode", "responseTime", "roundId", "serverIp", "totalTime", "waitTime")) {
            assertTrue(metrics.get(0).has(field), "missing " + field + " in " + metrics.get(0));
        }
        assertEquals("bob", first.path("voice").path("test").path("user").asText());
        assertEquals(0, first.path("voice").path("test").path("registerEnabled").asInt());
    }

    private static int closedTcpPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(20);
        }
    }
}
