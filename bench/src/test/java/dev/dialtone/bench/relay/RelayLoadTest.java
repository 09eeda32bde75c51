package dev.dialtone.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Smoke tests at tiny load: every stream goes through the relay and is measured. */
class RelayLoadTest {

    @TempDir
    Path dir;

    @Test
    void inProcessNetty_relaysEveryStream() throws Exception {
        RelayLoad load = options("--target", "netty", "--first-port", "36000");
        RelayLoad.Result r = load.run();
        assertEquals(4, r.streams());
        assertMeasured(r);
        assertTrue(r.relayCpuNanos() >= 0, "event loop CPU read");
    }

    @Test
    void socketsSpreadOverThreads_allStreamsMeasured() throws Exception {
        RelayLoad load = new RelayLoad();
        new CommandLine(load).parseArgs("--target", "netty", "--first-port", "38000", "--streams", "12",
                "--sessions-per-socket", "1", "--threads", "2", "--seconds", "0.5", "--warmup", "0.2");
        RelayLoad.Result r = load.run();
        assertEquals(12, r.streams());
        assertMeasured(r);
        assertTrue(r.relayCpuNanos() >= 0, "event loop CPU read");
    }

    @Test
    void portsFile_relayLearnsTheFarEndsByLatching() throws Exception {
        Path ports = dir.resolve("ports");
        try (NettyTarget relay = new NettyTarget(InetAddress.getByName("127.0.0.1"), 37000)) {
            // as relay-serve does: no remote addresses, the legs latch on the first packets
            List<InetSocketAddress> latchOnly = Collections.nCopies(2, null);
            LegPair.write(ports, relay.open(latchOnly));
            RelayLoad load = options("--target", "ports:" + ports, "--relay-pid",
                    Long.toString(ProcessHandle.current().pid()), "--results", dir.resolve("r.tsv").toString());
            assertEquals(0, new CommandLine(load).execute(
                    "--target", "ports:" + ports, "--streams", "4", "--seconds", "0.5", "--warmup", "0.2",
                    "--results", dir.resolve("r.tsv").toString()));
            RelayLoad.Result r = load.run();
            assertMeasured(r);
            assertTrue(relay.packetsRelayed() >= r.received());
        }
        List<String> tsv = Files.readAllLines(dir.resolve("r.tsv"));
        assertEquals(RelayLoad.COLUMNS, tsv.get(0));
        assertEquals(RelayLoad.COLUMNS.split("\t").length, tsv.get(1).split("\t").length);
    }

    private static RelayLoad options(String... args) {
        RelayLoad load = new RelayLoad();
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--streams", "4", "--seconds", "0.5", "--warmup", "0.2"}, 0, all, args.length, 6);
        new CommandLine(load).parseArgs(all);
        return load;
    }

    private static void assertMeasured(RelayLoad.Result r) {
        String summary = r.summary();
        assertTrue(r.sent() > 0, summary);
        assertTrue(r.received() > 0 && r.received() <= r.sent(), summary);
        assertEquals(r.received(), r.delayNanos().getTotalCount(), summary);
        assertEquals(0, r.foreign(), summary);
        assertEquals(0, r.errors(), summary);
    }
}
