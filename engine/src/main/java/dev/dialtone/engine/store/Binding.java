package dev.dialtone.engine.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One registrar binding (RFC 3261 10.3): the address-of-record {@code aor} reaches {@code contactUri}, learned
 * from a REGISTER that came from {@code received} ({@code host:port}) over {@code transport}; {@code flowId}
 * names the connection for outbound flows (RFC 5626) or is null; {@code q} is the Contact's q-value or null.
 * {@code callId} and {@code cseq} are kept to order REGISTERs of the same binding (RFC 3261 10.3 step 7).
 */
public record Binding(
        String aor,
        String contactUri,
        UUID endpointId,
        String received,
        String transport,
        String flowId,
        Instant expiresAt,
        String callId,
        long cseq,
        BigDecimal q) {

    public Binding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contactUri, "contactUri");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(callId, "callId");
        if (q != null && (q.signum() < 0 || q.compareTo(BigDecimal.ONE) > 0 || q.scale() > 3)) {
            throw new IllegalArgumentException("q must be 0 to 1 with at most 3 decimals (RFC 3261 25.1): " + q);
        }
        // One form for equal values: the table keeps q as DECIMAL(4, 3) and time in milliseconds.
        q = q == null ? null : q.setScale(3);
        expiresAt = Instant.ofEpochMilli(expiresAt.toEpochMilli());
    }

    public boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
