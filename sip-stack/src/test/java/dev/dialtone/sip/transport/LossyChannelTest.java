package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.ClientTransaction;
import dev.dialtone.sip.transaction.ServerTransaction;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionFailure;
import dev.dialtone.sip.transaction.TransactionLayer;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions over a UDP path that loses chosen datagrams: the retransmission schedule seen on the wire follows
 * RFC 3261 17.1.1.2 (INVITE: T1, doubling) and 17.1.2.2 (non-INVITE: doubling, capped at T2), the transactions
 * complete anyway, and afterwards nothing is left: no transaction, no armed timer, no connection.
 */
class LossyChannelTest {

    // Small timers so the whole exchange, Timers K, J, L and M included, fits in a few seconds.
    private static final TimerConfig TIMERS = new TimerConfig(50, 400, 200);

    static IoEventLoopGroup group;
    static HashedWheelTimer wheel;

    @BeforeAll
    static void setUp() {
        group = SipTransportLayer.newEventLoopGroup(2);
        wheel = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void tearDown() {
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers every request with 200 at once, and notes ACKs. */
    static final class Answering implements TransactionLayer.User {
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch ack = new CountDownLatch(1);

        @Override
        public void onRequest(ServerTransaction transaction) {
            requests.incrementAndGet();
            transaction.respond(transaction.request().createResponse(200).toBuilder().toTag("uas").build());
        }

        @Override
        public void onCancel(ServerTransaction invite, SipRequest cancel) {
        }

        @Override
        public void onAck(Inbound ack) {
            this.ack.countDown();
        }

        @Override
        public void onStrayResponse(Inbound response) {
        }
    }

    static final class Collecting implements ClientTransaction.Listener {
        final LinkedBlockingQueue<SipResponse> responses = new LinkedBlockingQueue<>();
        volatile String failure;

        @Override
        public void onResponse(SipResponse response) {
            responses.add(response);
        }

        @Override
        public void onFailure(TransactionFailure failure, String reason) {
            this.failure = failure + ": " + reason;
        }

        SipResponse finalResponse() throws InterruptedException {
            while (true) {
                SipResponse r = responses.poll(10, TimeUnit.SECONDS);
                assertNotNull(r, "no final response; failure: " + failure);
                if (r.isFinal()) {
                    return r;
                }
            }
        }
    }

    @Test
    void invite_lostTwice_isRetransmittedAtT1Doubling_andCompletes() throws Exception {
        Answering uas = new Answering();
        try (TransactionPeer server = peer(uas); TransactionPeer client = peer(new Answering());
             LossyUdpProxy proxy = new LossyUdpProxy(local(server), (kind, nth) -> kind.equals("INVITE") && nth <= 2)) {
            Destination via = Destination.of(Transport.UDP, proxy.clientFacing());
            warmUp(client, proxy, via);
            SipRequest invite = request(client, SipMethod.INVITE, proxy);
            Collecting listener = new Collecting();
            client.transactions.request(invite, via, listener);

            SipResponse ok = listener.finalResponse();
            assertEquals(200, ok.status());
            // RFC 3261 13.2.2.4: the ACK of a 2xx is the TU's, sent outside the transaction.
            client.transactions.sendAck(ackFor(client, invite, ok), via);
            assertTrue(uas.ack.await(5, TimeUnit.SECONDS), "ACK reached the server");
            assertEquals(2, uas.requests.get(), "the TU saw the warm-up OPTIONS and the INVITE once");

            List<LossyUdpProxy.Seen> invites = proxy.seen("INVITE");
            assertEquals(3, invites.size(), invites.toString());
            assertGaps(invites, 50, 100);
            assertNull(listener.failure);

            awaitQuiet(client, server);
        }
    }

    @Test
    void nonInvite_lostFiveTimes_backsOffToT2_andRetransmittedResponseCompletesIt() throws Exception {
        Answering uas = new Answering();
        try (TransactionPeer server = peer(uas); TransactionPeer client = peer(new Answering());
             LossyUdpProxy proxy = new LossyUdpProxy(local(server),
                 (kind, nth) -> kind.equals("MESSAGE") && nth <= 5 || kind.equals("200 MESSAGE") && nth == 1)) {
            Destination via = Destination.of(Transport.UDP, proxy.clientFacing());
            warmUp(client, proxy, via);
            Collecting listener = new Collecting();
            client.transactions.request(request(client, SipMethod.MESSAGE, proxy), via, listener);

            assertEquals(200, listener.finalResponse().status());
            assertEquals(2, uas.requests.get(), "retransmissions were absorbed by the server transaction");

            // Sent at 0, 50, 150, 350, 750, 1150 (delivered; its 200 lost), 1550 (answered from Completed).
            List<LossyUdpProxy.Seen> requests = proxy.seen("MESSAGE");
            assertEquals(7, requests.size(), requests.toString());
            assertGaps(requests, 50, 100, 200, 400, 400, 400);
            List<LossyUdpProxy.Seen> oks = proxy.seen("200 MESSAGE");
            assertEquals(2, oks.size(), "the server transaction resent its 200 on the retransmission");
            assertTrue(listener.responses.isEmpty(), "the second 200 was absorbed: " + listener.responses);

            awaitQuiet(client, server);
        }
    }

    /** One loss-free OPTIONS first, so the measured exchange does not pay for class loading and JIT. */
    private static void warmUp(TransactionPeer client, LossyUdpProxy proxy, Destination via) throws InterruptedException {
        Collecting listener = new Collecting();
        client.transactions.request(request(client, SipMethod.OPTIONS, proxy), via, listener);
        assertEquals(200, listener.finalResponse().status());
    }

    private static TransactionPeer peer(TransactionLayer.User user) throws java.io.IOException {
        return new TransactionPeer(group, Peer.config().build(), TIMERS, wheel, user);
    }

    private static java.net.InetSocketAddress local(TransactionPeer p) {
        return new java.net.InetSocketAddress("127.0.0.1", p.transport.port());
    }

    private static SipRequest request(TransactionPeer from, SipMethod method, LossyUdpProxy proxy) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return SipRequest.builder(method, SipUri.of("bob", "127.0.0.1", proxy.clientFacing().getPort()))
            .header("Via", from.transport.via(Transport.UDP, branch).toString())
            .header("Max-Forwards", "70")
            .header("From", "<sip:alice@127.0.0.1>;tag=uac")
            .header("To", "<sip:bob@127.0.0.1>")
            .header("Call-ID", UUID.randomUUID() + "@127.0.0.1")
            .header("CSeq", "1 " + method.name())
            .header("Contact", "<" + from.transport.contactUri(Transport.UDP, "alice") + ">")
            .header("Content-Length", "0")
            .build();
    }

    private static SipRequest ackFor(TransactionPeer from, SipRequest invite, SipResponse ok) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return SipRequest.builder(SipMethod.ACK, invite.requestUri())
            .header("Via", from.transport.via(Transport.UDP, branch).toString())
            .header("Max-Forwards", "70")
            .header("From", invite.header("From"))
            .header("To", ok.header("To"))
            .header("Call-ID", invite.callId())
            .header("CSeq", invite.cseq().seq() + " ACK")
            .header("Content-Length", "0")
            .build();
    }

    /** Gaps between consecutive sightings, each within -40% / +40% (plus two 10 ms wheel ticks). */
    private static void assertGaps(List<LossyUdpProxy.Seen> seen, long... expectedMillis) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < seen.size(); i++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(seen.get(i).nanos() - seen.get(i - 1).nanos()));
        }
        System.out.println("observed retransmission gaps (ms): " + gaps);
        assertEquals(expectedMillis.length, gaps.size(), "gaps " + gaps);
        for (int i = 0; i < expectedMillis.length; i++) {
            long e = expectedMillis[i];
            long g = gaps.get(i);
            assertTrue(g >= e * 0.6 && g <= e * 1.4 + 20, "gap " + i + " was " + g + " ms, expected about " + e
                + " ms; all gaps " + gaps);
        }
    }

    /** Every transaction ends on its own timers (K, J, L, M here), leaving nothing armed and no connection. */
    private static void awaitQuiet(TransactionPeer... peers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (TransactionPeer p : peers) {
            while (p.transactions.activeTransactions() != 0 || p.transactions.armedTimers() != 0) {
                assertTrue(System.nanoTime() < deadline, "still active: " + p.transactions.activeTransactions()
                    + " transactions, " + p.transactions.armedTimers() + " timers");
                Thread.sleep(20);
            }
            assertEquals(0, p.transport.connectionCount());
        }
    }
}
