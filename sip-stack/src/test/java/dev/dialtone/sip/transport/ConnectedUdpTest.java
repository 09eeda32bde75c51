package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transaction.TimerConfig;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP to a peer given to {@link SipTransportLayer#connectUdp} leaves from a socket connected to it: nothing a peer
 * can see changes (the source port is the SIP port, answers come back), anyone else still reaches the listening
 * socket, and the connected sockets close with the layer.
 */
class ConnectedUdpTest {

    private static final TimerConfig TIMERS = new TimerConfig(50, 400, 200);

    static IoEventLoopGroup group;
    static HashedWheelTimer wheel;

    @BeforeAll
    static void setUp() {
        // Two loops: one connected socket is made for each, as for the listening sockets.
        group = SipTransportLayer.newEventLoopGroup(2);
        wheel = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void tearDown() {
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aConnectedPeer_getsOurRequestsFromTheSipPort_andItsAnswersAndOthersStillReachUs() throws Exception {
        LossyChannelTest.Answering aliceUser = new LossyChannelTest.Answering();
        LossyChannelTest.Answering bobUser = new LossyChannelTest.Answering();
        try (TransactionPeer alice = new TransactionPeer(group, Peer.config().build(), TIMERS, wheel, aliceUser);
             TransactionPeer bob = new TransactionPeer(group, Peer.config().build(), TIMERS, wheel, bobUser);
             TransactionPeer carol = new TransactionPeer(group, Peer.config().build(), TIMERS, wheel,
                 new LossyChannelTest.Answering())) {
            InetSocketAddress bobAt = new InetSocketAddress("127.0.0.1", bob.transport.port());
            assertTrue(alice.transport.connectUdp(bobAt), "epoll is on this machine");
            int alicePort = alice.transport.port();
            assertEquals(2, connectedSockets(alicePort, bob.transport.port()), "one connected socket per event loop");

            for (int i = 0; i < 4; i++) {
                LossyChannelTest.Collecting answers = new LossyChannelTest.Collecting();
                SipRequest options = LossyChannelTest.request(alice, SipMethod.OPTIONS, bob.transport.port());
                alice.transactions.request(options, Destination.of(Transport.UDP, bobAt), answers);
                assertEquals(200, answers.finalResponse().status());
                SipRequest got = bobUser.seen.poll(5, TimeUnit.SECONDS);
                assertNotNull(got);
                Via via = got.topVia();
                assertEquals(alicePort, via.rport(), "sent from the SIP port");
            }

            // Carol is not connected to: her request reaches the listening socket and her answer leaves from it.
            LossyChannelTest.Collecting carolAnswers = new LossyChannelTest.Collecting();
            SipRequest fromCarol = LossyChannelTest.request(carol, SipMethod.OPTIONS, alicePort);
            carol.transactions.request(fromCarol, Destination.of(Transport.UDP,
                new InetSocketAddress("127.0.0.1", alicePort)), carolAnswers);
            SipResponse ok = carolAnswers.finalResponse();
            assertEquals(200, ok.status());
            assertNotNull(aliceUser.seen.poll(5, TimeUnit.SECONDS));

            alice.close();
            assertEquals(0, connectedSockets(alicePort, bob.transport.port()), "closed with the layer");
        }
    }

    @Test
    void beforeStart_connectsNothing() throws IOException {
        SipTransportLayer idle = new SipTransportLayer(Peer.config().build(), group);
        try {
            assertFalse(idle.connectUdp(new InetSocketAddress("127.0.0.1", 5060)));
        } finally {
            idle.close();
        }
    }

    /** Rows of /proc/net/udp bound to {@code localPort} and connected (state 01) to {@code remotePort}. */
    static long connectedSockets(int localPort, int remotePort) throws IOException {
        List<String> rows = Files.readAllLines(Path.of("/proc/net/udp"));
        return rows.stream().skip(1).map(r -> r.trim().split("\\s+"))
            .filter(f -> f.length > 3 && port(f[1]) == localPort && port(f[2]) == remotePort && f[3].equals("01"))
            .count();
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
