package dev.dialtone.sip.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SipTransportLayer} listens and behaves.
 *
 * @param bindHost             local address to listen on ({@code 0.0.0.0} for every IPv4 interface)
 * @param advertisedHost       the host written into our Via sent-by and Contact, and recognised in the sent-by of
 *                             responses (RFC 3261 18.1.2); a name or an IP literal
 * @param port                 UDP and TCP listen port, the same number for both (RFC 3261 18.1.1 switches a large
 *                             request to TCP without changing the Via port); 0 picks a free one
 * @param tlsPort              TLS listen port when {@code tls} is set; 0 picks a free one
 * @param tls                  certificate material and client verification; null disables TLS entirely
 * @param serverIdleTimeout    a connection a peer opened to us closes after this long without a byte either way;
 *                             also the longest a request without its final response keeps any connection open
 * @param clientIdleTimeout    a connection we opened closes after this long without a byte either way, unless a
 *                             request on it still awaits its final response (an INVITE ringing on a quiet TCP
 *                             connection), for at most {@code serverIdleTimeout}
 * @param connectTimeout       limit for opening a TCP connection (and completing the TLS handshake)
 * @param keepAliveInterval    when positive, a double-CRLF ping (RFC 5626 4.4.1) goes out on each connection we
 *                             opened that has been quiet this long, and a connection that then stays silent
 *                             (no pong) for 10 s more is closed as failed; {@link Duration#ZERO} turns pings off,
 *                             which lets such connections idle out
 * @param maxMessageSize       largest message accepted, in bytes; larger ones are rejected and a stream carrying one
 *                             is closed
 * @param largeRequestsOverTcp RFC 3261 18.1.1: a request bigger than {@link #UDP_MTU_LIMIT} bytes bound for UDP
 *                             without a fixed flow goes over TCP instead (top Via rewritten to TCP), falling back to
 *                             UDP when the connection cannot be opened
 * @param udpSocketBuffer      SO_RCVBUF and SO_SNDBUF of the UDP sockets, in bytes (the kernel caps them at
 *                             net.core.rmem_max and wmem_max): what arrives while the process is paused, in a GC
 *                             say, waits there instead of being dropped
 * @param udpReceiveLoss       share (0..1) of received UDP datagrams dropped unread, as a lossy network would (SIPp's
 *                             {@code -lost}): for testing how a peer retransmits; 0, the default, outside tests
 * @param udpSendLoss          share (0..1) of UDP datagrams to send dropped instead, as a lossy network would; 0
 *                             outside tests
 * @param udpSendDuplication   share (0..1) of UDP datagrams sent twice, as a network that duplicates does (netem's
 *                             {@code duplicate}): the peer sees responses its transactions have already taken; 0
 *                             outside tests
 * @param udpDuplicateDelay    the copy of a datagram sent twice goes out after a delay drawn uniformly from zero to
 *                             this ({@link Duration#ZERO}, the default: straight after the original). Longer than a
 *                             call, it reaches the peer after the call has ended, as a late retransmission would
 */
public record TransportConfig(String bindHost, String advertisedHost, int port, int tlsPort, TlsConfig tls,
                              Duration serverIdleTimeout, Duration clientIdleTimeout, Duration connectTimeout,
                              Duration keepAliveInterval, int maxMessageSize, boolean largeRequestsOverTcp,
                              int udpSocketBuffer, double udpReceiveLoss, double udpSendLoss,
                              double udpSendDuplication, Duration udpDuplicateDelay) {

    /** RFC 3261 18.1.1: above this a request MUST use a congestion-controlled transport when the MTU is unknown. */
    public static final int UDP_MTU_LIMIT = 1300;

    public TransportConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        if (port < 0 || port > 65535 || tlsPort < 0 || tlsPort > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        if (maxMessageSize < 512) {
            throw new IllegalArgumentException("maxMessageSize below 512: " + maxMessageSize);
        }
        if (udpSocketBuffer < 65536) {
            throw new IllegalArgumentException("udpSocketBuffer below 64 KiB: " + udpSocketBuffer);
        }
        requireShare(udpReceiveLoss, "udpReceiveLoss");
        requireShare(udpSendLoss, "udpSendLoss");
        requireShare(udpSendDuplication, "udpSendDuplication");
        if (udpSendLoss + udpSendDuplication >= 1) {
            throw new IllegalArgumentException("udpSendLoss and udpSendDuplication together must stay below 1");
        }
        Objects.requireNonNull(udpDuplicateDelay, "udpDuplicateDelay");
        if (udpDuplicateDelay.isNegative()) {
            throw new IllegalArgumentException("udpDuplicateDelay is negative");
        }
        requirePositive(serverIdleTimeout, "serverIdleTimeout");
        requirePositive(clientIdleTimeout, "clientIdleTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        if (keepAliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepAliveInterval is negative");
        }
    }

    private static void requireShare(double share, String name) {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException(name + " must be a share in [0, 1): " + share);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
            .bindHost(bindHost).advertisedHost(advertisedHost).port(port).tlsPort(tlsPort).tls(tls)
            .serverIdleTimeout(serverIdleTimeout).clientIdleTimeout(clientIdleTimeout).connectTimeout(connectTimeout)
            .keepAliveInterval(keepAliveInterval).maxMessageSize(maxMessageSize)
            .largeRequestsOverTcp(largeRequestsOverTcp).udpSocketBuffer(udpSocketBuffer)
            .udpReceiveLoss(udpReceiveLoss).udpSendLoss(udpSendLoss).udpSendDuplication(udpSendDuplication)
            .udpDuplicateDelay(udpDuplicateDelay);
    }

    /**
     * Defaults: bind and advertise {@code 127.0.0.1}, port 5060, TLS off (port 5061 once {@link #tls} is given),
     * server-accepted connections idle out after 5 minutes, client-opened ones after 32 s, 10 s connect timeout,
     * no keep-alive pings, 65535-byte messages, large UDP requests over TCP, 1 MiB UDP socket buffers.
     */
    public static final class Builder {
        private String bindHost = "127.0.0.1";
        private String advertisedHost;
        private int port = 5060;
        private int tlsPort = 5061;
        private TlsConfig tls;
        private Duration serverIdleTimeout = Duration.ofMinutes(5);
        private Duration clientIdleTimeout = Duration.ofSeconds(32);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration keepAliveInterval = Duration.ZERO;
        private int maxMessageSize = 65535;
        private boolean largeRequestsOverTcp = true;
        private int udpSocketBuffer = 1 << 20;
        private double udpReceiveLoss;
        private double udpSendLoss;
        private double udpSendDuplication;
        private Duration udpDuplicateDelay = Duration.ZERO;

        private Builder() {
        }

        public Builder bindHost(String bindHost) {
            this.bindHost = bindHost;
            return this;
        }

        /** Defaults to the bind host, or {@code 127.0.0.1} when binding to a wildcard address. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tlsPort(int tlsPort) {
            this.tlsPort = tlsPort;
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder serverIdleTimeout(Duration timeout) {
            this.serverIdleTimeout = timeout;
            return this;
        }

        public Builder clientIdleTimeout(Duration timeout) {
            this.clientIdleTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder keepAliveInterval(Duration interval) {
            this.keepAliveInterval = interval;
            return this;
        }

        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder largeRequestsOverTcp(boolean enabled) {
            this.largeRequestsOverTcp = enabled;
            return this;
        }

        public Builder udpSocketBuffer(int bytes) {
            this.udpSocketBuffer = bytes;
            return this;
        }

        public Builder udpReceiveLoss(double share) {
            this.udpReceiveLoss = share;
            return this;
        }

        public Builder udpSendLoss(double share) {
            this.udpSendLoss = share;
            return this;
        }

        public Builder udpSendDuplication(double share) {
            this.udpSendDuplication = share;
            return this;
        }

        public Builder udpDuplicateDelay(Duration delay) {
            this.udpDuplicateDelay = delay;
            return this;
        }

        public TransportConfig build() {
            String advertised = advertisedHost;
            if (advertised == null) {
                advertised = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
            }
            return new TransportConfig(bindHost, advertised, port, tlsPort, tls, serverIdleTimeout, clientIdleTimeout,
                connectTimeout, keepAliveInterval, maxMessageSize, largeRequestsOverTcp, udpSocketBuffer,
                udpReceiveLoss, udpSendLoss, udpSendDuplication, udpDuplicateDelay);
        }
    }
}
