package dev.dialtone.engine.interop;

import dev.dialtone.engine.Dialtone;
import dev.dialtone.engine.call.Phone;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.sip.transport.Transport;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Application servers close idle keep-alive connections (Node's default keepAliveTimeout is 5 s, Python's
 * http.server closes after every HTTP/1.0 response); a document request the engine writes to such a pooled
 * connection just as the server closes it must go again on a new connection, not fail the call.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StaleWebhookConnectionTest {

    // Regression: WebhookClient was built with retryOnConnectionFailure(false), so the first request on a connection the
    // server had just closed failed with "unexpected end of stream" and the call got 500 Application Error. Found by
    // bench/engine/cps-bench.sh with APP=http (a python3 http.server application): every second call failed.
    @Test
    void documentRequestOnAConnectionTheServerClosed_isSentAgain() throws Exception {
        try (MockWebServer app = new MockWebServer(); Phone caller = new Phone(); Phone callee = new Phone()) {
            String doc = "<Response><Dial><Sip>" + callee.uri("bob") + "</Sip></Dial></Response>";
            app.enqueue(new MockResponse().setBody(doc));
            // The server closes the kept-alive connection as the second request arrives on it.
            app.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
            app.enqueue(new MockResponse().setBody(doc));
            app.start(InetAddress.getByName("127.0.0.1"), 0);
            Dialtone dialtone = Dialtone.builder().bindHost("127.0.0.1").sipPort(0).rtpPorts(45000, 45999)
                    .applicationUrl(app.url("/").toString(), HttpMethod.POST).drainTimeout(Duration.ofSeconds(2))
                    .start();
            try {
                int port = dialtone.sipAddress(Transport.UDP).getPort();
                Phone.Call first = caller.call(port);
                first.answered.get(10, TimeUnit.SECONDS);
                first.hangUp();
                first.ended.get(5, TimeUnit.SECONDS);

                Phone.Call second = caller.call(port);
                assertEquals(200, second.answered.get(10, TimeUnit.SECONDS).status(),
                        "the second call is answered once its document request went again");
                second.hangUp();
                second.ended.get(5, TimeUnit.SECONDS);
                assertEquals(3, app.getRequestCount());
            } finally {
                dialtone.close();
            }
        }
    }
}
