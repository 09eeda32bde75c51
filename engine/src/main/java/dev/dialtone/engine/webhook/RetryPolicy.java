package dev.dialtone.engine.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failed status callback is retried: up to {@code retries} more attempts, the first after
 * {@code initialDelay}, each next delay doubled (0.5 s, 1 s, 2 s by default).
 */
public record RetryPolicy(int retries, Duration initialDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(500));

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        if (retries < 0 || initialDelay.isNegative()) {
            throw new IllegalArgumentException("retries and delay must not be negative");
        }
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
        return initialDelay.multipliedBy(1L << Math.min(retry - 1, 20));
    }
}
