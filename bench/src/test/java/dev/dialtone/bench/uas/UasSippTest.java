package dev.dialtone.bench.uas;

import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIPp's UAC calls the bench UAS: the built-in scenario over UDP and TCP, a digest-authenticating one, and TLS. */
class UasSippTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private Uas uas;

    @BeforeAll
    static void quiet() {
        UasCommand.setLogLevel(ch.qos.logback.classic.Level.WARN);
    }

    @AfterEach
    void stop() {
        if (uas != null) {
            uas.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"UDP", "TCP"})
    @Timeout(30)
    void sippBuiltInUac_completesEveryCall(Transport transport) throws Exception {
        Sipp.assumeInstalled();
        uas = Uas.start(UasConfig.builder().port(0).transport(transport).ringMillis(0).threads(1).build());
        String target = "127.0.0.1:" + uas.port();
        try (Sipp sipp = Sipp.start("-sn", "uac", target, "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()),
                "-t", transport == Transport.TCP ? "t1" : "u1", "-m", "20", "-r", "10")) {
            int rc = sipp.await(LIMIT);
            assertEquals(0, rc, sipp.diagnostics());
            assertEquals(20, sipp.stat("SuccessfulCall(C)"), sipp.diagnostics());
            assertEquals(0, sipp.stat("FailedCall(C)"), sipp.diagnostics());
        }
        assertEquals(20, uas.counters().snapshot().get("answered"));
        awaitCompleted(20);
        assertEquals(0, uas.activeCalls());
    }

    @Test
    @Timeout(60)
    void lossRate_dropsRequests_andSippsRetransmissionsStillCompleteEveryCall() throws Exception {
        Sipp.assumeInstalled();
        uas = Uas.start(UasConfig.builder().port(0).transport(Transport.UDP).ringMillis(0).threads(1)
                .lossRate(0.15).build());
        try (Sipp sipp = Sipp.start("-sn", "uac", "127.0.0.1:" + uas.port(), "-i", "127.0.0.1",
                "-p", Integer.toString(Sipp.freePort()), "-m", "20", "-r", "10")) {
            // A request lost five times running is retransmitted after 0.5 + 1 + 2 + 4 + 8 s: with a quarter lost,
            // that came to one of 60 requests in about one run of twenty, and SIPp was still busy after 20 s. Six
            // losses running (31.5 s) at p = 0.15, for any of 60 requests: about 7e-4.
            int rc = sipp.await(Duration.ofSeconds(45));
            assertEquals(0, rc, sipp.diagnostics());
            assertEquals(20, sipp.stat("SuccessfulCall(C)"), sipp.diagnostics());
            // 60 requests (INVITE, ACK, BYE) each lost with p = 0.15: none lost has p = 0.85^60, about 6e-5.
            assertTrue(sipp.stat("Retransmissions(C)") > 0, "SIPp retransmitted nothing: " + sipp.diagnostics());
        }
        // Not every call has ended here: a call whose ACK was lost and whose 200 SIPp no longer re-ACKs (it has
        // finished the call) ends when the 2xx retransmissions time out, 64*T1 later.
        assertEquals(20, uas.counters().snapshot().get("answered"));
    }

    @Test
    @Timeout(30)
    void sippUacWithDigest_isChallengedThenAnswered() throws Exception {
        Sipp.assumeInstalled();
        uas = Uas.start(UasConfig.builder().port(0).auth("alice", "s3cret").threads(1).build());
        try (Sipp sipp = Sipp.start("-sf", Sipp.scenario("uac-auth.xml").toString(), "-au", "alice", "-ap", "s3cret",
                "127.0.0.1:" + uas.port(), "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()),
                "-m", "10", "-r", "10")) {
            int rc = sipp.await(LIMIT);
            assertEquals(0, rc, sipp.diagnostics());
            assertEquals(10, sipp.stat("SuccessfulCall(C)"), sipp.diagnostics());
        }
        var counters = uas.counters().snapshot();
        assertEquals(10, counters.get("challenged"));
        assertEquals(10, counters.get("answered"));
        awaitCompleted(10);
    }

    @Test
    @Timeout(30)
    void tls_opensslClientGets200ForOptions() throws Exception {
        Assumptions.assumeTrue(Sipp.find("openssl").isPresent(), "openssl is not on the PATH: TLS interop skipped");
        uas = Uas.start(UasConfig.builder().port(0).transport(Transport.TLS).threads(1).build());
        String options = "OPTIONS sip:uas@127.0.0.1:" + uas.port() + ";transport=tls SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKopenssl1;rport\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=o1\r\n"
                + "To: <sip:uas@127.0.0.1>\r\n"
                + "Call-ID: openssl-1@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + uas.port(), "-quiet")
                .redirectErrorStream(false).start();
        try {
            CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("SIP/2.0 ")) {
                            return line;
                        }
                    }
                    return "EOF";
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            OutputStream in = p.getOutputStream();
            in.write(options.getBytes(StandardCharsets.US_ASCII));
            in.flush();
            assertEquals("SIP/2.0 200 OK", statusLine.get(15, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertEquals(1, uas.counters().snapshot().get("options"));
    }

    private void awaitCompleted(long calls) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (uas.counters().snapshot().get("completed") < calls) {
            assertTrue(System.nanoTime() < deadline, "calls not completed: " + uas.counters().snapshot());
            Thread.sleep(20);
        }
    }
}
