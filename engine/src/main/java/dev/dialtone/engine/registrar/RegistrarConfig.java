package dev.dialtone.engine.registrar;

import java.time.Duration;

/**
 * The registrar's limits. Expiry values are seconds, as REGISTER carries them (RFC 3261 10.2.1.1).
 *
 * @param minExpires     a requested expiry above 0 and below this is refused with {@code 423 Interval Too Brief}
 *                       (RFC 3261 10.3 step 7); default 60
 * @param maxExpires     a longer requested expiry is shortened to this; default 3600
 * @param defaultExpires for a Contact with no {@code expires} parameter and a request with no {@code Expires};
 *                       default 3600 (RFC 3261 10.2.1.1 suggests one hour)
 * @param maxContacts    live bindings one address-of-record may hold; more are refused with 403; default 10
 * @param sweepInterval  how often expired bindings are deleted from the store; zero disables the sweep
 *                       (reads filter by expiry anyway); default 30 s
 * @param nonceLifetime  how long a digest nonce is accepted before a correct answer earns {@code stale=true};
 *                       default 300 s
 * @param storeThreads   threads of the registrar's own store executor (when none is given); default 4
 * @param storeQueue     requests that may wait for a store thread before new ones get 503; default 1024
 */
public record RegistrarConfig(long minExpires, long maxExpires, long defaultExpires, int maxContacts,
                              Duration sweepInterval, Duration nonceLifetime, int storeThreads, int storeQueue) {

    public RegistrarConfig {
        if (minExpires < 1 || maxExpires < minExpires) {
            throw new IllegalArgumentException("need 1 <= minExpires <= maxExpires, got " + minExpires + ", "
                    + maxExpires);
        }
        if (defaultExpires < minExpires || defaultExpires > maxExpires) {
            throw new IllegalArgumentException("defaultExpires must lie in [minExpires, maxExpires]: "
                    + defaultExpires);
        }
        if (maxContacts < 1 || storeThreads < 1 || storeQueue < 1) {
            throw new IllegalArgumentException("maxContacts, storeThreads and storeQueue must be positive");
        }
        if (sweepInterval.isNegative() || nonceLifetime.isNegative() || nonceLifetime.isZero()) {
            throw new IllegalArgumentException("sweepInterval must not be negative, nonceLifetime must be positive");
        }
    }

    public static RegistrarConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.minExpires = minExpires;
        b.maxExpires = maxExpires;
        b.defaultExpires = defaultExpires;
        b.maxContacts = maxContacts;
        b.sweepInterval = sweepInterval;
        b.nonceLifetime = nonceLifetime;
        b.storeThreads = storeThreads;
        b.storeQueue = storeQueue;
        return b;
    }

    public static final class Builder {
        private long minExpires = 60;
        private long maxExpires = 3600;
        private long defaultExpires = 3600;
        private int maxContacts = 10;
        private Duration sweepInterval = Duration.ofSeconds(30);
        private Duration nonceLifetime = Duration.ofSeconds(300);
        private int storeThreads = 4;
        private int storeQueue = 1024;

        private Builder() {
        }

        public Builder minExpires(long seconds) {
            this.minExpires = seconds;
            return this;
        }

        public Builder maxExpires(long seconds) {
            this.maxExpires = seconds;
            return this;
        }

        public Builder defaultExpires(long seconds) {
            this.defaultExpires = seconds;
            return this;
        }

        public Builder maxContacts(int maxContacts) {
            this.maxContacts = maxContacts;
            return this;
        }

        public Builder sweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
            return this;
        }

        public Builder nonceLifetime(Duration nonceLifetime) {
            this.nonceLifetime = nonceLifetime;
            return this;
        }

        public Builder storeThreads(int storeThreads) {
            this.storeThreads = storeThreads;
            return this;
        }

        public Builder storeQueue(int storeQueue) {
            this.storeQueue = storeQueue;
            return this;
        }

        public RegistrarConfig build() {
            return new RegistrarConfig(minExpires, maxExpires, defaultExpires, maxContacts, sweepInterval,
                    nonceLifetime, storeThreads, storeQueue);
        }
    }
}
