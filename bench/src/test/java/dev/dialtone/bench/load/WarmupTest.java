package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupTest {

    @Test
    void preload_loadsEveryClassOfTheGivenPackages_fromDirectoriesAndJars() throws IOException {
        // Our own package comes from directories (target/classes and target/test-classes), Netty's from a jar.
        long ours = 0;
        for (Class<?> c : List.of(Warmup.class, WarmupTest.class)) {
            Path dir = Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath());
            try (Stream<Path> files = Files.walk(dir.resolve("dev/dialtone/bench/load"))) {
                ours += files.filter(f -> f.toString().endsWith(".class")).count();
            }
        }
        assertTrue(ours > 10, "classes found: " + ours);

        assertEquals(ours, Warmup.preload(List.of("dev/dialtone/bench/load/")));
        assertTrue(Warmup.preload(List.of("io/netty/channel/epoll/")) > 50, "Netty's epoll transport, from its jar");
        assertEquals(0, Warmup.preload(List.of("no/such/package/")));
    }
}
