package dev.dialtone.engine.interop;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One SIPp process (the {@code sip-tester} package) on 127.0.0.1, running a scenario from {@code src/test/resources/sipp}
 * in a working directory of its own, with its screen, errors and messages written there for the failure message.
 */
final class Sipp implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final String name;
    final int port;
    final int mediaPort;

    private Sipp(Process process, Path dir, String name, int port, int mediaPort) {
        this.process = process;
        this.dir = dir;
        this.name = name;
        this.port = port;
        this.mediaPort = mediaPort;
    }

    /** Whether {@code sipp} is an executable on the PATH. */
    static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "sipp"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a callee: {@code scenario} is a file of {@code resources/sipp} or {@code -sn NAME}'s built-in name
     * (prefixed {@code sn:}). Returns once SIPp holds its SIP port, so that the first INVITE finds it.
     */
    static Sipp callee(Path dir, String scenario, int calls, String... extra) throws IOException, InterruptedException {
        Sipp s = start(dir, "callee", scenario, null, calls, List.of(extra));
        s.awaitBound();
        return s;
    }

    /** Starts a caller placing {@code calls} calls to {@code target} (host:port), Request-URI user {@code app}. */
    static Sipp caller(Path dir, String scenario, InetSocketAddress target, int calls, String... extra)
            throws IOException {
        return start(dir, "caller", scenario, target.getHostString() + ":" + target.getPort(), calls, List.of(extra));
    }

    private static Sipp start(Path parent, String name, String scenario, String target, int calls, List<String> extra)
            throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        // The ports are probed free a moment before SIPp binds them; another process can take one in between,
        // and SIPp then exits at once ("Unable to bind main socket"). Fresh ports, a few times.
        for (int attempt = 1; ; attempt++) {
            Sipp s = launch(dir, name, scenario, target, calls, extra);
            if (!s.lostPortRace() || attempt == 3) {
                return s;
            }
        }
    }

    private static Sipp launch(Path dir, String name, String scenario, String target, int calls, List<String> extra)
            throws IOException {
        int[] sip = freeUdpPorts(1);
        // Media: the echo binds the port and the port + 2; rtp_stream takes the next free ones from the port up.
        int[] media = freeUdpPorts(4);
        List<String> cmd = new ArrayList<>(List.of("sipp"));
        if (target != null) {
            cmd.add(target);
            cmd.addAll(List.of("-s", "app"));
        }
        if (scenario.startsWith("sn:")) {
            cmd.addAll(List.of("-sn", scenario.substring(3)));
        } else {
            cmd.addAll(List.of("-sf", copyResource(scenario, dir).toString()));
        }
        cmd.addAll(List.of("-i", "127.0.0.1", "-p", Integer.toString(sip[0]), "-mp", Integer.toString(media[0]),
                "-m", Integer.toString(calls), "-nostdin",
                // Bounded: a scenario that stalls fails instead of hanging the build.
                "-timeout", "20s", "-timeout_error",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString(),
                "-trace_msg", "-message_file", dir.resolve("messages.log").toString()));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("screen.log").toFile())
                .redirectErrorStream(true)
                .start();
        return new Sipp(p, dir, name, sip[0], media[0]);
    }

    /**
     * Waits until SIPp holds its SIP port or has exited; true when it exited because a port it was given was
     * taken in the meantime.
     */
    private boolean lostPortRace() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (portIsFree(port) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (process.isAlive() || !process.waitFor(1, TimeUnit.SECONDS) || process.exitValue() == 0) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return tail(dir.resolve("screen.log"), 4000).contains("Unable to bind");
    }

    Path dir() {
        return dir;
    }

    /** SIPp's exit status: 0 when every call went through the scenario, 1 when some failed. */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError(name + " SIPp still running after " + timeout + "\n" + diagnostics());
        }
        return process.exitValue();
    }

    /** The tail of SIPp's screen and its error log, for a failure message. */
    String diagnostics() {
        StringBuilder b = new StringBuilder("--- ").append(name).append(" SIPp ").append(dir).append('\n');
        b.append(tail(dir.resolve("errors.log"), 3000)).append(tail(dir.resolve("screen.log"), 2500));
        return b.toString();
    }

    private static String tail(Path file, int chars) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            String s = Files.readString(file, StandardCharsets.ISO_8859_1);
            return s.substring(Math.max(0, s.length() - chars)) + "\n";
        } catch (IOException e) {
            return file + ": " + e + "\n";
        }
    }

    private void awaitBound() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (portIsFree(port)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " SIPp exited with " + process.exitValue() + "\n" + diagnostics());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError(name + " SIPp did not bind " + port + " within 10 s\n" + diagnostics());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static Path copyResource(String name, Path dir) throws IOException {
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario resources/sipp/" + name);
            }
            Path target = dir.resolve(name);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }

    /**
     * {@code n} consecutive UDP ports on 127.0.0.1 that nothing holds now. SIPp needs explicit ports; a range
     * below Linux's ephemeral ports (32768 up) keeps them apart from the ports the engine and the OS pick.
     */
    static int[] freeUdpPorts(int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 2 * random.nextInt(10000, 16000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                free = portIsFree(base + i);
            }
            if (free) {
                int[] ports = new int[n];
                for (int i = 0; i < n; i++) {
                    ports[i] = base + i;
                }
                return ports;
            }
        }
        throw new IllegalStateException("no " + n + " free UDP ports");
    }

    private static boolean portIsFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (BindException e) {
            return false;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
