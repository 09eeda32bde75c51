package dev.dialtone.bench.load;

import java.util.PriorityQueue;

/**
 * Simulated time: sleeping runs every event due by the deadline, in time order, and then jumps the clock there.
 * Lets the generator and a fake target run deterministically on one thread.
 */
final class SimulatedClock implements Clock {
    private record Event(long at, long seq, Runnable task) {
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepUntil(long deadline) {
        while (!events.isEmpty() && events.peek().at <= deadline) {
            Event e = events.poll();
            now = Math.max(now, e.at);
            e.task.run();
        }
        now = Math.max(now, deadline);
    }

    void at(long time, Runnable task) {
        events.add(new Event(time, seq++, task));
    }

    static long ms(double millis) {
        return Math.round(millis * 1_000_000);
    }
}
