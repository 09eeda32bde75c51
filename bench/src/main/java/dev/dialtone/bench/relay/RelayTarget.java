package dev.dialtone.bench.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** The relay under test: it opens the sessions and says how its CPU time is read. */
interface RelayTarget extends AutoCloseable {

    /**
     * Opens one relayed session per endpoint, both of whose sides the far end is that endpoint
     * (where the relay should send, as an SDP would say), and returns the relay's two addresses of
     * each.
     */
    List<LegPair> open(List<InetSocketAddress> endpoints) throws Exception;

    CpuClock cpuClock();

    /** For the report. */
    String describe();

    @Override
    void close() throws Exception;

    /**
     * {@code netty} (Dialtone's RtpRelay in this JVM), {@code ports:FILE} (a relay already running,
     * its sessions' port pairs in FILE) or {@code rtpengine:HOST:PORT} (rtpengine's ng control
     * socket).
     *
     * @param relayPid the external relay's process, for its CPU time; 0 if not known
     * @throws IllegalArgumentException for any other form
     */
    static RelayTarget parse(String spec, InetAddress address, int firstPort, long relayPid) {
        CpuClock external = relayPid > 0 ? CpuClock.process(relayPid) : CpuClock.NONE;
        if (spec.equals("netty")) {
            return new NettyTarget(address, firstPort);
        }
        if (spec.startsWith("ports:") && spec.length() > "ports:".length()) {
            Path file = Path.of(spec.substring("ports:".length()));
            return new RelayTarget() {
                @Override
                public List<LegPair> open(List<InetSocketAddress> endpoints) throws Exception {
                    return LegPair.read(file, address);
                }

                @Override
                public CpuClock cpuClock() {
                    return external;
                }

                @Override
                public String describe() {
                    return "relay with the ports of " + file + ", CPU: " + external.describe();
                }

                @Override
                public void close() {
                }
            };
        }
        if (spec.startsWith("rtpengine:")) {
            String hostPort = spec.substring("rtpengine:".length());
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0) {
                try {
                    InetSocketAddress control = new InetSocketAddress(hostPort.substring(0, colon),
                            Integer.parseInt(hostPort.substring(colon + 1)));
                    return new RtpengineTarget(control, external);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad rtpengine control port in " + spec, e);
                }
            }
        }
        throw new IllegalArgumentException("target must be netty, ports:FILE or rtpengine:HOST:PORT, not " + spec);
    }
}
