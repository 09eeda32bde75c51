package dev.dialtone.sip.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Where {@link DigestServer} finds a user's secret: {@code H(username ":" realm ":" password)} in lowercase hex,
 * computed with {@code algorithm} (always a base algorithm: the {@code -sess} variants use the same HA1).
 * Asynchronous so a registrar can look it up in a database off the event loop.
 */
@FunctionalInterface
public interface Ha1Lookup {

    /** Completes with empty for an unknown user. */
    CompletionStage<Optional<String>> ha1(String username, String realm, DigestAlgorithm algorithm);

    /** A synchronous store, e.g. an in-memory map of HA1 values; must not block. */
    @FunctionalInterface
    interface Sync {
        Optional<String> ha1(String username, String realm, DigestAlgorithm algorithm);
    }

    /** Adapts a synchronous, non-blocking store. */
    static Ha1Lookup sync(Sync store) {
        return (username, realm, algorithm) ->
                CompletableFuture.completedFuture(store.ha1(username, realm, algorithm));
    }

    /** A lookup over plaintext passwords, for tests and small static configurations. */
    static Ha1Lookup ofPasswords(BiFunction<String, String, Optional<String>> passwordByUserAndRealm) {
        return (username, realm, algorithm) -> CompletableFuture.completedFuture(
                passwordByUserAndRealm.apply(username, realm).map(p -> algorithm.ha1(username, realm, p)));
    }
}
