package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.webhook.StatusCallbacks;
import dev.dialtone.engine.webhook.WebhookClient;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.media.rtp.RtpRelayConfig;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import okhttp3.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call engine wired as the server wires it, on 127.0.0.1 with fast SIP timers, against an application on a
 * real HTTP server; and the check that a test left nothing behind.
 */
final class EngineHarness implements AutoCloseable {
    final MockWebServer app;
    final WebhookClient webhooks;
    final StatusCallbacks callbacks;
    final RtpRelay relay;
    final CallEngine engine;
    final SipStack stack;
    private final ExecutorService appExecutor;

    /** Starts {@code app} (its dispatcher already set) and an engine whose inbound URL is its root. */
    EngineHarness(MockWebServer app, int rtpLow, int rtpHigh) throws Exception {
        this.app = app;
        app.start(InetAddress.getByName("127.0.0.1"), 0);
        appExecutor = Executors.newFixedThreadPool(2);
        webhooks = WebhookClient.builder().readTimeout(Duration.ofSeconds(5)).build();
        callbacks = StatusCallbacks.create(webhooks);
        relay = RtpRelay.create(RtpRelayConfig.builder().bindAddress(InetAddress.getByName("127.0.0.1"))
                .ports(rtpLow, rtpHigh).ioThreads(1).build());
        engine = new CallEngine(new EngineConfig("AC-test", "127.0.0.1", app.url("/").toString(), HttpMethod.POST,
                Duration.ZERO, Duration.ofSeconds(2)), relay, new DocumentFetcher(webhooks, null, appExecutor),
                callbacks, Clock.systemUTC());
        stack = SipStack.builder()
                .transport(TransportConfig.builder().bindHost("127.0.0.1").advertisedHost("127.0.0.1").port(0)
                        .tlsPort(0).build())
                .timers(Phone.FAST).threads(2).listener(engine).start();
        engine.attach(stack);
    }

    int sipPort() {
        return stack.transport().port(Transport.UDP);
    }

    /** Nothing a call created outlives it: sessions, dialogs, transactions, timers, media ports, callbacks. */
    void assertNothingLeft(Phone... phones) throws InterruptedException {
        awaitTrue("engine holds no call", () -> engine.activeCalls() == 0);
        awaitTrue("relay ports released", () -> relay.activeSessions() == 0 && relay.allocator().inUse() == 0);
        awaitTrue("no dialog or transaction left", () -> stack.dialogs().activeDialogs() == 0
                && stack.transactions().activeTransactions() == 0
                && Arrays.stream(phones).allMatch(p -> p.activity() == 0));
        awaitTrue("no timer left", () -> stack.transactions().armedTimers() == 0
                && stack.dialogs().armedTimers() == 0);
        awaitTrue("status callbacks drained", () -> callbacks.activeCalls() == 0);
    }

    @Override
    public void close() throws Exception {
        stack.close();
        relay.close();
        callbacks.close();
        webhooks.close();
        appExecutor.shutdownNow();
        app.shutdown();
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within 10 s");
            Thread.sleep(20);
        }
    }
}
