package dev.dialtone.bench.load;

/**
 * Places calls for the generator. {@link #place} must not block: it starts the call and returns, and the call
 * reports its progress and end on its {@link CallAttempt} from whatever thread it runs on.
 */
public interface CallDriver extends AutoCloseable {

    void place(CallAttempt attempt);

    /** Releases sockets and threads; calls still running are dropped. */
    @Override
    void close();
}
