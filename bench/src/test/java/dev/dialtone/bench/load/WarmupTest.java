package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupTest {

    @Test
    void inProcess_losesAndRepeatsSomeOfWhatTheCalleeGetsAndSends_soRecoveryPathsRunDuringTheWarmup() throws Exception {
        int calls = 300;
        try (SipCallDriver driver = SipCallDriver.open(LoadConfig.builder("127.0.0.1", 9).build())) {
            Warmup.Result r = Warmup.inProcess(calls, null, driver, "127.0.0.1", SipCallDriver::open, null, 0.1, 0.1);
            assertEquals(calls, r.calls());
            // A call is lost only if its INVITE, or every 2xx the callee sends, is lost four times running.
            assertTrue(r.answered() >= calls - 3, "answered " + r.answered() + " of " + calls);
            // Without loss each call brings 180, 200 and the BYE's 200. Here a tenth of them come twice, to
            // transactions (or a call) that have ended, a lost ACK or BYE answer has the callee send again, and a
            // lost 180 is the only one not made up for.
            long received = driver.transportStats().received();
            assertTrue(received > 3L * r.answered(), "received " + received + " for " + r.answered() + " calls");
            // Repeated answers after a call has ended leave nothing behind, and neither does a call the warm-up
            // gave up on at its end (ringing, or waiting for the answer to its BYE, as the callee stopped).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (driver.activeCalls() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, driver.activeCalls());
        }
    }

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

    private static final long S = 1_000_000_000L;

    /** A JIT whose compile-time counter grows by the given ms at each reading. */
    private static java.util.function.LongSupplier jit(long... deltas) {
        long[] total = {0};
        int[] i = {0};
        return () -> total[0] += deltas[Math.min(i[0]++, deltas.length - 1)];
    }

    @Test
    void settle_endsAfterItsCalls_onceTheJitWasQuietForTwoSecondsInARow() {
        // Readings: a baseline, then busy, quiet, busy (a rest between two compiles), quiet, quiet.
        Warmup.Settle s = new Warmup.Settle(100, 60, jit(0, 500, 5, 300, 19, 0));
        assertFalse(s.done(50, 1 * S), "baseline");
        assertFalse(s.done(150, 2 * S), "compiling");
        assertFalse(s.done(300, 3 * S), "one quiet second");
        assertFalse(s.done(450, 4 * S), "compiling again");
        assertFalse(s.done(600, 5 * S), "one quiet second");
        assertTrue(s.done(750, 6 * S), "two quiet seconds in a row");
        assertTrue(s.quiet());
    }

    @Test
    void settle_waitsForItsCalls_evenWithAQuietJit() {
        Warmup.Settle s = new Warmup.Settle(1000, 60, jit(0));
        for (int t = 1; t <= 5; t++) {
            assertFalse(s.done(100L * t, t * S), "second " + t);
        }
        assertTrue(s.done(1000, 6 * S));
    }

    @Test
    void settle_stopsAtItsTimeLimit_withTheJitStillBusy() {
        Warmup.Settle s = new Warmup.Settle(100, 3, jit(0, 200));
        assertFalse(s.done(500, 1 * S));
        assertFalse(s.done(1000, 2 * S));
        assertTrue(s.done(1500, 3 * S), "at the limit");
        assertFalse(s.quiet(), "and says the JIT was not quiet");
    }

    @Test
    void settle_withoutACompileTimeCounter_endsAfterItsCalls() {
        Warmup.Settle s = new Warmup.Settle(100, 60, null);
        assertFalse(s.done(99, 1 * S));
        assertTrue(s.done(100, 2 * S));
        assertTrue(s.quiet());
    }

    @Test
    void settle_keepsItsVerdict_whileTheLastCallsDrain() {
        // Quiet twice, so it ends; the generator still reports during its drain, and the JIT then compiles the
        // drain's own paths. That must not turn "until the JIT was quiet" into "stopped at --warmup-time".
        Warmup.Settle s = new Warmup.Settle(100, 60, jit(0, 0, 0, 400, 400));
        assertFalse(s.done(200, 1 * S));
        assertFalse(s.done(400, 2 * S));
        assertTrue(s.done(600, 3 * S));
        assertTrue(s.done(600, 4 * S), "still done while draining");
        assertTrue(s.done(600, 5 * S));
        assertTrue(s.quiet(), "ended because the JIT was quiet");
    }

    @Test
    void settle_isNotQuiet_beforeItHasEnded() {
        Warmup.Settle s = new Warmup.Settle(1000, 60, jit(0));
        s.done(10, 1 * S);
        s.done(20, 2 * S);
        s.done(30, 3 * S);
        assertFalse(s.quiet(), "quiet JIT, but its calls are not all placed yet");
    }
}
