package dev.dialtone.bench.probe;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dialtone.sip.dns.ServerLocator;
import dev.dialtone.sip.transport.Transport;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code dialtone-bench.jar probe}: the SIP server test of seeds/000. Prints the JSON document on stdout; exit 0
 * when every round found the server available, 1 otherwise, 2 for bad options.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "SIP server test: DNS, connect, OPTIONS (with Digest), REGISTER and INVITE times as JSON.")
public final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]",
            description = "The SIP server; without a port RFC 3263 (SRV) or the transport's default decides.")
    String server;

    @Option(names = "--protocol", paramLabel = "UDP|TCP|TLS", defaultValue = "UDP",
            description = "Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "The user part of sip:USER@HOST.")
    String user;

    @Option(names = "--auth-user", paramLabel = "U", description = "Digest user name (default: --user).")
    String authUser;

    @Option(names = "--password", paramLabel = "P", description = "Digest password.")
    String password;

    @Option(names = "--register", description = "Also REGISTER each round.")
    boolean register;

    @Option(names = "--invite", description = "Also INVITE each round (cancelled when it rings, hung up when answered).")
    boolean invite;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--interval", paramLabel = "S", defaultValue = "60",
            description = "Seconds between the starts of rounds. Default: ${DEFAULT-VALUE}.")
    double interval;

    @Option(names = "--time-limit", paramLabel = "S", defaultValue = "5",
            description = "Longest each step may take (sipTimeLimit). Default: ${DEFAULT-VALUE}.")
    double timeLimit;

    @Option(names = "--target-time", paramLabel = "MS", defaultValue = "1000",
            description = "sipTargetTime reported in the test description. Default: ${DEFAULT-VALUE}.")
    long targetTime;

    @Option(names = "--insecure", description = "Accept any TLS server certificate.")
    boolean insecure;

    @Option(names = "--dns", paramLabel = "HOST:PORT", split = ",",
            description = "DNS servers for the RFC 3263 lookup (default: the system's).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--verbose", description = "Log at DEBUG on stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        setLogLevel(verbose ? Level.DEBUG : Level.WARN);
        ProbeConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ProbeReport report = run(config);
        PrintStream out = System.out;
        out.println(mapper().writeValueAsString(report));
        return report.allAvailable() ? 0 : 1;
    }

    /** Runs every round of {@code config}, sleeping between them. */
    public static ProbeReport run(ProbeConfig config) throws InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<SipMetric> metrics = new ArrayList<>();
        try {
            ServerLocator.Builder lb = ServerLocator.builder(group.next())
                    .datagramChannelType(NioDatagramChannel.class)
                    .socketChannelType(NioSocketChannel.class)
                    .queryTimeout(config.timeLimit());
            if (!config.nameServers().isEmpty()) {
                lb.nameServers(config.nameServers());
            }
            try (ServerLocator locator = lb.build()) {
                SipProbe probe = new SipProbe(config, locator, agentName());
                long first = System.nanoTime();
                for (int i = 0; i < config.rounds(); i++) {
                    if (i > 0) {
                        long next = first + i * config.interval().toNanos();
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    metrics.add(probe.run());
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        return new ProbeReport(new ProbeReport.Voice(metrics, test(config)));
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static ProbeReport.Test test(ProbeConfig c) {
        int port = c.port() > 0 ? c.port() : c.transport().defaultPort();
        return new ProbeReport.Test(c.authUser(), (int) c.interval().toSeconds(), c.invite() ? 1 : 0, "", port,
                c.transport().name(), c.register() ? 1 : 0, c.server(), "", c.hostForUri(), c.targetTime(),
                c.timeLimit().toSeconds(), "SIP - " + c.transport() + ": " + c.server() + " - ext " + c.user(),
                "sip-server", c.user());
    }

    ProbeConfig config() {
        Transport t = Transport.fromName(protocol);
        if (t == null) {
            throw new IllegalArgumentException("--protocol must be UDP, TCP or TLS");
        }
        String host = server;
        int port = 0;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("--server: unclosed [ in " + server);
            }
            host = server.substring(1, close);
            if (server.length() > close + 1) {
                port = port(server.substring(close + 1).replaceFirst("^:", ""));
            }
        } else {
            int colon = server.lastIndexOf(':');
            if (colon > 0 && server.indexOf(':') == colon) {
                host = server.substring(0, colon);
                port = port(server.substring(colon + 1));
            }
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String d : dns) {
            int colon = d.lastIndexOf(':');
            servers.add(colon > 0 ? new InetSocketAddress(d.substring(0, colon), port(d.substring(colon + 1)))
                    : new InetSocketAddress(d, 53));
        }
        String au = authUser != null ? authUser : password != null ? user : null;
        return new ProbeConfig(host.toLowerCase(Locale.ROOT), port, t, user, au, password, register, invite, rounds,
                Duration.ofMillis((long) (interval * 1000)), Duration.ofMillis((long) (timeLimit * 1000)), targetTime,
                insecure, servers);
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + s);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + s);
        }
    }

    private static String agentName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    static void setLogLevel(Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level);
        }
    }
}
