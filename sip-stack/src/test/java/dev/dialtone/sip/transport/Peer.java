package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipUri;
import io.netty.channel.IoEventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A transport layer on 127.0.0.1 with an ephemeral port whose inbound messages queue up for the test. */
final class Peer implements AutoCloseable {
    final SipTransportLayer layer;
    final LinkedBlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();

    Peer(IoEventLoopGroup group, TransportConfig config) throws IOException {
        this(group, config, layer -> { });
    }

    /** {@code prepare} adjusts the layer before it starts. */
    Peer(IoEventLoopGroup group, TransportConfig config, java.util.function.Consumer<SipTransportLayer> prepare)
        throws IOException {
        layer = new SipTransportLayer(config, group);
        prepare.accept(layer);
        layer.start(inbox::add);
    }

    static TransportConfig.Builder config() {
        return TransportConfig.builder().bindHost("127.0.0.1").port(0).tlsPort(0);
    }

    Inbound take() throws InterruptedException {
        Inbound in = inbox.poll(5, TimeUnit.SECONDS);
        assertNotNull(in, "nothing arrived within 5 s");
        return in;
    }

    void assertNothingArrives(Duration within) throws InterruptedException {
        assertNull(inbox.poll(within.toMillis(), TimeUnit.MILLISECONDS), "unexpected message");
    }

    InetSocketAddress address(Transport transport) {
        return new InetSocketAddress("127.0.0.1", layer.port(transport));
    }

    Destination destination(Transport transport) {
        return Destination.of(transport, address(transport));
    }

    /** A request from this peer to {@code to}, with our Via (branch, rport) for {@code transport}. */
    SipRequest request(SipMethod method, Transport transport, Peer to) {
        return request(method, transport, to, 0);
    }

    SipRequest request(SipMethod method, Transport transport, Peer to, int bodySize) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        SipUri target = SipUri.of("bob", "127.0.0.1", to.layer.port(transport));
        SipRequest.Builder b = SipRequest.builder(method, target)
            .header("Via", layer.via(transport, branch).toString())
            .header("Max-Forwards", "70")
            .header("From", "<sip:alice@127.0.0.1>;tag=" + branch.substring(7, 15))
            .header("To", "<sip:bob@127.0.0.1>")
            .header("Call-ID", UUID.randomUUID() + "@127.0.0.1")
            .header("CSeq", "1 " + method.name())
            .header("Contact", "<" + layer.contactUri(transport, "alice") + ">");
        if (bodySize > 0) {
            b.body("text/plain", "x".repeat(bodySize).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } else {
            b.header("Content-Length", "0");
        }
        return b.build();
    }

    @Override
    public void close() {
        layer.close();
    }
}
