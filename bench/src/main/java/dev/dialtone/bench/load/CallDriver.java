package dev.dialtone.bench.load;

/**
 * Places calls for the generator. {@link #place} must not block: it starts the call and returns, and the call
 * reports its progress and end on its {@link CallAttempt} from whatever thread it runs on.
 */
public interface CallDriver extends AutoCloseable {

    void place(CallAttempt attempt);

    /**
     * Whether {@link #place} may be called ahead of a call's {@link CallAttempt#intendedStart()}: the driver then
     * holds the call back until that time itself (on its event loop), which spares the generator a wake-up and a
     * hand-over per call.
     */
    default boolean startsAtIntendedTime() {
        return false;
    }

    /**
     * This driver's sockets and event loops placing calls to another target over UDP ({@code host} an address), or
     * null if it cannot. Closing the view leaves this driver open.
     */
    default CallDriver toward(String host, int port) {
        return null;
    }

    /**
     * The highest rate the run will place calls at, said before its first call, so that what grows with the rate
     * is sized ahead instead of in the middle of the run. Nothing by default.
     */
    default void expectRate(double callsPerSecond) {
    }

    /** Requests sent again on a retransmission timer so far (Timer A, E), or -1 if the driver does not count them. */
    default long retransmittedRequests() {
        return -1;
    }

    /** The INVITEs among {@link #retransmittedRequests()}, or -1. */
    default long retransmittedInvites() {
        return -1;
    }

    /**
     * Datagrams dropped so far on arrival at this driver's own UDP sockets, their receive buffer full (what the
     * target sent and the driver never read), or -1 if the driver places no calls over UDP or cannot tell.
     */
    default long receiveDrops() {
        return -1;
    }

    /**
     * How much one of this driver's counters ({@link #retransmittedRequests()}, {@link #receiveDrops()}) grew from
     * {@code before} to {@code now}, or null when the driver keeps none (-1).
     */
    static Long since(long before, long now) {
        return before < 0 || now < 0 ? null : Math.max(0, now - before);
    }

    /** Releases sockets and threads; calls still running are dropped. */
    @Override
    void close();
}
