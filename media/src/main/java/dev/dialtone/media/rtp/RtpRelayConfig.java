package dev.dialtone.media.rtp;

import dev.dialtone.media.stats.StatsConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configuration of an {@link RtpRelay}.
 *
 * @param bindAddress address every media socket binds (the wildcard address by default)
 * @param portLow lowest port of the media range, inclusive
 * @param portHigh highest port of the media range, inclusive
 * @param ioThreads event loops for media; 0 lets Netty choose (twice the cores)
 * @param nativeTransport use epoll where the platform has it; NIO otherwise or when false
 * @param mediaTimeout silence after which a leg is reported to the listener; zero disables
 * @param latchHoldoff silence of a latched source after which another source may take its place
 * @param socketBufferBytes SO_RCVBUF and SO_SNDBUF of each media socket
 * @param rtcpReportInterval mean interval of the receiver reports the relay itself sends each
 *     endpoint about the stream it receives from it (RFC 3550 6.2: at least 5 s); zero disables,
 *     leaving RTCP to the endpoints, end to end
 * @param stats how each leg's stream is measured, until the engine sets the negotiated format
 * @param nanoClock monotonic clock for arrival times and timeouts
 */
public record RtpRelayConfig(InetAddress bindAddress, int portLow, int portHigh, int ioThreads,
                             boolean nativeTransport, Duration mediaTimeout, Duration latchHoldoff,
                             int socketBufferBytes, Duration rtcpReportInterval, StatsConfig stats,
                             LongSupplier nanoClock) {

    public RtpRelayConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(mediaTimeout, "mediaTimeout");
        Objects.requireNonNull(latchHoldoff, "latchHoldoff");
        Objects.requireNonNull(rtcpReportInterval, "rtcpReportInterval");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (mediaTimeout.isNegative() || latchHoldoff.isNegative() || rtcpReportInterval.isNegative() || ioThreads < 0 || socketBufferBytes < 0) {
            throw new IllegalArgumentException("negative relay setting");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private InetAddress bindAddress = wildcard();
        private int portLow = 20000;
        private int portHigh = 29999;
        private int ioThreads;
        private boolean nativeTransport = true;
        private Duration mediaTimeout = Duration.ofSeconds(60);
        private Duration latchHoldoff = Duration.ofSeconds(2);
        private int socketBufferBytes = 256 * 1024;
        private Duration rtcpReportInterval = Duration.ZERO;
        private StatsConfig stats = StatsConfig.defaults();
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        private static InetAddress wildcard() {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        public Builder ports(int low, int high) {
            this.portLow = low;
            this.portHigh = high;
            return this;
        }

        /** {@code "LO-HI"} as given to {@code --rtp-ports}. */
        public Builder ports(String range) {
            PortAllocator parsed = PortAllocator.parse(range);
            return ports(parsed.low(), parsed.high());
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder nativeTransport(boolean enabled) {
            this.nativeTransport = enabled;
            return this;
        }

        public Builder mediaTimeout(Duration timeout) {
            this.mediaTimeout = timeout;
            return this;
        }

        public Builder latchHoldoff(Duration holdoff) {
            this.latchHoldoff = holdoff;
            return this;
        }

        public Builder socketBufferBytes(int bytes) {
            this.socketBufferBytes = bytes;
            return this;
        }

        public Builder rtcpReportInterval(Duration interval) {
            this.rtcpReportInterval = interval;
            return this;
        }

        public Builder stats(StatsConfig stats) {
            this.stats = stats;
            return this;
        }

        public Builder nanoClock(LongSupplier clock) {
            this.nanoClock = clock;
            return this;
        }

        public RtpRelayConfig build() {
            return new RtpRelayConfig(bindAddress, portLow, portHigh, ioThreads, nativeTransport, mediaTimeout,
                    latchHoldoff, socketBufferBytes, rtcpReportInterval, stats, nanoClock);
        }
    }
}
