package dev.dialtone.sip.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Highest nonce-count seen per nonce, bounded. Stateless nonces prove who issued them and when, but not how often
 * they were used: without this table a captured request could be replayed until its nonce expires (RFC 7616 5.5).
 *
 * <p>Entries leave when their nonce expires (an expired nonce is refused anyway) or, under pressure, oldest first.
 * Eviction must not reopen a nonce to replay, so the table remembers the newest issue time it ever evicted: a
 * nonce issued at or before that time and no longer in the table is refused as {@link Result#FORGOTTEN}, which the
 * server answers with {@code stale=true} so an honest client just retries with a fresh nonce.
 */
final class ReplayCache {
    enum Result { ACCEPTED, REPLAYED, FORGOTTEN }

    private static final class Entry {
        final long issuedAt;
        long highestNc;

        Entry(long issuedAt, long nc) {
            this.issuedAt = issuedAt;
            this.highestNc = nc;
        }
    }

    private final int capacity;
    private final long lifetimeMillis;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long evictedWatermark = Long.MIN_VALUE;

    ReplayCache(int capacity, long lifetimeMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay cache capacity must be positive");
        }
        this.capacity = capacity;
        this.lifetimeMillis = lifetimeMillis;
    }

    /** Records {@code nc} for {@code nonce} if it is higher than any seen before. */
    synchronized Result advance(String nonce, long issuedAt, long nc, long nowMillis) {
        purgeExpired(nowMillis);
        Entry e = entries.get(nonce);
        if (e == null) {
            if (issuedAt <= evictedWatermark) {
                return Result.FORGOTTEN;
            }
            entries.put(nonce, new Entry(issuedAt, nc));
            if (entries.size() > capacity) {
                Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
                Entry eldest = it.next().getValue();
                it.remove();
                evictedWatermark = Math.max(evictedWatermark, eldest.issuedAt);
            }
            return Result.ACCEPTED;
        }
        // RFC 7616 3.4: the nonce-count must grow with each request using the nonce.
        if (nc <= e.highestNc) {
            return Result.REPLAYED;
        }
        e.highestNc = nc;
        return Result.ACCEPTED;
    }

    synchronized int size() {
        return entries.size();
    }

    private void purgeExpired(long nowMillis) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (nowMillis - e.issuedAt <= lifetimeMillis) {
                return;
            }
            it.remove();
        }
    }
}
