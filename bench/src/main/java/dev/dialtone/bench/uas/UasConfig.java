package dev.dialtone.bench.uas;

import dev.dialtone.sip.transport.Transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the {@link Uas} listens and answers.
 *
 * @param bindHost         address to listen on
 * @param port             the listen port of {@code transport} (0 picks a free one); UDP and TCP share a number
 * @param transport        the transport whose port is {@code port}; UDP and TCP are always both served, TLS only
 *                         when this is TLS
 * @param tlsCertificate   PEM certificate chain for TLS, or null for a self-signed certificate
 * @param tlsKey           PEM private key going with {@code tlsCertificate}
 * @param answerDelayMillis wait this long after the INVITE before ringing or answering
 * @param ringMillis       negative: no 180; otherwise send 180 Ringing and answer this long after it
 * @param hangupAfterMillis positive: the callee sends BYE this long after answering
 * @param busyRate         share of INVITEs answered 486 Busy Here (0..1)
 * @param noAnswerRate     share of INVITEs that ring until the caller cancels (0..1)
 * @param authUser         non-null: INVITE, OPTIONS and REGISTER are challenged with Digest for this user
 * @param authPassword     the password of {@code authUser}
 * @param rtpEcho          bind the SDP's media port and echo every RTP packet back to its source
 * @param mediaPortMin     lowest media port handed out (even)
 * @param mediaPortMax     highest media port handed out
 * @param threads          event-loop threads of the SIP stack; 0 for Netty's default
 * @param sessionTimers    RFC 4028 session timers and 100rel offered (Session-Expires, Supported in the 200);
 *                         off, the 200 carries neither, as SIPp's UAS answers
 * @param lossRate         share of received UDP datagrams (0..1) dropped unread, as SIPp's {@code -lost}: the
 *                         caller's requests and ACKs go missing, so its retransmissions and ours are exercised
 * @param sendLossRate     share of the UDP datagrams it sends (0..1) dropped instead: its 180s, 200s and answers to
 *                         BYE go missing
 * @param duplicateRate    share of the UDP datagrams it sends (0..1) sent twice: the caller gets responses its
 *                         transactions have already taken (load's warm-up uses it and the two above so that the
 *                         JIT has seen those paths before a real target's stall runs them)
 * @param duplicateDelayMillis the second copy of a datagram sent twice leaves up to this long after the first
 *                         (uniformly drawn; 0: at once): longer than a call, a copy of a 200 reaches the caller
 *                         after its BYE has been answered, as the 2xx retransmissions of a callee that fell behind do
 */
public record UasConfig(String bindHost, int port, Transport transport, Path tlsCertificate, Path tlsKey,
                        long answerDelayMillis, long ringMillis, long hangupAfterMillis, double busyRate,
                        double noAnswerRate, String authUser, String authPassword, boolean rtpEcho,
                        int mediaPortMin, int mediaPortMax, int threads, boolean sessionTimers,
                        double lossRate, double sendLossRate, double duplicateRate, long duplicateDelayMillis) {

    public UasConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(transport, "transport");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (busyRate < 0 || noAnswerRate < 0 || busyRate + noAnswerRate > 1) {
            throw new IllegalArgumentException("busy and no-answer rates must be shares in 0..1 adding up to at most 1");
        }
        if (!(lossRate >= 0 && lossRate < 1)) {
            throw new IllegalArgumentException("loss rate must be a share in [0, 1): " + lossRate);
        }
        if (!(sendLossRate >= 0 && duplicateRate >= 0 && sendLossRate + duplicateRate < 1)) {
            throw new IllegalArgumentException("send loss and duplicate rates must be shares adding up to less than 1");
        }
        if (duplicateDelayMillis < 0) {
            throw new IllegalArgumentException("duplicate delay must not be negative");
        }
        if (answerDelayMillis < 0) {
            throw new IllegalArgumentException("answer delay must not be negative");
        }
        if ((authUser == null) != (authPassword == null)) {
            throw new IllegalArgumentException("auth user and password go together");
        }
        if (mediaPortMin < 1024 || mediaPortMax > 65534 || mediaPortMax < mediaPortMin + 2) {
            throw new IllegalArgumentException("media port range " + mediaPortMin + "-" + mediaPortMax + " unusable");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 127.0.0.1, UDP port 5060, answer at once without 180, no auth, no RTP, media ports 20000-39998. */
    public static final class Builder {
        private String bindHost = "127.0.0.1";
        private int port = 5060;
        private Transport transport = Transport.UDP;
        private Path tlsCertificate;
        private Path tlsKey;
        private long answerDelayMillis;
        private long ringMillis = -1;
        private boolean sessionTimers = true;
        private long hangupAfterMillis;
        private double busyRate;
        private double noAnswerRate;
        private String authUser;
        private String authPassword;
        private boolean rtpEcho;
        private int mediaPortMin = 20000;
        private int mediaPortMax = 39998;
        private int threads;
        private double lossRate;
        private double sendLossRate;
        private double duplicateRate;
        private long duplicateDelayMillis;

        private Builder() {
        }

        public Builder bindHost(String bindHost) {
            this.bindHost = bindHost;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder tls(Path certificate, Path key) {
            this.tlsCertificate = certificate;
            this.tlsKey = key;
            return this;
        }

        public Builder answerDelayMillis(long millis) {
            this.answerDelayMillis = millis;
            return this;
        }

        public Builder ringMillis(long millis) {
            this.ringMillis = millis;
            return this;
        }

        public Builder hangupAfterMillis(long millis) {
            this.hangupAfterMillis = millis;
            return this;
        }

        public Builder busyRate(double share) {
            this.busyRate = share;
            return this;
        }

        public Builder noAnswerRate(double share) {
            this.noAnswerRate = share;
            return this;
        }

        public Builder auth(String user, String password) {
            this.authUser = user;
            this.authPassword = password;
            return this;
        }

        public Builder rtpEcho(boolean rtpEcho) {
            this.rtpEcho = rtpEcho;
            return this;
        }

        public Builder mediaPorts(int min, int max) {
            this.mediaPortMin = min;
            this.mediaPortMax = max;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder sessionTimers(boolean on) {
            this.sessionTimers = on;
            return this;
        }

        public Builder lossRate(double share) {
            this.lossRate = share;
            return this;
        }

        public Builder sendLossRate(double share) {
            this.sendLossRate = share;
            return this;
        }

        public Builder duplicateRate(double share) {
            this.duplicateRate = share;
            return this;
        }

        public Builder duplicateDelayMillis(long millis) {
            this.duplicateDelayMillis = millis;
            return this;
        }

        public UasConfig build() {
            return new UasConfig(bindHost, port, transport, tlsCertificate, tlsKey, answerDelayMillis, ringMillis,
                    hangupAfterMillis, busyRate, noAnswerRate, authUser, authPassword, rtpEcho, mediaPortMin,
                    mediaPortMax, threads, sessionTimers, lossRate, sendLossRate, duplicateRate, duplicateDelayMillis);
        }
    }
}
