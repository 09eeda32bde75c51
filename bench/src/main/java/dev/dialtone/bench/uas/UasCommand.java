package dev.dialtone.bench.uas;

import ch.qos.logback.classic.Level;
import dev.dialtone.bench.load.CalleeWarmup;
import dev.dialtone.sip.transport.Transport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code dialtone-bench.jar uas}: the callee side of a load test. Runs until SIGINT or SIGTERM, then prints a
 * summary. Exit 2 for bad options or when it cannot bind.
 */
@Command(name = "uas", mixinStandardHelpOptions = true, sortOptions = false,
        description = "SIP UAS on the Dialtone stack: answers INVITE with SDP, OPTIONS and REGISTER with 200.")
public final class UasCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "5060",
            description = "Listen port of --transport (UDP and TCP share it). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--transport", paramLabel = "udp|tcp|tls", defaultValue = "udp",
            description = "udp and tcp are both always served on --port; tls listens on --port for TLS instead.")
    String transport;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--answer-delay", paramLabel = "MS", defaultValue = "0",
            description = "Wait this long after the INVITE before ringing or answering.")
    long answerDelay;

    @Option(names = "--ring", paramLabel = "MS", defaultValue = "-1",
            description = "Send 180 Ringing, then answer MS later (0: at once). Default: no 180.")
    long ring;

    @Option(names = "--hangup-after", paramLabel = "MS", defaultValue = "0",
            description = "The callee hangs up (BYE) MS after answering. Default: the caller hangs up.")
    long hangupAfter;

    @Option(names = "--busy-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of INVITEs (0..1) answered 486 Busy Here.")
    double busyRate;

    @Option(names = "--no-answer-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of INVITEs (0..1) that ring until the caller cancels.")
    double noAnswerRate;

    @Option(names = "--loss-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of received UDP datagrams (0..1) dropped unread, as SIPp's -lost: tests the "
                    + "caller's retransmissions (and this side's, of a 2xx whose ACK was lost).")
    double lossRate;

    @Option(names = "--auth", paramLabel = "USER:PASS",
            description = "Challenge INVITE, OPTIONS and REGISTER with Digest (MD5, qop=auth) for this user.")
    String auth;

    @Option(names = "--rtp-echo", description = "Echo RTP received on each call's media port back to its source.")
    boolean rtpEcho;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (default: self-signed).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key going with --tls-cert.")
    Path tlsKey;

    @Option(names = "--media-ports", paramLabel = "MIN-MAX", defaultValue = "20000-39998",
            description = "Media ports: with --rtp-echo each call binds one of the range; without, every call "
                    + "answers with its first port. Default: ${DEFAULT-VALUE}.")
    String mediaPorts;

    @Option(names = "--session-timers", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Offer RFC 4028 session timers and 100rel (Session-Expires, Supported in the 200); "
                    + "--no-session-timers answers without them, as SIPp's UAS does. Default: on.")
    boolean sessionTimers;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Event-loop threads (0: twice the cores). One serves a UDP socket best: a message then "
                    + "never changes threads. More help with many TCP/TLS connections. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--stats", description = "Print a line of counters every second (the default on a terminal).")
    boolean stats;

    @Option(names = "--verbose", description = "Log at DEBUG.")
    boolean verbose;

    @Option(names = "--warmup", paramLabel = "CALLS", defaultValue = "2000",
            description = "Before answering others, call itself CALLS times through its own socket, and on until the "
                    + "JIT has been quiet for two seconds (at most --warmup-time), so that a load test starting at a "
                    + "high rate meets compiled code; the counters start after it (0: none). Default: ${DEFAULT-VALUE}.")
    long warmupCalls;

    @Option(names = "--warmup-time", paramLabel = "S", defaultValue = "30",
            description = "Longest warm-up, in seconds (0: exactly CALLS calls). Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Override
    public Integer call() throws Exception {
        setLogLevel(verbose ? Level.DEBUG : Level.WARN);
        UasConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (warmupCalls < 0 || warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup and --warmup-time cannot be negative");
        }
        PrintStream out = System.out;
        Uas uas;
        try {
            uas = Uas.start(config);
        } catch (java.io.IOException e) {
            System.err.println("uas: cannot start: " + e.getMessage());
            return 2;
        }
        if (warmupCalls > 0) {
            out.printf(Locale.ROOT, "warm-up: calling itself %s%n", warmupSeconds > 0
                    ? "until the JIT is quiet (at most " + warmupSeconds + " s)"
                    : "(" + warmupCalls + " calls with load's caller at the end)");
            try {
                Uas.WarmupReport w = uas.warmUp(warmupCalls, warmupSeconds);
                CalleeWarmup.Outcome c = w.caller();
                out.printf(Locale.ROOT, "warm-up: %s%d calls with load's caller, %d answered, in %.1f s%s%n",
                        w.formCalls() > 0 ? w.formCalls() + " calls in other callers' forms, " + w.formsCompleted()
                                + " completed; " : "",
                        c.calls(), c.answered(), w.seconds(),
                        Boolean.FALSE.equals(c.jitQuiet()) ? " (the JIT was still compiling)" : "");
            } catch (IOException e) {
                // A callee that cannot call itself (no local address to bind, say) still answers others.
                out.println("warm-up: skipped: " + e.getMessage());
            }
        }
        out.printf("uas listening on %s %s:%d%n", config.transport().name().toLowerCase(), config.bindHost(),
                uas.port());
        long started = System.nanoTime();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                stopped.countDown();
                out.println(summary(uas, System.nanoTime() - started));
                uas.close();
            }
        }, "uas-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean live = stats || System.console() != null;
        Map<String, Long> previous = uas.counters().snapshot();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (live) {
                Map<String, Long> now = uas.counters().snapshot();
                out.println(line(uas, now, previous, System.nanoTime() - started));
                previous = now;
            }
        }
        return 0;
    }

    UasConfig config() {
        Transport t = Transport.fromName(transport);
        if (t == null) {
            throw new IllegalArgumentException("--transport must be udp, tcp or tls");
        }
        UasConfig.Builder b = UasConfig.builder().bindHost(bind).port(port).transport(t).tls(tlsCert, tlsKey)
                .answerDelayMillis(answerDelay).ringMillis(ring).hangupAfterMillis(hangupAfter)
                .busyRate(busyRate).noAnswerRate(noAnswerRate).lossRate(lossRate).rtpEcho(rtpEcho).threads(threads)
                .sessionTimers(sessionTimers);
        if (auth != null) {
            int colon = auth.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--auth must be USER:PASS");
            }
            b.auth(auth.substring(0, colon), auth.substring(colon + 1));
        }
        int dash = mediaPorts.indexOf('-');
        try {
            b.mediaPorts(Integer.parseInt(mediaPorts.substring(0, dash)), Integer.parseInt(mediaPorts.substring(dash + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--media-ports must be MIN-MAX");
        }
        return b.build();
    }

    static String line(Uas uas, Map<String, Long> now, Map<String, Long> before, long elapsedNanos) {
        long invites = now.get("invites") - before.get("invites");
        long options = now.get("options") - before.get("options");
        return String.format("%6.0fs invites/s %d options/s %d | answered %d busy %d unanswered %d cancelled %d "
                        + "challenged %d completed %d hungUp %d failed %d | active %d",
                elapsedNanos / 1e9, invites, options, now.get("answered"), now.get("busy"), now.get("unanswered"),
                now.get("cancelled"), now.get("challenged"), now.get("completed"), now.get("hungUp"),
                now.get("failed"), uas.activeCalls());
    }

    static String summary(Uas uas, long elapsedNanos) {
        StringBuilder sb = new StringBuilder("uas summary after ")
                .append(String.format("%.1f", elapsedNanos / 1e9)).append(" s:");
        uas.counters().snapshot().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        sb.append(" active=").append(uas.activeCalls());
        if (uas.config().rtpEcho()) {
            sb.append(" rtpEchoed=").append(uas.rtpPacketsEchoed());
        }
        return sb.toString();
    }

    /** The tools print their own lines; the stack's INFO logging would drown them. */
    static void setLogLevel(Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level);
        }
    }
}
