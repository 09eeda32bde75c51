package dev.dialtone.engine.store;

/** Another endpoint already has this username; raised when two writers race past the caller's own check. */
public final class UsernameTakenException extends StoreException {
    UsernameTakenException(String username, Throwable cause) {
        super("username already taken: " + username, cause);
    }
}
