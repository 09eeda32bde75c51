package dev.dialtone.sip.transaction;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a lane of retired transactions grows: ahead of need, off the loop, losing nothing on the way. */
class RetiredGrowthTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LoopTimer wheel = new LoopTimer(group, 1, TimeUnit.MILLISECONDS);
    private final EventExecutor loop = group.next();
    private final TransactionLayer layer = new TransactionLayer(new TimerConfig(500, 4000, 5000),
        (m, d) -> CompletableFuture.completedFuture(null), wheel, List.of(loop));
    private final TransactionLayer.Shard shard = new TransactionLayer.Shard(layer, loop);
    // Timer J's 64*T1 of the default T1: entries stay for the whole test.
    private final Retired lane = new Retired(layer, shard, 32_000, true);

    @AfterEach
    void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String key(int i) {
        return "z9hG4bK-grow" + i + "/BYE/127.0.0.1:5070";
    }

    private void add(int from, int to) throws Exception {
        loop.submit(() -> {
            for (int i = from; i < to; i++) {
                lane.addServer(key(i), ("SIP/2.0 200 OK " + i).getBytes(StandardCharsets.UTF_8));
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
        return loop.submit(c).get(10, TimeUnit.SECONDS);
    }

    private void awaitCapacity(java.util.function.IntPredicate done) throws Exception {
        awaitCapacity(lane, done);
    }

    private void awaitCapacity(Retired lane, java.util.function.IntPredicate done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.test(onLoop(lane::capacity)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aLaneFillingAtARate_isMadeForWhatItWillHoldWhenItsFirstLeaves_beforeItIsFull() throws Exception {
        // 4,096 entries at once: half way, the columns for 8,192 are made off the loop and adopted on it.
        add(0, 4096);
        awaitCapacity(c -> c == 8192);
        // After 300 ms or more of filling, the entry that makes the lane half full again: at that rate (4,096 in
        // at most a few seconds) a lane of 32 s holds several times its 8,192.
        Thread.sleep(300);
        add(4096, 4097);
        awaitCapacity(c -> c > 8192);
        int capacity = onLoop(lane::capacity);
        assertTrue(capacity >= 65_536, "grown ahead to " + capacity + ", not doubled");
        assertTrue(onLoop(() -> {
            for (int i = 0; i < 4097; i++) {
                if (!lane.contains(key(i))) {
                    return false;
                }
            }
            return !lane.contains(key(4097));
        }), "every entry is found in the new columns, and nothing else");
        assertEquals(4097, (int) onLoop(lane::size));
    }

    /** Adds {@code perSecond} entries a second to {@code lane} for {@code millis}, 20 ms' worth at a time. */
    private void feed(Retired lane, String tag, int perSecond, long millis) throws Exception {
        long start = System.nanoTime();
        int batch = perSecond / 50;
        for (int step = 0; step < millis / 20; step++) {
            int from = step * batch;
            loop.submit(() -> {
                for (int i = from; i < from + batch; i++) {
                    lane.addServer(tag + i, null);
                }
            }).get(10, TimeUnit.SECONDS);
            // Against the start, not the last step: a late wake-up is made up, and the rate holds.
            long next = start + (step + 1) * 20_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** A lane of 2 s sized ahead for 5,200 entries (2,600 a second): a ring of 8,192. */
    private Retired sizedFor5200() throws Exception {
        Retired sized = new Retired(layer, shard, 2_000, true);
        onLoop(() -> {
            sized.reserve(5_200);
            return null;
        });
        return sized;
    }

    @Test
    void aLaneSizedAheadForItsRate_doesNotGrowWhenItPassesHalfFull() throws Exception {
        // Sized for 2,600 entries a second for 2 s: 5,200, a ring of 8,192. At that rate it passes half full
        // (4,096) after about 1.6 s, and what it holds when its first leaves, 5,200 and a quarter more, still fits.
        Retired sized = sizedFor5200();
        assertEquals(8192, (int) onLoop(sized::capacity));
        feed(sized, "sized", 2_600, 2_600);
        assertTrue(onLoop(sized::size) > 4096, "passed half full: " + onLoop(sized::size));
        Thread.sleep(100); // columns asked for meanwhile would be adopted by now
        assertEquals(8192, (int) onLoop(sized::capacity), "no larger ring made for a rate it already fits");
    }

    @Test
    void aLaneNotSizedForARate_growsAtHalfFullEvenWhenItsRateWouldFit() throws Exception {
        // The same rate as above into a lane nobody sized: it cannot tell a rate that holds from one still rising
        // (a ramp), and grows while it is small rather than when it is nearly full with the most to move.
        Retired unsized = new Retired(layer, shard, 2_000, true);
        feed(unsized, "unsized", 2_600, 2_600);
        awaitCapacity(unsized, c -> c > 8192);
        assertEquals(16_384, (int) onLoop(unsized::capacity));
    }

    @Test
    void aLaneSizedForLessThanItsRate_growsAheadBeforeItIsFull() throws Exception {
        // The same ring at 5,500 entries a second: 11,000 in its 2 s, so at half full it asks for 16,384 entries
        // and moves into them before it holds 8,192 (at that rate it never does: 5,500 leave every second).
        Retired sized = sizedFor5200();
        feed(sized, "fast", 5_500, 1_500);
        awaitCapacity(sized, c -> c > 8192);
        assertEquals(16_384, (int) onLoop(sized::capacity));
        assertTrue(onLoop(() -> sized.contains("fast0") && sized.contains("fast8249") && !sized.contains("fast8250")));
    }

    @Test
    void aLaneFilledFasterThanItsColumnsAreMade_doublesOnTheLoop_andKeepsEveryEntry() throws Exception {
        // 100,000 entries in one go: the lane passes half full many times before a loop task can adopt columns.
        add(0, 100_000);
        assertTrue(onLoop(lane::capacity) >= 100_000);
        assertTrue(onLoop(() -> {
            for (int i = 0; i < 100_000; i++) {
                if (!lane.contains(key(i))) {
                    return false;
                }
            }
            return true;
        }));
        // The columns made meanwhile arrive afterwards: adopted if larger, else dropped; nothing is lost either way.
        Thread.sleep(200);
        add(100_000, 100_100);
        assertTrue(onLoop(() -> lane.contains(key(0)) && lane.contains(key(100_099)) && lane.size() == 100_100));
    }
}
