package dev.dialtone.bench.load;

import dev.dialtone.bench.uas.Uas;
import dev.dialtone.bench.uas.UasConfig;
import dev.dialtone.sip.transport.Transport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Calls placed before the run to a callee in this process, so that the JVM has compiled the call path (building
 * INVITEs, parsing responses, transactions, dialogs) before the first real call. A cold JVM runs that path
 * interpreted for its first second or two: at a few hundred calls per second it then answers late, the target
 * retransmits, and a strict UAS such as SIPp's aborts those calls. Nothing of the warm-up is counted.
 *
 * <p>Before the first call it loads (without initializing) the classes of the packages on the call path, and the
 * warm-up renders the run's live line (to nowhere). HotSpot compiles a virtual call as a direct one while
 * class-hierarchy analysis finds a single implementation among the classes loaded so far, and a class loaded
 * later that overrides it invalidates every method compiled on that assumption. Netty loads one such class (an
 * ArrayList subclass) the first time a rare read path runs, and the first String.format of a process loads
 * locale and number-formatting classes that did the same to our string handling: each time, seconds into the
 * run, dozens of compiled methods fell back to the interpreter at once and were compiled again while the
 * loop waited for the core.
 */
final class Warmup {
    /** The rate the warm-up eases in to (also that of a callee's warm-up, {@link CalleeWarmup}). */
    static final double RATE = 2_000;
    private static final long DRAIN_NANOS = 5_000_000_000L;
    /**
     * From this rate of the run on (a ramp's highest), the warm-up goes on until the JIT is quiet. A cold JVM
     * alone on a core keeps compiling for about half a minute of warm-up calls (C2 compiled 277, 92, 100, 120, 263, 94 and 17
     * methods in successive 5 s of warm-up at 2,000 calls/s, measured with -XX:+PrintCompilation). A run at
     * 6,000 calls/s after 18,000 warm-up calls (17.7 s) had the JIT compile 272 methods of the call path in its
     * first seconds, fell behind, and lost a quarter of its calls to retransmissions; after 60,000 (33.5 s) none.
     * Below this rate the interpreter and C1 keep up, and a few seconds of warm-up do.
     */
    static final double SETTLE_FROM_RATE = 1_000;

    /**
     * The longest hand-over to the target after an in-process warm-up. Measured at 6,000 calls/s against SIPp's
     * UAS (one core): straight after the in-process warm-up the JIT compiled 134-172 methods in the run's first
     * second and setup p99 over that second was 25-529 ms (one run of six then lost 110 calls); after 2,000
     * calls to the target, taking 8-11 s with the ease-in, it was 6-7 ms in each of three runs. The hand-over
     * used to stop at 1,000 calls/s; at 28,000-30,000 calls/s that was not enough, because what only a high rate
     * runs (a read that returns dozens of datagrams, a write batch of hundreds, a ring past its first pages) was
     * still compiled in the run's first seconds, in {@code load} and in the target at once, and each falling behind
     * made the other retransmit: against a fresh {@code uas} at 30,000 calls/s for 30 s, 669,018-750,657 calls of 900,000
     * failed (three runs), against a fresh SIPp UAS at 28,000, 5-355 (three runs). Eased in to the run's rate
     * (8-9 s, 139,000-179,000 calls), none failed in those six runs, and setup p99 over the first second was
     * 6-10 ms instead of 516-572 (bench/RESULTS.md, twenty-first part).
     */
    static final double HANDOVER_MAX_SECONDS = 15;

    /**
     * Share of the datagrams the warm-up callee receives, and of those it sends, that it drops. Without it the
     * warm-up never runs the recovery paths: a retransmission timer firing (Timer A, E), a 2xx without the 180
     * before it. C2 then compiles the hot methods around them (the transaction layer's dispatch, the dialog set's
     * response handling, the driver's receive, the INVITE client machine, the timer wheel) with an uncommon trap in
     * their place. The first time the target stalls for half a second those paths run, and each trap sends a
     * method and all it inlined back to the interpreter while C2 compiles it again on the same core. Measured at
     * 18,000-19,000 calls/s against SIPp's UAS: with a callee that lost nothing, 13 methods were made not entrant
     * within 1.5 s of the first backlog (-XX:+PrintCompilation); with receive loss alone, the null checks of a
     * first stall (a second 2xx in dispatch, a 2xx with no early dialog, a repeated answer to BYE) still cost C2
     * about 2 s of the core over the next 4 s (-XX:+LogCompilation), and `load` fell behind for good. One datagram
     * in a hundred runs each path dozens of times a second while the warm-up profiles them.
     */
    static final double LOSS = 0.01;
    /**
     * Share of the datagrams the warm-up callee sends that it sends twice, the copy up to
     * {@link #DUPLICATE_DELAY_MILLIS} later. A callee that falls behind goes on retransmitting its 200 (SIPp's UAS
     * until it reads the ACK queued behind its backlog), and those 2xx reach the caller after its BYE has been
     * answered: they take the re-ACK of RFC 6026 7.2 for a call already ended ({@code DialogSet.ReAck}), and its
     * 180s and answers to BYE the retired transactions' absorption. Copies sent at once never ran the first, and
     * one in a hundred ran it a few hundred times in a warm-up, too few for C2: in a ladder against SIPp's UAS
     * (-XX:+LogCompilation) C2 compiled it, for the first time, in the very second a step began to fail (0.13-0.24 s
     * of `load`'s core). One in five runs it thousands of times in a warm-up.
     */
    static final double DUPLICATION = 0.2;
    /** Longer than a warm-up call ({@link #RING_MILLIS}): most copies arrive after their call has ended. */
    static final long DUPLICATE_DELAY_MILLIS = 1_000;
    /**
     * The warm-up callee rings this long before it answers, so that a few hundred calls are in flight (as in a
     * run at a high rate) instead of a handful: the transaction and call tables then hold enough entries that
     * their lookups walk a collision chain now and then, which a table of ten entries never did before a stall.
     */
    static final long RING_MILLIS = 100;

    /**
     * What the warm-up did.
     *
     * @param settled  null if it did not wait for the JIT, else whether it went quiet
     * @param peakRate the highest rate it had reached, in calls per second
     * @param behind   on a hand-over, the INVITEs without any response when it stopped for them (more than a
     *                 second's worth); 0 when it did not
     */
    record Result(long calls, long answered, Boolean settled, double peakRate, long behind) {
    }

    /** Packages (as class-file path prefixes) whose classes a call may load. */
    static final List<String> CALL_PATH = List.of("io/netty/channel/", "io/netty/buffer/", "io/netty/util/",
            "io/netty/handler/codec/", "org/HdrHistogram/", "dev/dialtone/sip/", "dev/dialtone/bench/load/");

    private Warmup() {
    }

    /**
     * Places {@code calls} calls over UDP to a callee started (and stopped) in this process on {@code localHost},
     * through the run's own driver where it can reach another target (UDP), through a driver of its own
     * otherwise; returns what the warm-up did.
     *
     * <p>The run's driver, not a second one: stopping an event loop runs its shutdown path, and starting one its
     * first-use paths, through methods every loop shares (Netty's loop and scheduler, its thread locals). Their
     * compiled code does not cover those branches, so with a driver of its own dozens of methods fell back to
     * the interpreter as the run began, and C2 took half the core for its first seconds to compile them again.
     * The callee's loop still stops here: left running idle, it woke for its transactions' last timers 32 s
     * later and undid the compiled loop code in the middle of the run instead.
     */
    static Result inProcess(int calls, Settle settle, CallDriver driver, String localHost,
                            LoadCommand.DriverFactory drivers, PrintWriter log)
            throws IOException, InterruptedException {
        return inProcess(calls, settle, driver, localHost, drivers, log, LOSS, DUPLICATION);
    }

    /**
     * As above, the callee dropping {@code loss} of what it receives and of what it sends, and sending
     * {@code duplication} of what it sends twice.
     */
    static Result inProcess(int calls, Settle settle, CallDriver driver, String localHost,
                            LoadCommand.DriverFactory drivers, PrintWriter log, double loss, double duplication)
            throws IOException, InterruptedException {
        String host = SipCallDriver.bare(localHost);
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        // It rings before answering, as most targets (and SIPp's UAS) do: the 18x path (early dialog, post-dial
        // delay) is half of what a call's responses exercise.
        UasConfig uasConfig = UasConfig.builder().bindHost(host).port(0).transport(Transport.UDP)
                .ringMillis(RING_MILLIS).lossRate(loss).sendLossRate(loss).duplicateRate(duplication)
                .duplicateDelayMillis(DUPLICATE_DELAY_MILLIS).build();
        try (Uas uas = Uas.start(uasConfig)) {
            CallDriver view = driver.toward(host, uas.port());
            if (view != null) {
                return place(calls, RATE, 0, settle, view, log, false);
            }
            LoadConfig own = LoadConfig.builder(host, uas.port()).localHost(host).threads(1).build();
            try (CallDriver separate = drivers.open(own)) {
                return place(calls, RATE, 0, settle, separate, log, false);
            }
        }
    }

    /**
     * Places {@code calls} calls with no hold to the run's own target through the run's driver, at {@code rate}
     * calls per second and at most {@code concurrency} at once (0: no cap); returns what the warm-up did. The JIT then compiles the paths the target's own answers
     * take (its headers, its Contact and SDP forms), which an in-process callee does not exercise.
     */
    static Result onTarget(int calls, double rate, int concurrency, Settle settle, CallDriver driver,
                           PrintWriter log) throws InterruptedException {
        return place(calls, rate, concurrency, settle, driver, log, false);
    }

    /**
     * {@link #onTarget} after an in-process warm-up, eased in to the run's first rate, and stopped as soon as more
     * than a second's worth of INVITEs has no response (as a ramp's step is failed, {@link Ramp#isOverloaded}).
     * Measured at 40,000 calls/s against {@code uas}, with both processes near a core each: a hand-over that went on
     * easing in fell behind, its calls still unanswered when the run began were retransmitted through it (1.37
     * million requests sent again), and every call of the run failed; SIPp's UAC at that rate lost 15 %.
     * With {@code concurrency} (the run's --concurrency, 0 for none) no more calls than that at once, as in the run:
     * a cap set to spare the target holds for the calls it does not count too.
     */
    static Result handOver(int calls, double rate, int concurrency, Settle settle, CallDriver driver,
                           PrintWriter log) throws InterruptedException {
        return place(calls, rate, concurrency, settle, driver, log, true);
    }

    /**
     * The call path's classes loaded, then calls with no hold, the run's live line rendered to nowhere: {@code calls}
     * of them, or with {@code settle} at least that many and on until it says the JIT is quiet. The driver stays
     * open. With {@code log}, the warm-up's own status lines go there too, prefixed, with the JIT's compile time
     * (for {@code --verbose}).
     */
    private static Result place(int calls, double rate, int concurrency, Settle settle, CallDriver driver,
                                PrintWriter log, boolean stopWhenBehind) throws InterruptedException {
        preload(CALL_PATH);
        seedMapProfiles();
        RateSchedule schedule = RateSchedule.easedIn(rate, settle == null ? calls : Long.MAX_VALUE);
        LoadMetrics metrics = new LoadMetrics(schedule.steps().size());
        // No failure limit: a step of the ease-in that loses calls does not end the warm-up.
        OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(schedule, concurrency, 0, 0,
                Hangup.CALLER, 100, DRAIN_NANOS, OpenLoopGenerator.DEFAULT_START_GRID);
        Progress nowhere = new Progress(new PrintStream(OutputStream.nullOutputStream()), false);
        OpenLoopGenerator[] generator = new OpenLoopGenerator[1];
        double[] peak = new double[1];
        long[] behind = new long[1];
        // The generator reports once a second, on its own thread: the pace at which the JIT is watched.
        generator[0] = new OpenLoopGenerator(plan, driver, metrics, Clock.SYSTEM, status -> {
            nowhere.accept(status);
            double target = status.sample().targetRate(); // 0 in the seconds of the drain
            peak[0] = Math.max(peak[0], target);
            long unanswered = metrics.unanswered.sum();
            if (stopWhenBehind && behind[0] == 0 && target > 0 && Ramp.isOverloaded(target, unanswered)) {
                behind[0] = unanswered;
            }
            // Asked first, so that the line below shows this second's reading of the JIT, not the last one's.
            boolean done = settle != null
                    && settle.done(status.sample().started(), Math.round(status.sample().t() * 1e9));
            if (log != null) {
                log.println("warm-up " + Progress.line(status).strip()
                        + (settle == null ? "" : " jit " + settle.lastMillis + " ms"));
                log.flush();
            }
            if (done || behind[0] > 0) {
                generator[0].requestStop();
                generator[0].dropWaiting();
            }
        });
        generator[0].run();
        return new Result(metrics.started.sum(), metrics.answered.sum(), settle == null ? null : settle.quiet(),
                peak[0], behind[0]);
    }

    /**
     * When a warm-up that waits for the JIT may end: once its calls have started and the JIT spent less than
     * {@link #QUIET_MILLIS} of each of the last {@link #QUIET_SECONDS} seconds compiling, or at its time limit. One
     * quiet second is not enough: C2 sometimes rests for a second between two busy ones while C1's profiles fill.
     * Asked once a second, from one thread.
     */
    static final class Settle {
        static final long QUIET_MILLIS = 20;
        static final int QUIET_SECONDS = 2;
        private final long minCalls;
        private final long maxNanos;
        private final LongSupplier compileMillis;
        private long lastMillis = -1;
        private int quietSeconds;
        private boolean decided;
        private boolean quietAtEnd;

        /**
         * @param compileMillis the JIT's total compile time so far, in ms ({@link #jit()}); null where the JVM
         *                      does not measure it, and the warm-up then ends after its calls
         */
        Settle(long minCalls, double maxSeconds, LongSupplier compileMillis) {
            this.minCalls = minCalls;
            this.maxNanos = Math.round(maxSeconds * 1e9);
            this.compileMillis = compileMillis;
        }

        /** The JVM's own compile-time counter, or null if it keeps none. */
        static LongSupplier jit() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : null;
        }

        /**
         * Whether the warm-up may end. Once it has said yes the verdict stands: the generator still reports while
         * its last calls drain, and what the JIT does then is not why the warm-up ended.
         */
        boolean done(long started, long elapsedNanos) {
            if (decided) {
                return true;
            }
            if (compileMillis != null) {
                long now = compileMillis.getAsLong();
                quietSeconds = lastMillis >= 0 && now - lastMillis < QUIET_MILLIS ? quietSeconds + 1 : 0;
                lastMillis = now;
            }
            boolean quiet = compileMillis == null || quietSeconds >= QUIET_SECONDS;
            if (started >= minCalls && quiet || elapsedNanos >= maxNanos) {
                decided = true;
                quietAtEnd = quiet;
            }
            return decided;
        }

        /** Whether the warm-up ended because the JIT was quiet (false: at its time limit, or not ended yet). */
        boolean quiet() {
            return decided && quietAtEnd;
        }
    }

    private static boolean mapsSeeded;

    /** {@link MapProfileSeed} once per process, before the first warm-up's calls. */
    private static synchronized void seedMapProfiles() {
        if (!mapsSeeded) {
            mapsSeeded = true;
            MapProfileSeed.run();
        }
    }

    /**
     * Loads, without initializing, every class on the class path under one of {@code prefixes}; returns how many
     * loaded. Classes that cannot be loaded here (an optional dependency missing) are skipped.
     */
    static int preload(List<String> prefixes) {
        List<String> names = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        files.map(f -> p.relativize(f).toString().replace(File.separatorChar, '/'))
                                .filter(f -> isClassUnder(f, prefixes)).forEach(names::add);
                    }
                } else if (Files.isRegularFile(p)) {
                    try (JarFile jar = new JarFile(p.toFile())) {
                        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                            String f = e.nextElement().getName();
                            if (isClassUnder(f, prefixes)) {
                                names.add(f);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // An unreadable class-path entry: its classes load when first used, as without this.
            }
        }
        ClassLoader loader = Warmup.class.getClassLoader();
        int loaded = 0;
        for (String f : names) {
            try {
                Class.forName(f.substring(0, f.length() - ".class".length()).replace('/', '.'), false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // e.g. a native transport for another OS whose dependencies are absent
            }
        }
        return loaded;
    }

    private static boolean isClassUnder(String path, List<String> prefixes) {
        if (!path.endsWith(".class") || path.endsWith("module-info.class") || path.startsWith("META-INF/")) {
            return false;
        }
        for (String prefix : prefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
