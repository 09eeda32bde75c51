package dev.dialtone.engine.store;

/** The database failed (connection lost, closed, constraint the caller could not foresee): a bug or an outage. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
