package dev.dialtone.bench.load;

import java.util.concurrent.locks.LockSupport;

/** Monotonic time for the generator, injectable so that the scheduler can be tested on simulated time. */
public interface Clock {
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadline}. */
    void sleepUntil(long deadline) throws InterruptedException;

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };
}
