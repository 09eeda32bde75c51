package dev.dialtone.bench.relay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * RTP load through a media relay on loopback: {@code --streams} concurrent streams (two per
 * session) of real RTP, 20 ms PCMU at 50 packets/s each, sent to the relay and received back. It
 * reports the packets the relay delivered per second, the loss, the one-way delay through it
 * (p50/p99/max), and the relay's CPU: in all, per 1,000 streams and per packet.
 *
 * <pre>
 * java -cp bench/target/dialtone-bench.jar dev.dialtone.bench.relay.RelayLoad --target netty --streams 1000
 * java -jar bench/target/dialtone-bench.jar relay-load --target ports:/tmp/ports --relay-pid 1234
 * </pre>
 */
@Command(name = "relay-load", mixinStandardHelpOptions = true,
        description = "Sends RTP through a media relay on 127.0.0.1 and measures rate, loss, delay and the relay's CPU.")
public final class RelayLoad implements Callable<Integer> {

    /** TSV columns of {@code --results}, one line per run. */
    static final String COLUMNS = String.join("\t", "label", "streams", "seconds", "sent", "received",
            "relayed_per_s", "loss_pct", "delay_p50_us", "delay_p99_us", "delay_max_us", "relay_cpu_pct",
            "cpu_pct_per_1k_streams", "us_per_packet", "loader_cpu_pct", "loader_skipped", "loadavg1", "foreign",
            "errors");

    private static final long PRIMING_ROUND_MILLIS = 100;
    private static final int PRIMING_ROUNDS = 30;
    private static final long TAIL_MILLIS = 100;
    private static final long DRAIN_MILLIS = 1000;

    @Option(names = "--target", required = true,
            description = "netty (Dialtone's RtpRelay in this JVM), ports:FILE (a running relay; FILE has "
                    + "'PORT_A PORT_B' per session on 127.0.0.1) or rtpengine:HOST:PORT (its ng control socket)")
    String target;

    @Option(names = "--streams", defaultValue = "1000", description = "concurrent RTP streams, two per session (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--seconds", defaultValue = "10", description = "measured time (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "seconds of load before measuring (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--ptime", defaultValue = "20", description = "ms between a stream's packets (default: ${DEFAULT-VALUE}, 50 packets/s)")
    int ptime;

    @Option(names = "--sessions-per-socket", defaultValue = "8",
            description = "sessions sharing one load-generator socket (default: ${DEFAULT-VALUE})")
    int sessionsPerSocket;

    @Option(names = "--threads", defaultValue = "1",
            description = "load generator event loops (default: ${DEFAULT-VALUE}; one drives some 100,000 packets/s)")
    int threads;

    @Option(names = "--relay-pid", defaultValue = "0",
            description = "the external relay's process id, to read its CPU time from /proc/PID/stat")
    long relayPid;

    @Option(names = "--first-port", defaultValue = "30000", description = "lowest port of the in-process relay (default: ${DEFAULT-VALUE})")
    int firstPort;

    @Option(names = "--label", description = "name of the relay in the report (default: the target)")
    String label;

    @Option(names = "--results", description = "append the run as one TSV line to this file")
    Path results;

    /** What one run measured. {@code relayCpuNanos} is -1 when the relay's CPU is not known. */
    record Result(String label, int streams, double seconds, long sent, long skipped, long received, long foreign,
                  long errors,
                  Histogram delayNanos, long relayCpuNanos, long loaderCpuNanos, double loadAverage) {

        double relayedPerSecond() {
            return received / seconds;
        }

        double lossPercent() {
            return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
        }

        double relayCpuPercent() {
            return relayCpuNanos < 0 ? Double.NaN : 100.0 * relayCpuNanos / (seconds * 1e9);
        }

        double cpuPercentPer1kStreams() {
            return relayCpuPercent() * 1000.0 / streams;
        }

        double microsPerPacket() {
            return relayCpuNanos < 0 || received == 0 ? Double.NaN : relayCpuNanos / 1000.0 / received;
        }

        double loaderCpuPercent() {
            return 100.0 * loaderCpuNanos / (seconds * 1e9);
        }

        private double delayMicros(double percentile) {
            return delayNanos.getTotalCount() == 0 ? Double.NaN : delayNanos.getValueAtPercentile(percentile) / 1000.0;
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "%s: %d streams, %.1f s: sent %d received %d, %.0f packets/s relayed, loss %.3f%%, "
                            + "delay p50 %.0f us p99 %.0f us max %.0f us; relay CPU %.1f%% of a core "
                            + "(%.1f%% per 1,000 streams, %.2f us/packet); load generator CPU %.1f%%, "
                            + "%d packets not sent for falling behind; load average %.2f; foreign %d, send errors %d",
                    label, streams, seconds, sent, received, relayedPerSecond(), lossPercent(), delayMicros(50),
                    delayMicros(99), delayNanos.getMaxValue() / 1000.0, relayCpuPercent(), cpuPercentPer1kStreams(),
                    microsPerPacket(), loaderCpuPercent(), skipped, loadAverage, foreign, errors);
        }

        String tsv() {
            return String.format(Locale.ROOT,
                    "%s\t%d\t%.2f\t%d\t%d\t%.0f\t%.4f\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\t%.3f\t%.1f\t%d\t%.2f\t%d\t%d",
                    label, streams, seconds, sent, received, relayedPerSecond(), lossPercent(), delayMicros(50),
                    delayMicros(99), delayNanos.getMaxValue() / 1000.0, relayCpuPercent(), cpuPercentPer1kStreams(),
                    microsPerPacket(), loaderCpuPercent(), skipped, loadAverage, foreign, errors);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelayLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        infoLogsOnly();
        if (streams < 2 || streams % 2 != 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--streams must be even and at least 2");
        }
        Result result = run();
        System.out.println(result.summary());
        if (results != null) {
            boolean fresh = !Files.exists(results) || Files.size(results) == 0;
            Files.writeString(results, (fresh ? COLUMNS + "\n" : "") + result.tsv() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    Result run() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        String name = label != null ? label : target;
        try (LoadGenerator phones = new LoadGenerator(loopback, streams / 2, sessionsPerSocket, ptime, threads);
             RelayTarget relay = RelayTarget.parse(target, loopback, firstPort, relayPid)) {
            phones.targets(relay.open(phones.endpoints()));
            int unheard = prime(phones);
            if (unheard > 0) {
                System.err.printf("%s: %d of %d streams still not relayed after priming; measuring anyway%n",
                        name, unheard, phones.streams());
            }
            CpuClock relayCpu = relay.cpuClock();
            CpuClock loaderCpu = CpuClock.process(ProcessHandle.current().pid());
            long[] window = phones.start(seconds(warmup), seconds(seconds));
            sleepUntil(window[0]);
            long relayBefore = relayCpu.cpuNanos();
            long loaderBefore = loaderCpu.cpuNanos();
            long wallBefore = System.nanoTime();
            sleepUntil(window[1]);
            long relayAfter = relayCpu.cpuNanos();
            long loaderAfter = loaderCpu.cpuNanos();
            double wall = (System.nanoTime() - wallBefore) / 1e9;
            // keep the load on while the window's last packets pass through the relay
            TimeUnit.MILLISECONDS.sleep(TAIL_MILLIS);
            phones.stopSending();
            LoadGenerator.Window w = phones.drain(TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
            return new Result(name, phones.streams(), wall, w.sent(), w.skipped(), w.received(), w.foreign(), w.errors(),
                    w.delayNanos(), relayBefore < 0 ? -1 : relayAfter - relayBefore, loaderAfter - loaderBefore,
                    loadAverage());
        }
    }

    /** Sends a packet on every stream until each has come back: then every leg has latched. */
    private static int prime(LoadGenerator phones) throws InterruptedException {
        int unheard = phones.streams();
        for (int round = 0; round < PRIMING_ROUNDS && unheard > 0; round++) {
            phones.prime();
            TimeUnit.MILLISECONDS.sleep(PRIMING_ROUND_MILLIS);
            unheard = phones.streamsNotHeard();
        }
        return unheard;
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Logback's default is DEBUG to the console: too much for a benchmark, unless configured. */
    static void infoLogsOnly() {
        if (System.getProperty("logback.configurationFile") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        }
    }
}
