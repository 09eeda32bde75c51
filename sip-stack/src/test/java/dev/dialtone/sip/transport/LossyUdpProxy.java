package dev.dialtone.sip.transport;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A UDP relay between one client and one server that drops chosen datagrams and records when each passed by.
 * The client sends to {@link #clientFacing()}; the server sees requests come from {@link #serverFacing()} and,
 * thanks to rport, answers there. Datagrams are named by what they carry: the method of a request
 * ({@code INVITE}), the status and CSeq method of a response ({@code 200 MESSAGE}).
 */
final class LossyUdpProxy implements AutoCloseable {

    /** One datagram as the proxy saw it: when, which way, what, its number among its kind, whether dropped. */
    record Seen(long nanos, boolean fromClient, String kind, int nth, boolean dropped) {
    }

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final BiPredicate<String, Integer> drop;
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    private final Thread up;
    private final Thread down;
    private volatile InetSocketAddress client;

    /** {@code drop} gets the kind and its 1-based number, and says whether to drop it. */
    LossyUdpProxy(InetSocketAddress server, BiPredicate<String, Integer> drop) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.clientSide = new DatagramSocket(0, loopback);
        this.serverSide = new DatagramSocket(0, loopback);
        this.server = server;
        this.drop = drop;
        this.up = new Thread(() -> relay(clientSide, true), "proxy-up");
        this.down = new Thread(() -> relay(serverSide, false), "proxy-down");
        up.start();
        down.start();
    }

    InetSocketAddress clientFacing() {
        return (InetSocketAddress) clientSide.getLocalSocketAddress();
    }

    InetSocketAddress serverFacing() {
        return (InetSocketAddress) serverSide.getLocalSocketAddress();
    }

    private void relay(DatagramSocket from, boolean fromClient) {
        byte[] buf = new byte[65536];
        while (!from.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                from.receive(p);
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime();
            if (fromClient) {
                client = (InetSocketAddress) p.getSocketAddress();
            }
            String kind = kind(SipParser.parse(buf, 0, p.getLength()));
            boolean dropped;
            synchronized (this) {
                int nth = counts.merge(kind, 1, Integer::sum);
                dropped = drop.test(kind, nth);
                seen.add(new Seen(now, fromClient, kind, nth, dropped));
            }
            if (dropped) {
                continue;
            }
            InetSocketAddress to = fromClient ? server : client;
            try {
                (fromClient ? serverSide : clientSide).send(new DatagramPacket(buf, p.getLength(), to));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String kind(SipMessage m) {
        if (m instanceof SipRequest r) {
            return r.method().name();
        }
        return ((SipResponse) m).status() + " " + m.cseq().method().name();
    }

    /** Everything seen so far of {@code kind}, in order. */
    synchronized List<Seen> seen(String kind) {
        return seen.stream().filter(s -> s.kind().equals(kind)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        clientSide.close();
        serverSide.close();
        up.join(5000);
        down.join(5000);
    }
}
