package dev.dialtone.sip.transaction;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.Timeout;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopTimerTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final LoopTimer timer = new LoopTimer(group);

    @AfterEach
    void close() {
        timer.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTimeoutArmedOnALoopFiresOnThatLoop() throws Exception {
        for (EventExecutor loop : group) {
            CompletableFuture<Boolean> firedOnLoop = new CompletableFuture<>();
            loop.execute(() -> timer.newTimeout(t -> firedOnLoop.complete(loop.inEventLoop()), 20,
                    TimeUnit.MILLISECONDS));
            assertTrue(firedOnLoop.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimeoutArmedFromOutsideFiresOnOneOfTheLoops() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch fired = new CountDownLatch(1);
        Timeout t = timer.newTimeout(x -> {
            ranOn.set(Thread.currentThread());
            fired.countDown();
        }, 0, TimeUnit.MILLISECONDS);
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        boolean onALoop = false;
        for (EventExecutor loop : group) {
            onALoop |= loop.inEventLoop(ranOn.get());
        }
        assertTrue(onALoop);
        assertTrue(t.isExpired());
        assertEquals(0, timer.pendingTimeouts());
    }

    @Test
    void neverFiresEarly() throws Exception {
        EventExecutor loop = group.next();
        int n = 20;
        CountDownLatch fired = new CountDownLatch(n);
        List<Long> firedAt = Collections.synchronizedList(new ArrayList<>());
        long[] armedAt = new long[1];
        loop.execute(() -> {
            armedAt[0] = System.nanoTime();
            for (int i = 0; i < n; i++) {
                // Deadlines a fraction of a tick apart: rounding to the grid must only ever delay them.
                timer.newTimeout(x -> {
                    firedAt.add(System.nanoTime());
                    fired.countDown();
                }, 50_000 + i * 50L, TimeUnit.MICROSECONDS);
            }
        });
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        for (long at : firedAt) {
            assertTrue(at - armedAt[0] >= TimeUnit.MILLISECONDS.toNanos(50), "fired early");
        }
    }

    @Test
    void aCancelledTimeoutNeverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Timeout t = timer.newTimeout(x -> ran.set(true), 30, TimeUnit.MILLISECONDS);
        assertEquals(1, timer.pendingTimeouts());
        assertTrue(t.cancel());
        assertFalse(t.cancel(), "a second cancel reports that nothing was cancelled");
        assertTrue(t.isCancelled());
        assertEquals(0, timer.pendingTimeouts());
        CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(x -> later.countDown(), 60, TimeUnit.MILLISECONDS);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertFalse(ran.get());
    }

    @Test
    void afterStop_newTimeoutsAreInertAndDueOnesAreDropped() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        timer.newTimeout(x -> ran.set(true), 20, TimeUnit.MILLISECONDS);
        timer.stop();
        Timeout late = timer.newTimeout(x -> ran.set(true), 0, TimeUnit.MILLISECONDS);
        assertTrue(late.isCancelled());
        assertFalse(late.isExpired());
        assertSame(timer, late.timer());
        // Let the earlier timeout's deadline pass on its loop.
        group.next().schedule(() -> { }, 60, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        Thread.sleep(50);
        assertFalse(ran.get());
    }
}
