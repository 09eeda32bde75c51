package dev.dialtone.engine.registrar;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/** Store calls run on the store executor, never on the caller's (event loop) thread. */
final class StoreCalls {
    private StoreCalls() {
    }

    /** Runs {@code call} on {@code executor}; a saturated executor fails the stage instead of throwing. */
    static <T> CompletableFuture<T> async(Executor executor, Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
