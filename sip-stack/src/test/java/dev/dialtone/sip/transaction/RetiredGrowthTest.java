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
