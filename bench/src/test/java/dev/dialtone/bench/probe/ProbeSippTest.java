package dev.dialtone.bench.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialtone.bench.uas.Sipp;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe against SIPp as a registrar that challenges OPTIONS and REGISTER ({@code sipp/uas-auth-options-register.xml}). */
class ProbeSippTest {

    @Test
    @Timeout(30)
    void probe_answersSippsChallenges_andReportsTheSeedsFields() throws Exception {
        Sipp.assumeInstalled();
        int port = Sipp.freePort();
        try (Sipp sipp = Sipp.start("-sf", Sipp.scenario("uas-auth-options-register.xml").toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1")) {
            sipp.awaitUdpBound(port, Duration.ofSeconds(10));
            ProbeConfig config = new ProbeConfig("127.0.0.1", port, Transport.UDP, "alice", "alice", "s3cret", true,
                    false, 1, Duration.ZERO, Duration.ofSeconds(5), 1000, false, List.of());
            ProbeReport report = ProbeCommand.run(config);
            JsonNode json = ProbeCommand.mapper().readTree(ProbeCommand.mapper().writeValueAsString(report));
            JsonNode m = json.path("voice").path("sipMetrics").get(0);

            assertEquals(100.0, m.path("availability").asDouble(), m.toPrettyString());
            assertEquals(200, m.path("responseCode").asInt());
            assertEquals("None", m.path("errorType").asText());
            assertEquals("127.0.0.1", m.path("serverIp").asText());
            assertEquals(0, m.path("dnsTime").asLong(), "no DNS for an IP literal");
            assertEquals(0, m.path("connectTime").asLong(), "no connection over UDP");
            String requests = m.path("optionsRequest").asText();
            String[] sent = requests.split("\r\n\r\n\n");
            assertEquals(2, sent.length, requests);
            assertTrue(sent[0].startsWith("OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n"), sent[0]);
            assertTrue(!sent[0].contains("Authorization:"), "the first OPTIONS carries no credentials");
            assertTrue(sent[1].contains("\r\nAuthorization: Digest username=\"alice\", realm=\"sipp.test\""), sent[1]);
            assertTrue(sent[1].contains("opaque=\"0a1b2c\""), "the challenge's opaque is echoed: " + sent[1]);
            String responses = m.path("optionsResponse").asText();
            assertTrue(responses.startsWith("SIP/2.0 401 Unauthorized\r\n"), responses);
            assertTrue(responses.contains("\r\n\r\n\nSIP/2.0 200 OK\r\n"), responses);
            assertEquals(m.path("dnsTime").asLong() + m.path("connectTime").asLong() + m.path("waitTime").asLong(),
                    m.path("responseTime").asLong());
            assertEquals(m.path("optionsTime").asLong() + m.path("registerTime").asLong(),
                    m.path("totalTime").asLong());
            assertEquals(0, m.path("numRedirects").asInt());
            assertTrue(m.path("date").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), m.path("date").asText());
            assertTrue(m.path("roundId").asLong() > 1_600_000_000L);
            assertEquals("alice", m.path("authUser").asText());

            JsonNode test = json.path("voice").path("test");
            assertEquals("UDP", test.path("protocol").asText());
            assertEquals(1, test.path("registerEnabled").asInt());
            assertEquals("127.0.0.1:" + port, test.path("server").asText());
            assertEquals("sip-server", test.path("type").asText());

            // SIPp's own verdict: both retries carried credentials it could verify (else it answers 403).
            assertEquals(0, sipp.await(Duration.ofSeconds(10)), sipp.diagnostics());
            assertEquals(1, sipp.stat("SuccessfulCall(C)"), sipp.diagnostics());
        }
    }

    @Test
    @Timeout(30)
    void probe_withWrongPassword_failsAsSippAnswers403() throws Exception {
        Sipp.assumeInstalled();
        int port = Sipp.freePort();
        try (Sipp sipp = Sipp.start("-sf", Sipp.scenario("uas-auth-options-register.xml").toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1")) {
            sipp.awaitUdpBound(port, Duration.ofSeconds(10));
            ProbeConfig config = new ProbeConfig("127.0.0.1", port, Transport.UDP, "alice", "alice", "wrong", false,
                    false, 1, Duration.ZERO, Duration.ofSeconds(5), 1000, false, List.of());
            SipMetric m = ProbeCommand.run(config).voice().sipMetrics().get(0);
            assertEquals(0.0, m.availability());
            assertEquals(403, m.responseCode());
            assertEquals("Response", m.errorType());
            assertEquals("OPTIONS: 403 Forbidden", m.problemDetail());
        }
    }
}
