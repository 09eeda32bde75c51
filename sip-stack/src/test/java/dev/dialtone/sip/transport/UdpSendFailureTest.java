package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.ClientTransaction;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionFailure;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A datagram the kernel refuses to send fails its transaction at once as a transport error (RFC 3261 8.1.3.1),
 * instead of being retransmitted into the void until Timer B: the failure of a UDP write reaches the transaction
 * that made it, whichever way the transport completes the write.
 */
class UdpSendFailureTest {

    private static final TimerConfig TIMERS = new TimerConfig(50, 400, 200);

    static IoEventLoopGroup group;
    static HashedWheelTimer wheel;

    @BeforeAll
    static void setUp() {
        group = SipTransportLayer.newEventLoopGroup(1);
        wheel = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void tearDown() {
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestTooLargeForOneDatagram_failsItsTransactionWithATransportError() throws Exception {
        // Not sent over TCP instead (RFC 3261 18.1.1 would have it so), to reach the UDP write.
        TransportConfig config = Peer.config().largeRequestsOverTcp(false).build();
        try (TransactionPeer alice = new TransactionPeer(group, config, TIMERS, wheel, new LossyChannelTest.Answering());
             DatagramSocket bob = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            SipRequest small = LossyChannelTest.request(alice, SipMethod.OPTIONS, bob.getLocalPort());
            // IPv4 carries at most 65,507 bytes of UDP payload: sendmmsg fails this one with EMSGSIZE.
            byte[] body = "x".repeat(66_000).getBytes(StandardCharsets.US_ASCII);
            SipRequest large = small.toBuilder().body("text/plain", body).build();
            CompletableFuture<String> failure = new CompletableFuture<>();
            alice.transactions.request(large, Destination.of(Transport.UDP, (InetSocketAddress) bob.getLocalSocketAddress()),
                new ClientTransaction.Listener() {
                    @Override
                    public void onResponse(SipResponse response) {
                        failure.completeExceptionally(new AssertionError("a response: " + response.startLine()));
                    }

                    @Override
                    public void onFailure(TransactionFailure kind, String reason) {
                        failure.complete(kind + ": " + reason);
                    }
                });
            // Well before Timer F (64*T1 = 3.2 s here) would have ended it as a timeout.
            String got = failure.get(2, TimeUnit.SECONDS);
            assertTrue(got.startsWith(TransactionFailure.TRANSPORT_ERROR + ": "), got);
            assertTrue(got.toLowerCase(java.util.Locale.ROOT).contains("too long"), got);
        }
    }
}
