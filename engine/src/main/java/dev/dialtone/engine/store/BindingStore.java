package dev.dialtone.engine.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Storage for the registrar's bindings, keyed by address-of-record and Contact URI. The rules of RFC 3261 10.3
 * (Call-ID/CSeq ordering, expiry, wildcard removal) belong to the registrar; this class only keeps rows. Time is
 * always passed in, so the registrar's clock decides what has expired.
 *
 * <p>Every method runs SQL on the caller's thread: never call it from an event loop.
 */
public final class BindingStore {
    private static final String COLUMNS =
            "aor, contact_uri, endpoint_id, received, transport, flow_id, expires_at, call_id, cseq, q";
    private static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL's and H2's SQLSTATE for a row whose parent is missing. */
    private static final java.util.Set<String> FOREIGN_KEY_VIOLATION = java.util.Set.of("23503", "23506");

    private final Database db;

    public BindingStore(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    /**
     * Adds a binding; false when the AOR already has this Contact URI (refresh it instead).
     *
     * @throws IllegalArgumentException when the endpoint does not exist
     */
    public boolean insert(Binding b) {
        String sql = "INSERT INTO registration_bindings (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, b.aor());
            p.setString(2, b.contactUri());
            p.setObject(3, b.endpointId());
            bindMutable(p, 4, b);
            p.executeUpdate();
            return true;
        } catch (SQLException x) {
            if (UNIQUE_VIOLATION.equals(x.getSQLState())) {
                return false;
            }
            if (FOREIGN_KEY_VIOLATION.contains(x.getSQLState())) {
                throw new IllegalArgumentException("no endpoint " + b.endpointId(), x);
            }
            throw new StoreException("binding insert failed", x);
        }
    }

    /**
     * Replaces the source, transport, flow, expiry, Call-ID, CSeq and q of the existing binding for
     * {@code b.aor()} and {@code b.contactUri()}; false when there is none.
     */
    public boolean refresh(Binding b) {
        String sql = "UPDATE registration_bindings SET received = ?, transport = ?, flow_id = ?, expires_at = ?, "
                + "call_id = ?, cseq = ?, q = ? WHERE aor = ? AND contact_uri = ?";
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            int i = bindMutable(p, 1, b);
            p.setString(i++, b.aor());
            p.setString(i, b.contactUri());
            return p.executeUpdate() == 1;
        } catch (SQLException x) {
            throw new StoreException("binding refresh failed", x);
        }
    }

    /** The binding of this AOR and Contact URI, expired or not. */
    public Optional<Binding> find(String aor, String contactUri) {
        List<Binding> found = query("SELECT " + COLUMNS + " FROM registration_bindings WHERE aor = ? AND contact_uri = ?",
                aor, contactUri);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Removes one binding (a Contact with {@code expires=0}); false when there was none. */
    public boolean remove(String aor, String contactUri) {
        return update("DELETE FROM registration_bindings WHERE aor = ? AND contact_uri = ?", aor, contactUri) == 1;
    }

    /** Removes every binding of the AOR ({@code Contact: *}, RFC 3261 10.3 step 6) and returns how many. */
    public int removeAll(String aor) {
        return update("DELETE FROM registration_bindings WHERE aor = ?", aor);
    }

    /** The AOR's bindings that have not expired at {@code now}, highest q first (no q counts as 1.0), then newest expiry. */
    public List<Binding> list(String aor, Instant now) {
        return query("SELECT " + COLUMNS + " FROM registration_bindings WHERE aor = ? AND expires_at > ? "
                + "ORDER BY COALESCE(q, 1) DESC, expires_at DESC, contact_uri", aor, now.toEpochMilli());
    }

    /** Every unexpired binding of one endpoint, whatever its AOR. */
    public List<Binding> listByEndpoint(UUID endpointId, Instant now) {
        return query("SELECT " + COLUMNS + " FROM registration_bindings WHERE endpoint_id = ? AND expires_at > ? "
                + "ORDER BY aor, contact_uri", endpointId, now.toEpochMilli());
    }

    /** Deletes every binding expired at {@code now} and returns how many. */
    public int expire(Instant now) {
        return update("DELETE FROM registration_bindings WHERE expires_at <= ?", now.toEpochMilli());
    }

    public long count(Instant now) {
        try (Connection c = db.connection();
             PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM registration_bindings WHERE expires_at > ?")) {
            p.setLong(1, now.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException x) {
            throw new StoreException("binding count failed", x);
        }
    }

    private static int bindMutable(PreparedStatement p, int i, Binding b) throws SQLException {
        p.setString(i++, b.received());
        p.setString(i++, b.transport());
        p.setString(i++, b.flowId());
        p.setLong(i++, b.expiresAt().toEpochMilli());
        p.setString(i++, b.callId());
        p.setLong(i++, b.cseq());
        if (b.q() == null) {
            p.setNull(i++, Types.DECIMAL);
        } else {
            p.setBigDecimal(i++, b.q());
        }
        return i;
    }

    private List<Binding> query(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                List<Binding> out = new ArrayList<>();
                while (rs.next()) {
                    BigDecimal q = rs.getBigDecimal("q");
                    out.add(new Binding(rs.getString("aor"), rs.getString("contact_uri"),
                            rs.getObject("endpoint_id", UUID.class), rs.getString("received"),
                            rs.getString("transport"), rs.getString("flow_id"),
                            Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getString("call_id"),
                            rs.getLong("cseq"), q));
                }
                return out;
            }
        } catch (SQLException x) {
            throw new StoreException("binding query failed", x);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            return p.executeUpdate();
        } catch (SQLException x) {
            throw new StoreException("binding update failed", x);
        }
    }
}
