package dev.dialtone.engine.server;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallStatus;
import dev.dialtone.engine.call.Phone;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone server as an operator runs it: a file: application, a call through it, metrics, a clean stop. */
class ServerCallTest {

    @Test
    void callRunsThroughTheServer_metricsCountIt_andStoppingRefusesNewCalls(@TempDir Path dir) throws Exception {
        try (Phone caller = new Phone(); Phone callee = new Phone()) {
            Path doc = dir.resolve("app.xml");
            Files.writeString(doc, "<Response><Dial><Sip>" + callee.uri("bob") + "</Sip></Dial></Response>");
            DialtoneServer server = new DialtoneServer(ServerConfig.defaults()
                    .withHttp("127.0.0.1", 0)
                    .withSip("127.0.0.1", 0, 0, 45000, 45999)
                    .withDataDir(dir.resolve("data"))
                    .withInbound(doc.toUri().toString(), "POST")
                    .withCredentials("project", "token"));
            server.start();
            try {
                String line = server.startupLine();
                assertTrue(line.startsWith("Dialtone ready: sip=udp:127.0.0.1:"), line);
                assertTrue(line.contains(" http=127.0.0.1:"), line);

                int sipPort = server.sipPort(Transport.UDP);
                CompletableFuture<String> bridged = new CompletableFuture<>();
                server.dialtone().engine().addListener((c, previous) -> {
                    if (c.direction() == Call.Direction.OUTBOUND_DIAL && c.status() == CallStatus.IN_PROGRESS) {
                        bridged.complete(c.callSid());
                    }
                });
                Phone.Call call = caller.call(sipPort);
                call.answered.get(10, TimeUnit.SECONDS);
                bridged.get(10, TimeUnit.SECONDS);
                call.hangUp();
                assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));

                String metrics = get(server.httpPort(), "/metrics");
                assertTrue(metrics.contains("dialtone_calls_total{status=\"completed\",direction=\"inbound\"} 1"),
                        metrics);
                assertTrue(metrics.contains("dialtone_calls_total{status=\"completed\",direction=\"outbound-dial\"} 1"),
                        metrics);
                assertTrue(metrics.contains("dialtone_rtp_sessions_active"), metrics);

                // Stopping: from now on an INVITE gets 503 (RFC 3261 21.5.4), the server drains and exits.
                server.dialtone().engine().stopAccepting();
                assertEquals(503, caller.call(sipPort).failed.get(10, TimeUnit.SECONDS));
            } finally {
                server.stop();
            }
            assertEquals(0, server.dialtone().activeCalls());
            assertEquals(0, server.dialtone().relay().allocator().inUse());
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("project:token".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
