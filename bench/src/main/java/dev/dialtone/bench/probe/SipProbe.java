package dev.dialtone.bench.probe;

import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.dns.NextHop;
import dev.dialtone.sip.dns.ServerLocationException;
import dev.dialtone.sip.dns.ServerLocator;
import dev.dialtone.sip.dns.Target;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transport.Transport;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One round of the SIP server test of seeds/000: locate the server (RFC 3263), connect, OPTIONS (answering a
 * Digest challenge), optionally REGISTER and INVITE, timing each step. Runs on the calling thread and blocks.
 */
final class SipProbe {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String USER_AGENT = "Dialtone probe";
    private static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS";
    private static final long T1 = 500;
    private static final long T2 = 4000;

    private final ProbeConfig config;
    private final ServerLocator locator;
    private final String agentName;

    SipProbe(ProbeConfig config, ServerLocator locator, String agentName) {
        this.config = config;
        this.locator = locator;
        this.agentName = agentName;
    }

    /** Why a step failed, in the seed's terms. */
    static final class Failure extends Exception {
        final String errorType;
        final int responseCode;

        Failure(String errorType, int responseCode, String detail) {
            super(detail, null, false, false);
            this.errorType = errorType;
            this.responseCode = responseCode;
        }
    }

    /** What one request and its challenge retries exchanged. */
    private static final class Exchange {
        final List<String> requests = new ArrayList<>(2);
        final List<String> responses = new ArrayList<>(2);
        long start;
        long end;
        long firstSent;
        long firstByte;
        int status;
    }

    SipMetric run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        long dns = 0;
        long connect = 0;
        long options = 0;
        long register = 0;
        long invite = 0;
        long wait = 0;
        long response = 0;
        long end = t0;
        int code = 0;
        String serverIp = "";
        Exchange optionsExchange = null;
        String errorType = "None";
        String problem = "";
        try {
            Target target = locate();
            long located = System.nanoTime();
            dns = NetUtil.isValidIpV4Address(config.host()) || NetUtil.isValidIpV6Address(stripBrackets(config.host()))
                    ? 0 : millis(located - t0);
            serverIp = target.address().getAddress().getHostAddress();
            long connectStart = System.nanoTime();
            try (ProbeChannel channel = connect(target)) {
                long connected = System.nanoTime();
                connect = config.transport() == Transport.UDP ? 0 : millis(connected - connectStart);
                end = connected;
                Dialogue d = new Dialogue(channel);
                optionsExchange = new Exchange();
                d.nonInvite(SipMethod.OPTIONS, optionsExchange);
                code = optionsExchange.status;
                options = millis(optionsExchange.end - optionsExchange.start);
                end = optionsExchange.end;
                if (config.register()) {
                    Exchange r = new Exchange();
                    d.nonInvite(SipMethod.REGISTER, r);
                    register = millis(r.end - r.start);
                    end = r.end;
                }
                if (config.invite()) {
                    Exchange i = new Exchange();
                    d.invite(i);
                    invite = millis(i.end - i.start);
                    end = i.end;
                }
            }
        } catch (Failure f) {
            errorType = f.errorType;
            problem = f.getMessage();
            if (f.responseCode > 0) {
                code = f.responseCode;
            }
            end = System.nanoTime();
        }
        if (optionsExchange != null && optionsExchange.firstByte != 0) {
            wait = millis(optionsExchange.firstByte - optionsExchange.firstSent);
            // As in the seed: the steps' own times add up, leaving out the probe's work between them.
            response = dns + connect + wait;
        }
        boolean ok = errorType.equals("None");
        long total = ok ? dns + connect + options + register + invite : millis(end - t0);
        return new SipMetric(agentName, config.authUser(), ok ? 100.0 : 0.0, connect, DATE.format(started), dns,
                errorType, invite, 0,
                optionsExchange == null ? "" : String.join("\n", optionsExchange.requests),
                optionsExchange == null ? "" : String.join("\n", optionsExchange.responses),
                options, problem, register, code, response, started.getEpochSecond(), serverIp, total, wait);
    }

    private static long millis(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private Target locate() throws Failure {
        NextHop hop = new NextHop(config.host(), config.port() > 0 ? OptionalInt.of(config.port()) : OptionalInt.empty(),
                Optional.of(config.transport()), false);
        try {
            return locator.locate(hop).toCompletableFuture()
                    .get(config.timeLimit().toMillis(), TimeUnit.MILLISECONDS)
                    .current().orElseThrow(() -> new Failure("DNS", 0, "no target for " + config.host()));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof ServerLocationException s ? s.reason() + ": " + s.getMessage()
                    : String.valueOf(cause);
            throw new Failure("DNS", 0, "cannot locate " + config.host() + ": " + why);
        } catch (TimeoutException e) {
            throw new Failure("DNS", 0, "DNS lookup of " + config.host() + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("DNS", 0, "interrupted");
        }
    }

    private ProbeChannel connect(Target target) throws Failure {
        try {
            return ProbeChannel.open(config.transport(), target.address(), stripBrackets(config.host()),
                    (int) config.timeLimit().toMillis(), config.insecure());
        } catch (IOException e) {
            throw new Failure("Connect", 0, "cannot connect to " + target.address().getAddress().getHostAddress()
                    + ":" + target.address().getPort() + " over " + config.transport() + ": " + e.getMessage());
        }
    }

    /** The requests of one round over one channel: request building, retransmission, challenges. */
    private final class Dialogue {
        private final ProbeChannel channel;
        private final String localHost;
        private final int localPort;
        private final String aor;
        private final String fromTag = token(10);

        Dialogue(ProbeChannel channel) {
            this.channel = channel;
            InetSocketAddress local = channel.local();
            String h = local.getAddress().getHostAddress();
            this.localHost = h.indexOf(':') >= 0 ? "[" + h + "]" : h;
            this.localPort = local.getPort();
            this.aor = "sip:" + config.user() + "@" + config.hostForUri();
        }

        private String contact() {
            String transport = switch (config.transport()) {
                case UDP -> "";
                case TCP -> ";transport=tcp";
                case TLS -> ";transport=tls";
            };
            return "<sip:" + config.user() + "@" + localHost + ":" + localPort + transport + ">";
        }

        private String via(String branch) {
            return "SIP/2.0/" + config.transport().viaName() + " " + localHost + ":" + localPort + ";branch=" + branch
                    + ";rport";
        }

        private String request(SipMethod method, String uri, String branch, String callId, long cseq, String to,
                               List<AuthorizationHeader> auth, String contentType, String body) {
            StringBuilder sb = new StringBuilder(512);
            sb.append(method.name()).append(' ').append(uri).append(" SIP/2.0\r\n")
                    .append("Via: ").append(via(branch)).append("\r\n")
                    .append("From: <").append(aor).append(">;tag=").append(fromTag).append("\r\n")
                    .append("To: ").append(to).append("\r\n")
                    .append("Call-ID: ").append(callId).append("\r\n")
                    .append("CSeq: ").append(cseq).append(' ').append(method.name()).append("\r\n");
            if (method != SipMethod.ACK && method != SipMethod.CANCEL && method != SipMethod.BYE) {
                sb.append("Contact: ").append(contact()).append("\r\n");
            }
            for (AuthorizationHeader a : auth) {
                sb.append(a.name()).append(": ").append(a.value()).append("\r\n");
            }
            sb.append("User-Agent: ").append(USER_AGENT).append("\r\n");
            if (method != SipMethod.ACK && method != SipMethod.CANCEL) {
                sb.append("Allow: ").append(ALLOW).append("\r\n");
            }
            sb.append("Max-Forwards: 70\r\n");
            if (method == SipMethod.REGISTER) {
                sb.append("Expires: 60\r\n");
            }
            if (body != null) {
                sb.append("Content-Type: ").append(contentType).append("\r\n");
            }
            sb.append("Content-Length: ").append(body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n\r\n");
            if (body != null) {
                sb.append(body);
            }
            return sb.toString();
        }

        /** OPTIONS or REGISTER, retried once per challenge with credentials (RFC 3261 22.2). */
        void nonInvite(SipMethod method, Exchange x) throws Failure {
            String uri = method == SipMethod.REGISTER ? "sip:" + config.hostForUri() : aor;
            String to = "<" + aor + ">";
            String callId = token(10) + "@" + localHost;
            DigestClient digest = config.authUser() == null ? null : new DigestClient(config.authUser(), config.password());
            List<AuthorizationHeader> auth = List.of();
            long cseq = 1;
            x.start = System.nanoTime();
            long deadline = x.start + config.timeLimit().toNanos();
            for (int attempt = 0; ; attempt++) {
                String branch = newBranch();
                String text = request(method, uri, branch, callId, cseq, to, auth, null, null);
                x.requests.add(text);
                ProbeChannel.Received r = transact(text, branch, method, deadline, x, false);
                if (r == null) {
                    throw new Failure("Timeout", 408, method + ": no final response within "
                            + config.timeLimit().toMillis() + " ms");
                }
                SipResponse resp = (SipResponse) r.message();
                x.responses.add(r.text());
                x.status = resp.status();
                x.end = System.nanoTime();
                if (resp.status() == 401 || resp.status() == 407) {
                    auth = answerChallenge(method, uri, digest, resp, attempt);
                    cseq++;
                    continue;
                }
                if (resp.status() >= 300) {
                    throw new Failure("Response", resp.status(), method + ": " + resp.status() + " " + resp.reason());
                }
                return;
            }
        }

        private List<AuthorizationHeader> answerChallenge(SipMethod method, String uri, DigestClient digest,
                                                          SipResponse resp, int attempt) throws Failure {
            if (digest == null) {
                throw new Failure("Authentication", resp.status(), method + ": " + resp.status() + " "
                        + resp.reason() + " and no credentials given (--auth-user, --password)");
            }
            List<String> challenges = resp.headers(resp.status() == 401 ? HeaderName.WWW_AUTHENTICATE
                    : HeaderName.PROXY_AUTHENTICATE);
            ChallengeAnswer a = digest.onChallenge(resp.status(), challenges, method.name(), uri, null);
            if (a instanceof ChallengeAnswer.Retry retry && attempt < 3) {
                return retry.headers();
            }
            String why = a instanceof ChallengeAnswer.GiveUp g ? g.reason() : "too many challenges";
            throw new Failure("Authentication", resp.status(), method + ": " + resp.status() + " "
                    + resp.reason() + ": " + why);
        }

        /**
         * Sends a request and waits for its final response, retransmitting over UDP (RFC 3261 17.1.2.2 Timer E, or
         * 17.1.1.2 Timer A for an INVITE until a provisional arrives). With {@code returnProvisional} a
         * provisional response other than 100 is returned too.
         */
        ProbeChannel.Received transact(String text, String branch, SipMethod method, long deadline, Exchange x,
                                       boolean returnProvisional) throws Failure {
            long interval = T1;
            boolean provisional = false;
            send(text, x);
            long nextRetransmit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return null;
                }
                boolean retransmits = channel.transport == Transport.UDP && !(method == SipMethod.INVITE && provisional);
                ProbeChannel.Received r = receive(retransmits ? Math.min(deadline, nextRetransmit) : deadline);
                if (r == null) {
                    if (retransmits && System.nanoTime() >= nextRetransmit) {
                        send(text, null);
                        interval = method == SipMethod.INVITE ? interval * 2 : Math.min(interval * 2, T2);
                        nextRetransmit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
                    }
                    continue;
                }
                if (!(r.message() instanceof SipResponse resp) || !matches(resp, branch, method)) {
                    continue;
                }
                if (x != null && x.firstByte == 0) {
                    x.firstByte = r.firstByteNanos();
                }
                if (resp.isProvisional()) {
                    if (!provisional && method != SipMethod.INVITE) {
                        // RFC 3261 17.1.2.2: after a provisional response, retransmit at T2.
                        interval = T2;
                    }
                    provisional = true;
                    if (returnProvisional && resp.status() > 100) {
                        return r;
                    }
                    continue;
                }
                return r;
            }
        }

        private void send(String text, Exchange x) throws Failure {
            try {
                channel.send(text);
            } catch (IOException e) {
                throw new Failure("Connect", 0, "cannot send: " + e.getMessage());
            }
            if (x != null && x.firstSent == 0) {
                x.firstSent = System.nanoTime();
            }
        }

        /** The next message; requests from the server (a BYE, a keep-alive OPTIONS) are answered on the way. */
        private ProbeChannel.Received receive(long deadline) throws Failure {
            while (true) {
                ProbeChannel.Received r;
                try {
                    r = channel.receive(deadline);
                } catch (IOException e) {
                    throw new Failure("Connect", 0, "connection failed: " + e.getMessage());
                }
                if (r == null || r.message() instanceof SipResponse) {
                    return r;
                }
                SipRequest req = (SipRequest) r.message();
                if (req.method() != SipMethod.ACK) {
                    try {
                        send(req.responseBuilder(200, "OK").toTag(token(8)).build().toString(), null);
                    } catch (RuntimeException e) {
                        // A request we cannot answer is ignored; the probe is not its target.
                    }
                }
            }
        }

        private boolean matches(SipResponse resp, String branch, SipMethod method) {
            try {
                Via via = resp.topVia();
                return via != null && branch.equals(via.branch()) && resp.cseq().method() == method;
            } catch (SipParseException e) {
                return false;
            }
        }

        /**
         * INVITE with an offer; answering a challenge once; cancelled once it rings (RFC 3261 9.1) or hung up with
         * BYE once answered. The step's time runs until it rang or was answered.
         */
        void invite(Exchange x) throws Failure {
            String callId = token(10) + "@" + localHost;
            DigestClient digest = config.authUser() == null ? null : new DigestClient(config.authUser(), config.password());
            List<AuthorizationHeader> auth = List.of();
            String to = "<" + aor + ">";
            long cseq = 1;
            x.start = System.nanoTime();
            long deadline = x.start + config.timeLimit().toNanos();
            try (DatagramSocket media = new DatagramSocket(0, InetAddress.getByName(stripBrackets(localHost)))) {
                String sdp = offer(media.getLocalPort());
                for (int attempt = 0; ; attempt++) {
                    String branch = newBranch();
                    String text = request(SipMethod.INVITE, aor, branch, callId, cseq, to, auth, "application/sdp", sdp);
                    ProbeChannel.Received r = transact(text, branch, SipMethod.INVITE, deadline, x, true);
                    if (r == null) {
                        throw new Failure("Timeout", 408, "INVITE: no answer within " + config.timeLimit().toMillis()
                                + " ms");
                    }
                    SipResponse resp = (SipResponse) r.message();
                    x.status = resp.status();
                    if (resp.isProvisional()) {
                        x.end = System.nanoTime();
                        cancel(text, branch, callId, cseq, deadline);
                        return;
                    }
                    if (resp.status() < 300) {
                        x.end = System.nanoTime();
                        hangUp(resp, callId, cseq, deadline);
                        return;
                    }
                    // RFC 3261 17.1.1.3: the INVITE client transaction ACKs every non-2xx final response.
                    send(ackFor(text, resp), null);
                    if (resp.status() == 401 || resp.status() == 407) {
                        auth = answerChallenge(SipMethod.INVITE, aor, digest, resp, attempt);
                        cseq++;
                        continue;
                    }
                    throw new Failure("Response", resp.status(), "INVITE: " + resp.status() + " " + resp.reason());
                }
            } catch (IOException e) {
                throw new Failure("Connect", 0, "no local media port: " + e.getMessage());
            }
        }

        /**
         * RFC 3261 9.1: CANCEL with the INVITE's branch (retransmitted over UDP until answered), then ACK the 487,
         * or ACK and BYE a 2xx that crossed the CANCEL.
         */
        private void cancel(String inviteText, String branch, String callId, long cseq, long deadline) throws Failure {
            SipRequest invite = (SipRequest) SipParser.parse(inviteText.getBytes(StandardCharsets.UTF_8));
            String cancel = request(SipMethod.CANCEL, invite.requestUriText(), branch, callId, cseq,
                    "<" + aor + ">", List.of(), null, null);
            boolean cancelAnswered = false;
            long interval = T1;
            send(cancel, null);
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
            while (System.nanoTime() < deadline) {
                boolean retransmit = channel.transport == Transport.UDP && !cancelAnswered;
                ProbeChannel.Received r = receive(retransmit ? Math.min(deadline, next) : deadline);
                if (r == null) {
                    if (retransmit && System.nanoTime() >= next) {
                        send(cancel, null);
                        interval = Math.min(interval * 2, T2);
                        next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
                    }
                    continue;
                }
                SipResponse resp = (SipResponse) r.message();
                if (matches(resp, branch, SipMethod.CANCEL) && resp.isFinal()) {
                    cancelAnswered = true;
                } else if (matches(resp, branch, SipMethod.INVITE) && resp.isFinal()) {
                    if (resp.status() < 300) {
                        hangUp(resp, callId, cseq, deadline);
                    } else {
                        send(ackFor(inviteText, resp), null);
                    }
                    return;
                }
            }
        }

        /** ACK the 2xx (RFC 3261 13.2.2.4) and BYE at once, in the dialog the 2xx made. */
        private void hangUp(SipResponse ok, String callId, long cseq, long deadline) throws Failure {
            String to = ok.header(HeaderName.TO);
            String target = aor;
            if (!ok.contacts().isEmpty() && ok.contacts().get(0).address() != null) {
                target = ok.contacts().get(0).address().uri().toString();
            }
            List<String> routes = new ArrayList<>();
            for (Address rr : ok.recordRoutes()) {
                routes.add(rr.toString());
            }
            Collections.reverse(routes);
            String ack = inDialog(SipMethod.ACK, target, routes, newBranch(), callId, cseq, to);
            send(ack, null);
            String branch = newBranch();
            String bye = inDialog(SipMethod.BYE, target, routes, branch, callId, cseq + 1, to);
            long interval = T1;
            send(bye, null);
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
            while (System.nanoTime() < deadline) {
                boolean udp = channel.transport == Transport.UDP;
                ProbeChannel.Received r = receive(udp ? Math.min(deadline, next) : deadline);
                if (r == null) {
                    if (udp && System.nanoTime() >= next) {
                        send(bye, null);
                        interval = Math.min(interval * 2, T2);
                        next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
                    }
                    continue;
                }
                SipResponse resp = (SipResponse) r.message();
                if (resp.cseq().method() == SipMethod.INVITE && resp.status() / 100 == 2) {
                    // Our ACK was lost: the 2xx is retransmitted until ACKed (RFC 3261 13.3.1.4).
                    send(ack, null);
                } else if (matches(resp, branch, SipMethod.BYE) && resp.isFinal()) {
                    return;
                }
            }
        }

        private String inDialog(SipMethod method, String target, List<String> routes, String branch, String callId,
                                long cseq, String to) {
            String text = request(method, target, branch, callId, cseq, to, List.of(), null, null);
            if (routes.isEmpty()) {
                return text;
            }
            int at = text.indexOf("\r\n") + 2;
            return text.substring(0, at) + "Route: " + String.join(", ", routes) + "\r\n" + text.substring(at);
        }

        /** The ACK of a non-2xx final response: same branch and Request-URI, To with the response's tag. */
        private String ackFor(String inviteText, SipResponse resp) {
            SipRequest invite = (SipRequest) SipParser.parse(inviteText.getBytes(StandardCharsets.UTF_8));
            return request(SipMethod.ACK, invite.requestUriText(), invite.topVia().branch(), invite.callId(),
                    invite.cseq().seq(), resp.header(HeaderName.TO), List.of(), null, null);
        }

        private String offer(int port) {
            String host = stripBrackets(localHost);
            String ip = host.indexOf(':') >= 0 ? "IP6" : "IP4";
            long session = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
            return "v=0\r\no=- " + session + " " + session + " IN " + ip + " " + host + "\r\ns=-\r\nc=IN " + ip + " "
                    + host + "\r\nt=0 0\r\nm=audio " + port + " RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                    + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                    + "a=sendrecv\r\n";
        }
    }

    private static String newBranch() {
        // RFC 3261 8.1.1.7: the magic cookie marks a branch unique in space and time.
        return "z9hG4bK" + token(12);
    }

    private static String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
