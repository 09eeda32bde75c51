package dev.dialtone.bench.uas;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * SIPp (the {@code sip-tester} package) as the third-party peer of the bench tools' tests: runs it bounded in time,
 * with its statistics written to a CSV file that the test then reads.
 */
public final class Sipp implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path stats;
    private final Path errors;
    private final Path output;

    private Sipp(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.stats = dir.resolve("stats.csv");
        this.errors = dir.resolve("errors.log");
        this.output = dir.resolve("output.txt");
    }

    /** Skips the calling test, saying why, when {@code sipp} is not on the PATH. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(find("sipp").isPresent(),
                "sipp is not on the PATH (apt-get install -y sip-tester): SIPp interop test skipped");
    }

    static Optional<Path> find(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Paths.get(d, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A scenario file of {@code bench/sipp/} (tests run with the module directory as working directory). */
    public static Path scenario(String name) {
        Path p = Paths.get("sipp", name).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no scenario " + p);
        }
        return p;
    }

    /** Starts SIPp with {@code args}, plus statistics and error files in a fresh directory, stdin detached. */
    public static Sipp start(String... args) throws IOException {
        Path dir = Files.createTempDirectory("sipp");
        List<String> cmd = new ArrayList<>();
        cmd.add("sipp");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-nostdin", "-trace_stat", "-stf", dir.resolve("stats.csv").toString(), "-fd", "1",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile()).start();
        return new Sipp(p, dir);
    }

    /** Waits for SIPp to exit; kills it after {@code timeout}. Returns its exit code (-1 when killed). */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    /** The last line of SIPp's statistics by column name ({@code SuccessfulCall(C)}, {@code FailedCall(C)}...). */
    public Map<String, String> stats() throws IOException {
        Map<String, String> m = new HashMap<>();
        if (!Files.exists(stats)) {
            return m;
        }
        List<String> lines = Files.readAllLines(stats, StandardCharsets.ISO_8859_1);
        if (lines.size() < 2) {
            return m;
        }
        String[] names = lines.get(0).split(";");
        String[] values = lines.get(lines.size() - 1).split(";");
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            m.put(names[i], values[i]);
        }
        return m;
    }

    public long stat(String name) throws IOException {
        String v = stats().get(name);
        return v == null ? -1 : Long.parseLong(v.trim());
    }

    /** SIPp's screen output and error log, for assertion messages. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder();
        try {
            if (Files.exists(errors)) {
                sb.append("errors:\n").append(Files.readString(errors, StandardCharsets.ISO_8859_1));
            }
            if (Files.exists(output)) {
                String out = Files.readString(output, StandardCharsets.ISO_8859_1);
                sb.append("output:\n").append(out.length() > 4000 ? out.substring(out.length() - 4000) : out);
            }
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (SIPp needs a fixed local port to be told). */
    public static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                    return port;
                } catch (IOException clash) {
                    // taken for TCP: try another
                }
            }
        }
        throw new IOException("no free port");
    }

    /**
     * Waits until SIPp has bound UDP {@code port}, at most {@code timeout}; fails at once, with SIPp's output, when
     * SIPp has exited. Reads the kernel's socket table rather than trying to bind the port: a probe that binds it,
     * however briefly, can make SIPp's own bind fail and SIPp exit (a CI run lost a test to that race).
     */
    public void awaitUdpBound(int port, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (udpBound(port)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("SIPp exited (" + process.exitValue() + ") before binding UDP port " + port
                        + "\n" + diagnostics());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing bound UDP port " + port + " within " + timeout + "\n" + diagnostics());
    }

    /** Whether a UDP socket is bound to {@code port}, from {@code /proc/net/udp} and {@code udp6} (Linux). */
    static boolean udpBound(int port) throws IOException {
        String hexPort = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Paths.get(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                String[] f = line.trim().split("\\s+");
                // f[1] is local_address as HEXADDR:HEXPORT
                if (f.length > 1 && (f[1] + " ").endsWith(hexPort)) {
                    return true;
                }
            }
        }
        return false;
    }
}
