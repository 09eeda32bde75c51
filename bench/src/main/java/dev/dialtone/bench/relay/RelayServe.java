package dev.dialtone.bench.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Dialtone's RTP relay alone in its own JVM, so that {@code relay-load --target ports:FILE
 * --relay-pid PID} counts all of its CPU (event loop, GC, JIT) and it can be pinned to a core of
 * its own: opens {@code --sessions} sessions on 127.0.0.1 whose legs learn their far ends by
 * latching, writes their port pairs to {@code --ports-file}, and relays until terminated.
 */
@Command(name = "relay-serve", mixinStandardHelpOptions = true,
        description = "Runs Dialtone's RTP relay (one event loop) with N open sessions on 127.0.0.1 until terminated.")
public final class RelayServe implements Callable<Integer> {

    @Option(names = "--sessions", required = true, description = "sessions to open (two streams each)")
    int sessions;

    @Option(names = "--first-port", defaultValue = "30000", description = "lowest port (default: ${DEFAULT-VALUE})")
    int firstPort;

    @Option(names = "--ports-file", required = true, description = "where to write 'PORT_A PORT_B' per session")
    Path portsFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelayServe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RelayLoad.infoLogsOnly();
        NettyTarget relay = new NettyTarget(InetAddress.getByName("127.0.0.1"), firstPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.printf("relay-serve: relayed=%d dropped=%d%n", relay.packetsRelayed(), relay.packetsDropped());
            relay.close();
        }, "relay-serve-stop"));
        List<InetSocketAddress> latchOnly = Collections.nCopies(sessions, null);
        LegPair.write(portsFile, relay.open(latchOnly));
        new CountDownLatch(1).await();
        return 0;
    }
}
