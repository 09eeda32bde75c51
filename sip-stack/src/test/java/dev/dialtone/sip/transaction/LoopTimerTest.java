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
    void aTimeoutHeldForUnreadInput_firesOnceTheInputIsRead_orAfterTheBoundAtTheLatest() throws Exception {
        AtomicBoolean unread = new AtomicBoolean(true);
        timer.holdWhile(unread::get);
        EventExecutor loop = group.next();

        // Input that stays unread: the timeout waits MAX_HOLD_MS past its deadline, then fires anyway.
        CompletableFuture<Long> fired = new CompletableFuture<>();
        long armed = System.nanoTime();
        loop.execute(() -> timer.newTimeout(t -> fired.complete(System.nanoTime()), 10, TimeUnit.MILLISECONDS));
        long waited = TimeUnit.NANOSECONDS.toMillis(fired.get(5, TimeUnit.SECONDS) - armed);
        assertTrue(waited >= 10 + LoopTimer.MAX_HOLD_MS, "fired after " + waited + " ms");

        // Input read meanwhile: the held timeout fires as soon as the loop finds none left, and only once.
        List<String> runs = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch dueAndHeld = new CountDownLatch(1);
        loop.execute(() -> timer.newTimeout(t -> runs.add("fired"), 10, TimeUnit.MILLISECONDS));
        loop.schedule(dueAndHeld::countDown, 30, TimeUnit.MILLISECONDS);
        assertTrue(dueAndHeld.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(), runs, "held while input is unread");
        unread.set(false);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runs.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        assertEquals(List.of("fired"), runs);
        assertEquals(0, timer.pendingTimeouts());
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

    @Test
    void manyTimeoutsArmedFromAnotherThreadWhileTheLoopIsBusy_wakeItOnce_andFireInArmingOrder() throws Exception {
        EventExecutor loop = group.next();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            try {
                release.await(5, TimeUnit.SECONDS); // a loop reading a backlog
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        int n = 10_000;
        List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(n - 1); // one is cancelled
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
        Timeout cancelled = null;
        for (int i = 0; i < n; i++) {
            int k = i;
            Timeout t = timer.newTimeoutAt(loop, x -> {
                fired.add(k);
                all.countDown();
            }, deadline);
            if (i == 1234) {
                cancelled = t;
            }
        }
        // Ten thousand arming calls, one task queued on the loop (a queue of ten thousand is what grew Netty's).
        assertEquals(1, ((io.netty.util.concurrent.SingleThreadEventExecutor) loop).pendingTasks());
        assertTrue(cancelled.cancel());
        release.countDown();
        assertTrue(all.await(5, TimeUnit.SECONDS));
        assertEquals(n - 1, fired.size());
        assertFalse(fired.contains(1234));
        for (int i = 1; i < fired.size(); i++) {
            assertTrue(fired.get(i - 1) < fired.get(i), "in arming order at " + i);
        }
        assertEquals(0, timer.pendingTimeouts());
    }

    @Test
    void timeoutsGivenTheSameGridPointFireInArmingOrder_evenWhenOneCancelsTheNext() throws Exception {
        EventExecutor loop = group.next();
        List<String> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            long deadline = (System.nanoTime() / 10_000_000L + 3) * 10_000_000L; // on the 10 ms grid
            Timeout[] second = new Timeout[1];
            timer.newTimeoutAt(loop, t -> {
                fired.add("first");
                second[0].cancel(); // the next one in the same tick: it must be skipped, not end the tick
            }, deadline);
            second[0] = timer.newTimeoutAt(loop, t -> fired.add("second"), deadline);
            timer.newTimeoutAt(loop, t -> fired.add("third"), deadline);
            Timeout fourth = timer.newTimeoutAt(loop, t -> fired.add("fourth"), deadline);
            timer.newTimeoutAt(loop, t -> {
                fired.add("fifth");
                done.countDown();
            }, deadline);
            assertTrue(fourth.cancel()); // cancelled on the loop before its tick: unlinked at once
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first", "third", "fifth"), fired);
        assertEquals(0, timer.pendingTimeouts());
    }

    @Test
    void aFinerGridKeepsADeadlineThatIsOnIt() throws Exception {
        LoopTimer fine = new LoopTimer(group, 1, TimeUnit.MILLISECONDS);
        EventExecutor loop = group.next();
        long deadline = (System.nanoTime() / 1_000_000L + 20) * 1_000_000L;
        CompletableFuture<Long> firedAt = new CompletableFuture<>();
        fine.newTimeoutAt(loop, t -> firedAt.complete(System.nanoTime()), deadline);
        long at = firedAt.get(5, TimeUnit.SECONDS);
        assertTrue(at >= deadline, "fired " + (deadline - at) + " ns early");
        fine.stop();
    }

    @Test
    void aTimeoutCancelledWhenItsTickIsEmptyLeavesNothingArmed() throws Exception {
        EventExecutor loop = group.next();
        CompletableFuture<Integer> pending = new CompletableFuture<>();
        loop.execute(() -> {
            Timeout t = timer.newTimeout(x -> { }, 5, TimeUnit.SECONDS);
            t.cancel();
            pending.complete(timer.pendingTimeouts());
        });
        assertEquals(0, pending.get(5, TimeUnit.SECONDS));
        // And a timeout armed afterwards for a later tick still fires.
        CountDownLatch later = new CountDownLatch(1);
        loop.execute(() -> timer.newTimeout(x -> later.countDown(), 20, TimeUnit.MILLISECONDS));
        assertTrue(later.await(5, TimeUnit.SECONDS));
    }
}
