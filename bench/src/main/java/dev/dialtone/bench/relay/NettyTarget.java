package dev.dialtone.bench.relay;

import dev.dialtone.media.rtp.MediaSession;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.media.rtp.RtpRelayConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dialtone's {@link RtpRelay} on one event loop, in this JVM. Its CPU time is that event loop
 * thread's: the JVM's GC and JIT threads, shared with the load generator here, are not counted
 * (run it with {@code relay-serve} in its own JVM to count them).
 */
final class NettyTarget implements RelayTarget {

    /** The event loop threads' name prefix, as RtpRelay names them. */
    static final String THREAD_PREFIX = "dialtone-rtp";

    private final RtpRelay relay;
    private final List<MediaSession> sessions = new ArrayList<>();

    NettyTarget(InetAddress address, int firstPort) {
        relay = RtpRelay.create(RtpRelayConfig.builder()
                .bindAddress(address)
                .ports(firstPort, 65535)
                .ioThreads(1)
                .mediaTimeout(Duration.ZERO)
                .build());
    }

    /**
     * Opens {@code endpoints.size()} sessions; with an endpoint, both legs get it as their remote
     * address, as from SDP; with {@code null} they learn it by latching only.
     */
    @Override
    public List<LegPair> open(List<InetSocketAddress> endpoints) throws Exception {
        List<CompletableFuture<MediaSession>> opening = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            opening.add(relay.openSessionAsync((leg, silence) -> { }));
        }
        List<LegPair> pairs = new ArrayList<>();
        InetAddress address = relay.config().bindAddress();
        for (int i = 0; i < opening.size(); i++) {
            MediaSession session = opening.get(i).get(30, TimeUnit.SECONDS);
            sessions.add(session);
            InetSocketAddress endpoint = endpoints.get(i);
            if (endpoint != null) {
                session.legA().setRemote(endpoint);
                session.legB().setRemote(endpoint);
            }
            pairs.add(new LegPair(new InetSocketAddress(address, session.legA().localRtpPort()),
                    new InetSocketAddress(address, session.legB().localRtpPort())));
        }
        return pairs;
    }

    @Override
    public CpuClock cpuClock() {
        return CpuClock.threads(THREAD_PREFIX);
    }

    @Override
    public String describe() {
        return "Dialtone RtpRelay in-process (" + (relay.isNativeTransport() ? "epoll" : "nio")
                + ", 1 event loop), CPU: its event loop thread";
    }

    long packetsRelayed() {
        return relay.packetsRelayed();
    }

    long packetsDropped() {
        return relay.packetsDropped();
    }

    @Override
    public void close() {
        for (MediaSession session : sessions) {
            session.close();
        }
        relay.close();
    }
}
