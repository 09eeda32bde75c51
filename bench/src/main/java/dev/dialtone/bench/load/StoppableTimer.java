package dev.dialtone.bench.load;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The driver's timer wheel, stopped quietly: calls given up at the end of a run still have transactions that arm
 * timers on the event loops and timers that hop back onto them. Once stopped, a new timeout is a cancelled no-op
 * and a firing one is dropped, instead of the wheel refusing the first ("cannot be started once stopped") or the
 * shut-down event loop refusing the second, each logged with a stack trace.
 */
final class StoppableTimer implements Timer {
    private final Timer wheel;
    private volatile boolean stopped;

    StoppableTimer(Timer wheel) {
        this.wheel = wheel;
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) {
            return new Dropped(task);
        }
        return wheel.newTimeout(t -> {
            if (!stopped) {
                task.run(t);
            }
        }, delay, unit);
    }

    @Override
    public Set<Timeout> stop() {
        stopped = true;
        return wheel.stop();
    }

    /** A timeout created after the stop: never fires. */
    private final class Dropped implements Timeout {
        private final TimerTask task;

        Dropped(TimerTask task) {
            this.task = task;
        }

        @Override
        public Timer timer() {
            return StoppableTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return true;
        }

        @Override
        public boolean cancel() {
            return false;
        }
    }
}
