package dev.dialtone.media.rtp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * RTP load through an {@link RtpRelay} on loopback: N sessions, two phones each, every phone
 * sending 20 ms packets (50 pps) to its leg; the other phone receives them. Measures relayed
 * packets per second, loss, one-way delay through the relay, and the relay threads' CPU and
 * allocation per packet.
 *
 * <pre>
 * mvn -o -q -pl media test-compile
 * java -cp "media/target/classes:media/target/test-classes:$(cat cp.txt)" dev.dialtone.media.rtp.RtpLoad \
 *     --sessions 200 --seconds 10 [--nio]
 * </pre>
 */
public final class RtpLoad {

    /** What one run measured. */
    public record Result(int sessions, int streams, double seconds, long sent, long received, long relayed,
                         double relayedPerSecond, double lossPercent, double delayP50Ms, double delayP99Ms,
                         double delayMaxMs, double relayCpuMicrosPerPacket, double relayBytesPerPacket,
                         boolean nativeTransport) {

        String summary() {
            return String.format(Locale.ROOT,
                    "transport=%s sessions=%d streams=%d duration=%.1fs sent=%d received=%d relayed=%d "
                            + "relayed/s=%.0f loss=%.3f%% delay p50=%.3fms p99=%.3fms max=%.3fms "
                            + "relay cpu=%.2fus/pkt alloc=%.0fB/pkt",
                    nativeTransport ? "epoll" : "nio", sessions, streams, seconds, sent, received, relayed,
                    relayedPerSecond, lossPercent, delayP50Ms, delayP99Ms, delayMaxMs, relayCpuMicrosPerPacket,
                    relayBytesPerPacket);
        }
    }

    private static final int PAYLOAD = 160;
    private static final long PACKET_INTERVAL_NANOS = 20_000_000L;

    private RtpLoad() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = 100;
        double seconds = 10;
        boolean nativeTransport = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--nio" -> nativeTransport = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println(run(sessions, Duration.ofMillis((long) (seconds * 1000)), nativeTransport, 30000).summary());
    }

    public static Result run(int sessionCount, Duration duration, boolean nativeTransport, int basePort)
            throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (RtpRelay relay = RtpRelay.create(RtpRelayConfig.builder()
                .bindAddress(loopback)
                .ports(basePort, basePort + sessionCount * 4 + 99)
                .ioThreads(1)
                .nativeTransport(nativeTransport)
                .mediaTimeout(Duration.ZERO)
                .build());
             Selector selector = Selector.open()) {
            List<MediaSession> sessions = new ArrayList<>();
            List<DatagramChannel> phones = new ArrayList<>();
            List<InetSocketAddress> targets = new ArrayList<>();
            for (int i = 0; i < sessionCount; i++) {
                MediaSession s = relay.openSession((leg, silence) -> { });
                sessions.add(s);
                DatagramChannel a = phone(loopback, selector);
                DatagramChannel b = phone(loopback, selector);
                s.legA().setRemote((InetSocketAddress) a.getLocalAddress());
                s.legB().setRemote((InetSocketAddress) b.getLocalAddress());
                phones.add(a);
                targets.add(new InetSocketAddress(loopback, s.legA().localRtpPort()));
                phones.add(b);
                targets.add(new InetSocketAddress(loopback, s.legB().localRtpPort()));
            }

            Histogram delay = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            AtomicLong received = new AtomicLong();
            AtomicBoolean receiving = new AtomicBoolean(true);
            Thread receiver = new Thread(() -> receive(selector, receiving, received, delay), "rtp-load-recv");
            receiver.start();

            RelayThreads relayThreads = new RelayThreads();
            long relayedBefore = relay.packetsRelayed();
            long start = System.nanoTime();
            long sent = send(phones, targets, start, duration.toNanos());
            long elapsed = System.nanoTime() - start;
            // let the last packets through before counting loss
            long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (received.get() < sent && System.nanoTime() < drainUntil) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            long relayed = relay.packetsRelayed() - relayedBefore;
            double cpuPerPacket = relayThreads.cpuNanosSince() / 1000.0 / Math.max(1, relayed);
            double bytesPerPacket = relayThreads.allocatedBytesSince() / (double) Math.max(1, relayed);
            receiving.set(false);
            selector.wakeup();
            receiver.join(5000);
            for (DatagramChannel p : phones) {
                p.close();
            }
            for (MediaSession s : sessions) {
                s.close();
            }
            double secs = elapsed / 1e9;
            return new Result(sessionCount, phones.size(), secs, sent, received.get(), relayed, relayed / secs,
                    sent == 0 ? 0 : 100.0 * (sent - received.get()) / sent,
                    delay.getValueAtPercentile(50) / 1e6, delay.getValueAtPercentile(99) / 1e6,
                    delay.getMaxValue() / 1e6, cpuPerPacket, bytesPerPacket, relay.isNativeTransport());
        }
    }

    private static DatagramChannel phone(InetAddress loopback, Selector selector) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(loopback, 0));
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
        return c;
    }

    /** Every phone sends one packet per 20 ms tick; the payload starts with the send time. */
    private static long send(List<DatagramChannel> phones, List<InetSocketAddress> targets, long start,
                             long durationNanos) throws IOException {
        ByteBuffer packet = ByteBuffer.allocateDirect(12 + PAYLOAD);
        int[] seq = new int[phones.size()];
        long sent = 0;
        long tick = start;
        while (tick - start < durationNanos) {
            for (int i = 0; i < phones.size(); i++) {
                packet.clear();
                packet.put((byte) 0x80).put((byte) 0).putShort((short) seq[i]).putInt(seq[i] * 160).putInt(i);
                packet.putLong(System.nanoTime());
                packet.position(12 + PAYLOAD);
                packet.flip();
                seq[i]++;
                if (phones.get(i).send(packet, targets.get(i)) > 0) {
                    sent++;
                }
            }
            tick += PACKET_INTERVAL_NANOS;
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return sent;
    }

    private static void receive(Selector selector, AtomicBoolean running, AtomicLong received, Histogram delay) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (running.get()) {
                selector.select(100);
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    DatagramChannel c = (DatagramChannel) key.channel();
                    while (true) {
                        buf.clear();
                        if (c.receive(buf) == null) {
                            break;
                        }
                        long now = System.nanoTime();
                        if (buf.position() >= 20) {
                            delay.recordValue(Math.max(0, now - buf.getLong(12)));
                        }
                        received.incrementAndGet();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running.get()) {
                e.printStackTrace(System.err);
            }
        }
    }

    /** CPU time and allocation of the relay's event-loop threads, via the HotSpot thread MXBean. */
    private static final class RelayThreads {
        private final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final long[] ids;
        private final long cpuBefore;
        private final long bytesBefore;

        RelayThreads() {
            ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("dialtone-rtp")).mapToLong(Thread::getId).toArray();
            cpuBefore = cpu();
            bytesBefore = bytes();
        }

        private long cpu() {
            long sum = 0;
            for (long id : ids) {
                sum += Math.max(0, mx.getThreadCpuTime(id));
            }
            return sum;
        }

        private long bytes() {
            long sum = 0;
            for (long id : ids) {
                sum += Math.max(0, mx.getThreadAllocatedBytes(id));
            }
            return sum;
        }

        long cpuNanosSince() {
            return cpu() - cpuBefore;
        }

        long allocatedBytesSince() {
            return bytes() - bytesBefore;
        }
    }
}
