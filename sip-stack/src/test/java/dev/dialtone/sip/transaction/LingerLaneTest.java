package dev.dialtone.sip.transaction;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing timers (D, I, J, K, L, M) wait in per-duration lanes instead of the wheel; they must behave the same. */
class LingerLaneTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LoopTimer wheel = new LoopTimer(group);
    private final EventExecutor loop = group.next();
    private final TransactionLayer layer = new TransactionLayer(TimerConfig.DEFAULT,
            (m, d) -> CompletableFuture.completedFuture(null), wheel, List.of(loop));
    private final TransactionLayer.Shard shard = new TransactionLayer.Shard(layer, loop);
    private final List<String> fired = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() {
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TimerSlots slots(String name) {
        return new TimerSlots(layer, loop, shard) {
            @Override
            void fire(Timer timer) {
                fired.add(name + ":" + timer + (loop.inEventLoop() ? "" : " off the loop"));
            }
        };
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    private void awaitFired(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fired.size() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
    }

    @Test
    void closingTimersFireInOrderOnTheLoopAndCancelledOnesStaySilent() throws Exception {
        List<TimerSlots> all = new ArrayList<>();
        // More than the lane's first capacity, so that it grows while holding timers.
        onLoop(() -> {
            for (int i = 0; i < 40; i++) {
                TimerSlots s = slots("t" + i);
                all.add(s);
                s.schedule(i % 2 == 0 ? Timer.M : Timer.K, 60);
            }
        });
        assertEquals(40, layer.armedTimers());
        onLoop(() -> {
            all.get(3).cancel(Timer.K);
            all.get(10).cancelAll();
        });
        assertEquals(38, layer.armedTimers());
        awaitFired(38);
        Thread.sleep(50);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i != 3 && i != 10) {
                expected.add("t" + i + ":" + (i % 2 == 0 ? "M" : "K"));
            }
        }
        assertEquals(expected, fired);
        assertEquals(0, layer.armedTimers());
    }

    @Test
    void aClosingTimerArmedAgainFiresOnceAtItsNewDeadline() throws Exception {
        TimerSlots s = slots("x");
        long[] armedAt = new long[1];
        onLoop(() -> s.schedule(Timer.J, 40));
        Thread.sleep(20);
        onLoop(() -> {
            armedAt[0] = System.nanoTime();
            s.schedule(Timer.J, 200); // a different lane: the first arming must not fire it
        });
        awaitFired(1);
        long elapsed = System.nanoTime() - armedAt[0];
        Thread.sleep(100);
        assertEquals(List.of("x:J"), fired);
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(200), "fired after " + elapsed / 1_000_000 + " ms");
        assertEquals(0, layer.armedTimers());
    }

    @Test
    void wheelTimersAndAClosingTimerLiveSideBySide() throws Exception {
        TimerSlots s = slots("y");
        onLoop(() -> {
            s.schedule(Timer.A, 10);
            s.schedule(Timer.B, 1000);
            s.schedule(Timer.M, 30);
        });
        awaitFired(2);
        onLoop(() -> s.cancel(Timer.B));
        assertEquals(List.of("y:A", "y:M"), fired);
        assertEquals(0, layer.armedTimers());
    }
}
