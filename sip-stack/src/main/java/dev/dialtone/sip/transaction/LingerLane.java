package dev.dialtone.sip.transaction;

/**
 * The closing timers of one shard that share one duration, in the order they were armed (a {@link FifoLane}).
 * Each waiting timer costs a slot in three columns instead of a timeout object, its task and its place in the
 * wheel, which matters when thousands of ended INVITE transactions wait out Timer D (32 s on UDP) after a
 * non-2xx.
 */
final class LingerLane extends FifoLane {
    private TimerSlots[] owners = new TimerSlots[capacity()];
    // One lane can hold timers of different kinds that share a duration (I and K are both T4).
    private Timer[] timers = new Timer[capacity()];

    LingerLane(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis) {
        super(layer, shard, delayMillis);
    }

    @Override
    public String toString() {
        return "closing-timer";
    }

    /** Queues {@code timer} of {@code owner}; returns its deadline, which identifies this arming. */
    long add(TimerSlots owner, Timer timer) {
        int pos = enqueue();
        owners[pos] = owner;
        timers[pos] = timer;
        return deadline(pos);
    }

    @Override
    void expired(int pos) {
        TimerSlots owner = owners[pos];
        Timer timer = timers[pos];
        owners[pos] = null;
        timers[pos] = null;
        owner.lingerExpired(timer, deadline(pos));
    }

    @Override
    Object columns(int capacity, boolean reserving) {
        return new Object[]{new TimerSlots[capacity], new Timer[capacity]};
    }

    @Override
    void moved(Object columns, int oldCapacity, int head, int size) {
        Object[] c = (Object[]) columns;
        TimerSlots[] o = (TimerSlots[]) c[0];
        Timer[] t = (Timer[]) c[1];
        moveRing(owners, o, oldCapacity, head, size);
        moveRing(timers, t, oldCapacity, head, size);
        owners = o;
        timers = t;
    }
}
