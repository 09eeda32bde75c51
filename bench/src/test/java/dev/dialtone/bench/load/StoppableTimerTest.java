package dev.dialtone.bench.load;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoppableTimerTest {

    @Test
    void firesWhileRunning() throws InterruptedException {
        StoppableTimer timer = new StoppableTimer(new HashedWheelTimer(10, TimeUnit.MILLISECONDS));
        try {
            CountDownLatch fired = new CountDownLatch(1);
            timer.newTimeout(t -> fired.countDown(), 10, TimeUnit.MILLISECONDS);
            assertTrue(fired.await(5, TimeUnit.SECONDS));
        } finally {
            timer.stop();
        }
    }

    @Test
    void afterStop_newTimeoutIsCancelledAndNeverRuns_insteadOfThrowing() throws InterruptedException {
        StoppableTimer timer = new StoppableTimer(new HashedWheelTimer(10, TimeUnit.MILLISECONDS));
        timer.stop();
        AtomicBoolean ran = new AtomicBoolean();
        Timeout t = timer.newTimeout(x -> ran.set(true), 0, TimeUnit.MILLISECONDS);
        assertTrue(t.isCancelled());
        assertFalse(t.isExpired());
        assertFalse(ran.get());
    }
}
