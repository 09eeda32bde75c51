package dev.dialtone.bench.load;

import dev.dialtone.sip.transport.Transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the SIP call driver needs to know: where to call, how, and as whom.
 *
 * @param targetHost    host of the target URI (name or IP literal)
 * @param targetPort    its port
 * @param localHost     address to bind and advertise in Via, Contact and SDP
 * @param localPort     SIP port to bind (0 picks a free one)
 * @param fromUser      user part of From and Contact
 * @param toUser        user part of the Request-URI and To
 * @param authUser      digest username when challenged, null for none
 * @param tlsInsecure   accept any server certificate
 * @param tlsTrust      trust exactly this PEM certificate (null: the JDK trust store, unless insecure)
 * @param t1Millis      RFC 3261 T1
 * @param transactionTimeoutMillis how long a request waits for its final response before the call fails (Timers B
 *                      and F; the builder's default is 64*T1)
 * @param threads       event-loop threads, 0 for twice the cores
 */
public record LoadConfig(String targetHost, int targetPort, Transport transport, String localHost, int localPort,
                         String fromUser, String toUser, String authUser, String authPassword, boolean rtp,
                         boolean tlsInsecure, Path tlsTrust, long t1Millis, long transactionTimeoutMillis,
                         int threads) {

    public LoadConfig {
        Objects.requireNonNull(targetHost, "targetHost");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(localHost, "localHost");
        if (targetPort <= 0 || targetPort > 65535) {
            throw new IllegalArgumentException("bad target port " + targetPort);
        }
        if (t1Millis <= 0 || transactionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("T1 and the transaction timeout must be positive");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 or more, got " + threads);
        }
        if ((authUser == null) != (authPassword == null)) {
            throw new IllegalArgumentException("auth user and password go together");
        }
    }

    public static Builder builder(String targetHost, int targetPort) {
        return new Builder(targetHost, targetPort);
    }

    /** Defaults: UDP, bind 127.0.0.1 on a free port, from {@code bench} to {@code service}, no auth, T1 500 ms. */
    public static final class Builder {
        private final String targetHost;
        private final int targetPort;
        private Transport transport = Transport.UDP;
        private String localHost = "127.0.0.1";
        private int localPort;
        private String fromUser = "bench";
        private String toUser = "service";
        private String authUser;
        private String authPassword;
        private boolean rtp;
        private boolean tlsInsecure;
        private Path tlsTrust;
        private long t1Millis = 500;
        private long transactionTimeoutMillis; // 0: 64*T1
        private int threads;

        private Builder(String targetHost, int targetPort) {
            this.targetHost = targetHost;
            this.targetPort = targetPort;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder localHost(String localHost) {
            this.localHost = localHost;
            return this;
        }

        public Builder localPort(int localPort) {
            this.localPort = localPort;
            return this;
        }

        public Builder fromUser(String fromUser) {
            this.fromUser = fromUser;
            return this;
        }

        public Builder toUser(String toUser) {
            this.toUser = toUser;
            return this;
        }

        public Builder auth(String user, String password) {
            this.authUser = user;
            this.authPassword = password;
            return this;
        }

        public Builder rtp(boolean rtp) {
            this.rtp = rtp;
            return this;
        }

        public Builder tlsInsecure(boolean tlsInsecure) {
            this.tlsInsecure = tlsInsecure;
            return this;
        }

        public Builder tlsTrust(Path pem) {
            this.tlsTrust = pem;
            return this;
        }

        public Builder t1Millis(long t1Millis) {
            this.t1Millis = t1Millis;
            return this;
        }

        /** Timers B and F; 0 (the default) for 64*T1. */
        public Builder transactionTimeoutMillis(long millis) {
            this.transactionTimeoutMillis = millis;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public LoadConfig build() {
            return new LoadConfig(targetHost, targetPort, transport, localHost, localPort, fromUser, toUser,
                    authUser, authPassword, rtp, tlsInsecure, tlsTrust, t1Millis,
                    transactionTimeoutMillis == 0 ? 64 * t1Millis : transactionTimeoutMillis, threads);
        }
    }
}
