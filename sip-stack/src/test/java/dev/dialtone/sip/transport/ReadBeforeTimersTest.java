package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.LoopTimer;
import dev.dialtone.sip.transaction.TimerConfig;
import io.netty.channel.IoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event loop that was paused (a collection, a busy host) past an INVITE's Timer A, while the peer's 180 arrived
 * behind a few hundred other datagrams: the 180 came first, so it is read before Timer A goes off and the INVITE is
 * not sent again. A UAS that would take the copy for a new request (SIPp's aborts the call) never sees it.
 */
class ReadBeforeTimersTest {
    private static final long T1 = 500;
    private static final long PAUSE_MS = T1 + 400;
    // Past two read passes of 64: the first pass after the pause and the one Netty queues before the timers.
    private static final int BACKLOG = 200;

    @Test
    void aResponseQueuedDuringAPause_isReadBeforeTimerA_soTheInviteIsNotRetransmitted() throws Exception {
        Outcome held = invitesAfterPause(true);
        assertEquals(1, held.invites, "the INVITE was sent once; " + held);
        assertEquals(180, held.status, "the transaction saw the 180; " + held);
    }

    @Test
    void withoutTheHold_timerAFiresFirst() throws Exception {
        // The control: with the same backlog and pause, firing due timers before reading does retransmit, so the
        // case above exercises what it claims to.
        Outcome fired = invitesAfterPause(false);
        assertEquals(2, fired.invites, "the INVITE was retransmitted; " + fired);
    }

    record Outcome(int invites, int status) {
    }

    private static Outcome invitesAfterPause(boolean hold) throws Exception {
        IoEventLoopGroup group = SipTransportLayer.newEventLoopGroup(1);
        LoopTimer wheel = new LoopTimer(group);
        LossyChannelTest.Collecting listener = new LossyChannelTest.Collecting();
        try (DatagramSocket uas = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TransactionPeer client = new TransactionPeer(group, Peer.config().build(), new TimerConfig(T1, 4000, 5000),
                 wheel, new LossyChannelTest.Answering())) {
            if (hold) {
                wheel.holdWhile(client.transport::inputPending);
            }
            uas.setSoTimeout(2000);
            InetSocketAddress clientAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), client.transport.port());
            client.transactions.request(LossyChannelTest.request(client, SipMethod.INVITE, uas.getLocalPort()),
                Destination.of(Transport.UDP, (InetSocketAddress) uas.getLocalSocketAddress()), listener);
            String invite = receive(uas);
            assertTrue(invite.startsWith("INVITE "), invite);

            CountDownLatch paused = new CountDownLatch(1);
            group.next().execute(() -> {
                paused.countDown();
                try {
                    Thread.sleep(PAUSE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(paused.await(2, TimeUnit.SECONDS));
            byte[] ping = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < BACKLOG; i++) {
                uas.send(new DatagramPacket(ping, ping.length, clientAddress));
            }
            byte[] ringing = ringing(invite).getBytes(StandardCharsets.US_ASCII);
            uas.send(new DatagramPacket(ringing, ringing.length, clientAddress));

            int invites = 1;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS + 1000);
            while (System.nanoTime() < until) {
                uas.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                try {
                    if (receive(uas).startsWith("INVITE ")) {
                        invites++;
                    }
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            SipResponse first = listener.responses.poll(2, TimeUnit.SECONDS);
            assertNull(listener.failure);
            return new Outcome(invites, first == null ? 0 : first.status());
        } finally {
            wheel.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The 180 a UAS sends for {@code invite}: its Via, From, Call-ID and CSeq, and a To with a tag. */
    private static String ringing(String invite) {
        StringBuilder r = new StringBuilder("SIP/2.0 180 Ringing\r\n");
        for (String line : invite.split("\r\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
            switch (name) {
                case "Via", "From", "Call-ID", "CSeq" -> r.append(line).append("\r\n");
                case "To" -> r.append(line).append(";tag=uas\r\n");
                default -> {
                }
            }
        }
        return r.append("Content-Length: 0\r\n\r\n").toString();
    }

    private static String receive(DatagramSocket socket) throws java.io.IOException {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
    }
}
