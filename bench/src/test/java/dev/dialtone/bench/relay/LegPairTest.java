package dev.dialtone.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegPairTest {

    @TempDir
    Path dir;

    @Test
    void portsFile_roundTrips() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<LegPair> pairs = List.of(
                new LegPair(new InetSocketAddress(loopback, 30000), new InetSocketAddress(loopback, 30004)),
                new LegPair(new InetSocketAddress(loopback, 30008), new InetSocketAddress(loopback, 30012)));
        Path file = dir.resolve("ports");
        LegPair.write(file, pairs);
        assertEquals("30000 30004\n30008 30012\n", Files.readString(file));
        assertEquals(pairs, LegPair.read(file, loopback));
    }

    @Test
    void portsFile_badLine_isNamed() throws Exception {
        Path file = dir.resolve("ports");
        Files.writeString(file, "# relay ports\n30000 30002\n30004\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LegPair.read(file, InetAddress.getByName("127.0.0.1")));
        assertEquals(file + ":3: expected PORT_A PORT_B", e.getMessage());
    }
}
