package dev.dialtone.bench.load;

import dev.dialtone.bench.report.HtmlReport;
import dev.dialtone.bench.report.JsonReport;
import dev.dialtone.bench.report.LoadReport;
import dev.dialtone.bench.report.SummaryTable;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code dialtone-bench.jar load}: places calls at a target rate like SIPp's UAC and reports what happened.
 * Exit 0 when the failure rate stays within {@code --max-failure-rate} (on a ramp: when the first rate was
 * sustained), 1 when it does not, 2 for bad options or when the driver cannot start.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Open-loop SIP call generator: INVITE, ringing, answer, hold, BYE, at a fixed or ramping rate.")
public final class LoadCommand implements Callable<Integer> {

    /** Opens the driver that places the calls; the SIP one unless a test supplies another. */
    public interface DriverFactory {
        CallDriver open(LoadConfig config) throws IOException;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "sip:HOST:PORT",
            description = "Where to call: sip:HOST:PORT (sips: implies TLS); a user part becomes the called user.")
    String target;

    @Option(names = "--transport", paramLabel = "udp|tcp|tls", description = "Default: udp (tls for a sips: target).")
    String transport;

    @Option(names = "--rate", paramLabel = "CPS", description = "Calls per second (the first rate of a ramp). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "10")
    double rate;

    @Option(names = "--calls", paramLabel = "N", description = "Place N calls (default 100 unless --duration).")
    Long calls;

    @Option(names = "--duration", paramLabel = "S", description = "Place calls for S seconds.")
    Double duration;

    @Option(names = "--concurrency", paramLabel = "MAX", defaultValue = "0",
            description = "At most MAX calls at once; later calls wait, and the wait counts as latency. The warm-up's "
                    + "calls to the target keep to it too. 0: no cap.")
    int concurrency;

    @Option(names = "--hold", paramLabel = "MS", defaultValue = "1000",
            description = "Time from answer to BYE. Default: ${DEFAULT-VALUE}.")
    long holdMillis;

    @Option(names = "--hangup", paramLabel = "caller|callee", defaultValue = "caller",
            description = "Who sends the BYE: caller (us, after --hold) or callee (we wait for the UAS's BYE).")
    String hangup;

    @Option(names = "--cancel-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of calls (0..1) cancelled while ringing; they end with 487 and are not failures.")
    double cancelRate;

    @Option(names = "--rtp", description = "Send RTP (PCMU, 50 packets/s) in each answered call and check the echo.")
    boolean rtp;

    @Option(names = "--auth", paramLabel = "USER:PASS", description = "Answer digest challenges with these credentials.")
    String auth;

    @Option(names = "--tls-insecure", description = "Accept any server certificate (tests and benchmarks only).")
    boolean tlsInsecure;

    @Option(names = "--tls-trust", paramLabel = "PEM", description = "Trust exactly this server certificate.")
    Path tlsTrust;

    @Option(names = "--rate-step", paramLabel = "CPS", description = "Ramp: raise the rate by CPS each step. A step fails when more of its "
            + "calls fail than --max-failure-rate allows, or, at any second of it, when more than one second's worth "
            + "of INVITEs has had no response at all; the ramp stops there.")
    Double rateStep;

    @Option(names = "--rate-max", paramLabel = "CPS", description = "Ramp: last rate to try.")
    Double rateMax;

    @Option(names = "--step-duration", paramLabel = "S", defaultValue = "10",
            description = "Ramp: seconds per step. Default: ${DEFAULT-VALUE}.")
    double stepDuration;

    @Option(names = "--max-failure-rate", paramLabel = "PERCENT", defaultValue = "0.1",
            description = "Exit 1 when more than PERCENT %% of calls fail (and the ramp's limit). Default: ${DEFAULT-VALUE}.")
    double maxFailureRate;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write every figure and histogram as JSON.")
    Path report;

    @Option(names = "--html", paramLabel = "FILE.html", description = "Write a self-contained page with plots.")
    Path html;

    @Option(names = "--local-host", paramLabel = "HOST",
            description = "Address to bind and advertise. Default: the one that routes to the target.")
    String localHost;

    @Option(names = "--local-port", paramLabel = "PORT", defaultValue = "0", description = "SIP port to bind (0: any).")
    int localPort;

    @Option(names = "--from-user", defaultValue = "bench", description = "Caller user. Default: ${DEFAULT-VALUE}.")
    String fromUser;

    @Option(names = "--to-user", description = "Called user. Default: the target's user part, else 'service'.")
    String toUser;

    @Option(names = "--t1", paramLabel = "MS", defaultValue = "500",
            description = "RFC 3261 T1, the first retransmission interval. Default: ${DEFAULT-VALUE}.")
    long t1;

    @Option(names = "--transaction-timeout", paramLabel = "MS", defaultValue = "0",
            description = "Fail a call whose INVITE or BYE has no final response after MS, and stop retransmitting "
                    + "it (RFC 3261 Timers B and F; like SIPp's -recv_timeout). Default: 64*T1.")
    long transactionTimeout;

    @Option(names = "--drain-timeout", paramLabel = "S",
            description = "After the last start, wait this long for calls to end. Default: hold + 80 s.")
    Double drainTimeout;

    @Option(names = "--warmup", paramLabel = "CALLS", defaultValue = "2000",
            description = "Before the run, place CALLS calls (more before a high rate, see --warmup-time) to a callee "
                    + "inside this process, so that the JVM has compiled the call path before the first real call "
                    + "(0: none). Not counted. Default: ${DEFAULT-VALUE}.")
    int warmupCalls;

    @Option(names = "--warmup-time", paramLabel = "S", defaultValue = "60",
            description = "Before a run at (or a ramp up to) 1,000 calls/s or more, the warm-up goes on after its CALLS "
                    + "calls until the JIT has been quiet for two seconds, for at most S seconds in all (0: exactly "
                    + "CALLS calls). Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--warmup-target", description = "Place the warm-up calls to the target (no hold, at the run's "
            + "first rate up to 1,000 calls/s, reached over 4 s) instead of to a callee inside this process: the "
            + "JIT then also compiles the paths the target's answers take. The target sees these calls; they are not "
            + "counted.")
    boolean warmupTarget;

    @Option(names = "--warmup-handover", paramLabel = "CALLS", defaultValue = "2000",
            description = "When the run starts at 1,000 calls/s or more, the in-process warm-up is followed by at "
                    + "least CALLS calls to the target (no hold, eased in to the run's first rate over 4 s), on until "
                    + "the JIT is quiet (at most 15 s), so that the paths the target's answers take, and those only "
                    + "that rate runs, are compiled in both processes before the run's first second rather than "
                    + "during it. The target sees these calls; they are not counted. 0: none. "
                    + "Default: ${DEFAULT-VALUE}.")
    int handoverCalls;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Event-loop threads (0: twice the cores). One serves a UDP socket best: a message then "
                    + "never changes threads. More help with many TCP/TLS connections. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--start-grid", paramLabel = "MS", defaultValue = "10",
            description = "Without --concurrency, round each call's start up to a multiple of MS milliseconds, so "
                    + "that the calls of one interval leave together and the target wakes once for them (SIPp's "
                    + "default timer resolution is 10 ms); latencies count from the rounded start. 0: start each "
                    + "call at its exact time. Default: ${DEFAULT-VALUE}.")
    int startGridMillis;

    @Option(names = {"-v", "--verbose"}, description = "Log the SIP stack's debug output and the warm-up's status "
            + "lines (to stderr).")
    boolean verbose;

    /** The highest rate of a whole warm-up on the target (--warmup-target), which starts with a cold JVM. */
    private static final double WARMUP_TARGET_RATE = 1_000;

    private final DriverFactory driverFactory;
    private final Clock clock;
    private final PrintStream out;
    private final Boolean terminal;
    private LongSupplier jitMillis = Warmup.Settle.jit();

    public LoadCommand() {
        this(SipCallDriver::open, Clock.SYSTEM, System.out, null);
    }

    /** For tests: a given driver and output; {@code terminal} null means ask {@link System#console()}. */
    public LoadCommand(DriverFactory driverFactory, Clock clock, PrintStream out, Boolean terminal) {
        this.driverFactory = driverFactory;
        this.clock = clock;
        this.out = out;
        this.terminal = terminal;
    }

    /** For tests: the JIT's compile time in ms, as the warm-up watches it (null: not measured). */
    LoadCommand jitMillis(LongSupplier jitMillis) {
        this.jitMillis = jitMillis;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        verboseLogging(verbose);
        SipUri uri;
        try {
            uri = SipUri.parse(target.contains(":") && !target.startsWith("sip") ? "sip:" + target : target);
        } catch (SipParseException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--target: not a SIP URI: " + target);
        }
        Transport tp = transport != null ? Transport.fromName(transport)
                : uri.secure() ? Transport.TLS : uri.transport() != null ? Transport.fromName(uri.transport())
                : Transport.UDP;
        if (tp == null) {
            throw new ParameterException(spec.commandLine(), "--transport must be udp, tcp or tls");
        }
        int port = uri.port() > 0 ? uri.port() : tp.defaultPort();
        Hangup who = switch (hangup.toLowerCase(Locale.ROOT)) {
            case "caller" -> Hangup.CALLER;
            case "callee" -> Hangup.CALLEE;
            default -> throw new ParameterException(spec.commandLine(), "--hangup must be caller or callee");
        };
        if (cancelRate < 0 || cancelRate > 1) {
            throw new ParameterException(spec.commandLine(), "--cancel-rate must be between 0 and 1");
        }
        if (maxFailureRate < 0 || maxFailureRate > 100) {
            throw new ParameterException(spec.commandLine(), "--max-failure-rate is a percentage, 0 to 100");
        }
        if (holdMillis < 0 || concurrency < 0) {
            throw new ParameterException(spec.commandLine(), "--hold and --concurrency cannot be negative");
        }
        if (t1 <= 0 || transactionTimeout < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--t1 must be positive and --transaction-timeout 0 (64*T1) or more");
        }
        if (startGridMillis < 0 || startGridMillis > 1000) {
            throw new ParameterException(spec.commandLine(), "--start-grid must be 0 to 1000 ms");
        }
        RateSchedule schedule;
        try {
            if (rateStep != null || rateMax != null) {
                if (rateStep == null || rateMax == null) {
                    throw new ParameterException(spec.commandLine(), "a ramp needs both --rate-step and --rate-max");
                }
                if (calls != null || duration != null) {
                    throw new ParameterException(spec.commandLine(),
                            "a ramp runs --step-duration per step; drop --calls and --duration");
                }
                schedule = RateSchedule.ramp(rate, rateStep, rateMax, stepDuration);
            } else if (calls != null && duration != null) {
                throw new ParameterException(spec.commandLine(), "give --calls or --duration, not both");
            } else if (duration != null) {
                schedule = RateSchedule.ofDuration(rate, duration);
            } else {
                schedule = RateSchedule.ofCalls(rate, calls == null ? 100 : calls);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "bad rate or count: " + e.getMessage());
        }
        String authUser = null;
        String authPassword = null;
        if (auth != null) {
            int colon = auth.indexOf(':');
            if (colon <= 0) {
                throw new ParameterException(spec.commandLine(), "--auth must be USER:PASS");
            }
            authUser = auth.substring(0, colon);
            authPassword = auth.substring(colon + 1);
        }
        String called = toUser != null ? toUser : uri.user() != null ? uri.user() : "service";
        String local = localHost != null ? SipCallDriver.bare(localHost) : routeTo(uri.host(), port);
        LoadConfig config = LoadConfig.builder(uri.host(), port).transport(tp).localHost(local).localPort(localPort)
                .fromUser(fromUser).toUser(called).auth(authUser, authPassword).rtp(rtp).tlsInsecure(tlsInsecure)
                .tlsTrust(tlsTrust).t1Millis(t1).transactionTimeoutMillis(transactionTimeout)
                .threads(threads).build();
        long drain = Math.round((drainTimeout != null ? drainTimeout : holdMillis / 1000.0 + 80) * 1e9);
        OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(schedule, concurrency, cancelRate, holdMillis, who,
                maxFailureRate, drain, TimeUnit.MILLISECONDS.toNanos(startGridMillis));
        LoadReport.Settings settings = new LoadReport.Settings(uri.scheme() + ":" + uri.host() + ":" + port,
                tp.name(), rate, rateStep == null && duration == null ? Long.valueOf(calls == null ? 100 : calls) : null,
                duration, concurrency, holdMillis, who.name().toLowerCase(Locale.ROOT), cancelRate, rtp, auth != null,
                maxFailureRate, rateStep, rateMax, rateStep == null ? null : stepDuration, startGridMillis,
                config.transactionTimeoutMillis());

        if (warmupCalls < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup cannot be negative");
        }
        if (warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup-time cannot be negative");
        }
        CallDriver driver = openDriver(config);
        if (driver == null) {
            return 2;
        }
        // A ramp counts by the highest rate it may reach.
        double peak = plan.schedule().steps().stream().mapToDouble(RateSchedule.Step::rate).max().orElse(rate);
        driver.expectRate(peak);
        // Serial's pools are "Eden Space" and "Tenured Gen", Parallel's "PS Eden Space" and "PS Old Gen".
        String heap = heapNote(peak, poolBytes("Eden Space"), Math.max(poolBytes("Tenured Gen"), poolBytes("Old Gen")));
        if (heap != null) {
            out.println(heap);
        }
        if (warmupCalls > 0) {
            try {
                long t0 = System.nanoTime();
                // Whether to wait for the JIT is judged by the peak: a JVM still compiling falls behind at it.
                Warmup.Settle settle = peak >= Warmup.SETTLE_FROM_RATE && warmupSeconds > 0
                        ? new Warmup.Settle(warmupCalls, warmupSeconds, jitMillis) : null;
                if (settle != null) {
                    // It may take half a minute: say so, rather than leave the terminal blank.
                    out.printf(Locale.ROOT, "warm-up: %s until the JIT is quiet (at most %s s)%n",
                            warmupTarget ? "calling the target" : "calling a callee in this process",
                            Ramp.round(warmupSeconds));
                }
                Warmup.Result w;
                PrintWriter warmupLog = verbose ? spec.commandLine().getErr() : null;
                if (warmupTarget) {
                    w = Warmup.onTarget(warmupCalls, Math.min(rate, WARMUP_TARGET_RATE), concurrency, settle, driver,
                            warmupLog);
                } else {
                    w = Warmup.inProcess(warmupCalls, settle, driver, config.localHost(), driverFactory, warmupLog);
                }
                out.printf(Locale.ROOT, "warm-up: %d calls, %d answered, in %.1f s%s%n", w.calls(), w.answered(),
                        (System.nanoTime() - t0) / 1e9, jitVerdict(w, "--warmup-time " + Ramp.round(warmupSeconds)));
                // A run that starts at a high rate meets the target's own answers at full speed, and both JVMs
                // meet what only that rate runs (many datagrams a read, long batches of writes, full rings):
                // hand over first, eased in to the run's first rate, so that both compile those paths before the
                // run rather than in its first seconds (see Warmup.HANDOVER_MAX_SECONDS).
                double first = plan.schedule().steps().get(0).rate();
                if (settle != null && !warmupTarget && handoverCalls > 0 && first >= Warmup.SETTLE_FROM_RATE) {
                    long t1 = System.nanoTime();
                    Warmup.Result h = Warmup.handOver(handoverCalls, first, concurrency,
                            new Warmup.Settle(handoverCalls, Warmup.HANDOVER_MAX_SECONDS, jitMillis), driver,
                            warmupLog);
                    out.printf(Locale.ROOT, "warm-up: then %d calls to the target, eased in to %,.0f calls/s, %d "
                                    + "answered, in %.1f s%s%n", h.calls(), h.peakRate(), h.answered(),
                            (System.nanoTime() - t1) / 1e9, h.behind() > 0
                                    ? ", stopped there with " + h.behind() + " INVITEs without any response"
                                    : jitVerdict(h, String.valueOf(Ramp.round(Warmup.HANDOVER_MAX_SECONDS))));
                }
            } catch (IOException | RuntimeException e) {
                // Only the first seconds of the run lose something; say so and go on.
                spec.commandLine().getErr().println("load: warm-up skipped: " + e.getMessage());
            }
        }
        if (warmupCalls > 0 || peak >= Warmup.SETTLE_FROM_RATE) {
            // A full collection now, between the warm-up and the first call, as a benchmark harness does between
            // iterations: it frees what the warm-up's callee left in the old generation, and the collector sizes
            // the heap for the rings sized above while nothing waits. Left to the run, that collection came when
            // the old generation filled, in the middle of a rate step (100-170 ms at 20,000 calls/s, on a core
            // already behind): the answers queued meanwhile made every young collection after it longer.
            System.gc();
        }
        boolean tty = terminal != null ? terminal : System.console() != null;
        Progress progress = new Progress(out, tty);
        LoadMetrics metrics = new LoadMetrics(plan.schedule().steps().size());
        OpenLoopGenerator generator = new OpenLoopGenerator(plan, driver, metrics, clock, progress);
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: stop placing calls, give those running a moment, and still print and write the reports.
        Thread hook = new Thread(() -> {
            generator.requestStop();
            try {
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Instant startedAt = Instant.now();
            OpenLoopGenerator.Result run;
            // The warm-up's calls went through the same driver: count from here.
            long retransmittedBefore = driver.retransmittedRequests();
            long invitesBefore = driver.retransmittedInvites();
            long dropsBefore = driver.receiveDrops();
            Long retransmitted;
            Long retransmittedInvites;
            Long receiveDrops;
            try {
                run = generator.run();
            } finally {
                retransmitted = CallDriver.since(retransmittedBefore, driver.retransmittedRequests());
                retransmittedInvites = CallDriver.since(invitesBefore, driver.retransmittedInvites());
                receiveDrops = CallDriver.since(dropsBefore, driver.receiveDrops());
                progress.finish();
                driver.close();
            }
            LoadReport result = LoadReports.build(settings, startedAt, metrics, run, settings.rtp(), retransmitted,
                    retransmittedInvites, receiveDrops);
            out.print(SummaryTable.render(result));
            if (report != null) {
                JsonReport.write(result, report);
                out.println("report: " + report);
            }
            if (html != null) {
                HtmlReport.write(result, html);
                out.println("html: " + html);
            }
            out.flush();
            return result.passed() ? 0 : 1;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running and waits for us; nothing to remove.
            }
        }
    }

    private CallDriver openDriver(LoadConfig config) {
        try {
            return driverFactory.open(config);
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("load: cannot start: " + e.getMessage());
            return null;
        }
    }

    /** From this rate on, a heap smaller than advised is worth a note before the run. */
    static final double HEAP_NOTE_FROM_RATE = 10_000;
    static final long EDEN_ADVISED = 512L << 20;
    static final long OLD_ADVISED = 512L << 20;

    /**
     * A note advising -Xms2g -Xmn1g when the run may reach {@code peak} calls/s with an eden of {@code eden} bytes
     * and an old generation of {@code old} bytes, as committed at start (0: unknown, no note). Each call allocates
     * about 20 KB, so at 20,000 calls/s the 100 MB eden a JVM starts with on a machine of 24 GB fills four times a
     * second; when the target stalls, each of those collections copies the calls in flight, the pauses grow with
     * them, and `load` falls behind the target it is measuring (ramps against SIPp's UAS ended at 18,000-21,000
     * calls/s as started, at 21,000-22,000 with -Xmn1g). With -Xmn1g alone the old generation starts at a few MB:
     * the warm-up's closing collection cannot move its 145 MB of live state there, so the first collections of the
     * run copy it again, and the old generation then grows in full collections; the first seconds at 20,000
     * calls/s stopped for 0.2-0.3 s twice, and 1,621 calls of one run failed. -Xms2g commits the old generation
     * before the run (bench/RESULTS.md, nineteenth part).
     */
    static String heapNote(double peak, long eden, long old) {
        if (peak < HEAP_NOTE_FROM_RATE || eden <= 0 || old <= 0 || (eden >= EDEN_ADVISED && old >= OLD_ADVISED)) {
            return null;
        }
        return String.format(Locale.ROOT, "note: the JVM's eden is %d MB and its old generation %d MB; for a run "
                + "above %,d calls/s start it with java -Xms2g -Xmn1g -jar dialtone-bench.jar load ... (see "
                + "bench/RESULTS.md)", eden >> 20, old >> 20, (long) HEAP_NOTE_FROM_RATE);
    }

    /**
     * The committed size of the collector's pool whose name ends with {@code suffix}, in bytes; 0 where the
     * collector sizes its generations as it goes (G1, ZGC), whose notes would not apply.
     */
    private static long poolBytes(String suffix) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = p.getName();
            if (name.endsWith(suffix) && !name.startsWith("G1")) {
                return p.getUsage().getCommitted();
            }
        }
        return 0;
    }

    /**
     * Why a warm-up phase ended, for its line: nothing if it did not wait for the JIT, else that the JIT was quiet
     * or that it stopped at {@code limit} seconds.
     */
    private static String jitVerdict(Warmup.Result r, String limit) {
        return r.settled() == null ? "" : r.settled() ? ", until the JIT was quiet"
                : ", stopped at " + limit + " s with the JIT still compiling";
    }

    /**
     * The jar's logback.xml keeps warnings only, so that the log does not bury the live line; {@code --verbose} adds
     * the stack's debug output, unless the user runs with a logging configuration of their own.
     */
    private static void verboseLogging(boolean verbose) {
        if (!verbose || System.getProperty("logback.configurationFile") != null) {
            return;
        }
        if (org.slf4j.LoggerFactory.getLogger("dev.dialtone") instanceof ch.qos.logback.classic.Logger stack) {
            stack.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
    }

    /** The local address the OS would use to reach the target, without sending anything. */
    private static String routeTo(String host, int port) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(SipCallDriver.bare(host), port));
            String a = s.getLocalAddress().getHostAddress();
            return a.equals("0.0.0.0") ? "127.0.0.1" : a;
        } catch (IOException | RuntimeException e) {
            return "127.0.0.1";
        }
    }
}
