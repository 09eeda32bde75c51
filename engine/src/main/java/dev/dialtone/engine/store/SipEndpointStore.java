package dev.dialtone.engine.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * SIP endpoints and their digest credentials. Each endpoint keeps HA1 for MD5 and SHA-256 in one realm, the
 * {@code realm} given here (the server's {@code sipRealm}); they are computed whenever the password is set, and
 * since HA1 covers the username too, a username cannot change without the password (the caller enforces that;
 * {@link #update} refuses it). An endpoint stored under another realm answers no {@link #ha1} query until its
 * password is set again.
 *
 * <p>Every method runs SQL on the caller's thread: never call it from an event loop.
 */
public final class SipEndpointStore {
    private static final Logger log = LoggerFactory.getLogger(SipEndpointStore.class);

    /** Every column the API sets, in binding order; the names are the seeds' field names. */
    private static final List<String> SETTINGS = List.of("username", "caller_id", "send_as", "ciphers", "codecs",
            "encryption", "call_handler", "calling_handler_resource_id", "call_request_url", "call_request_method",
            "call_fallback_url", "call_fallback_method", "call_status_callback_url", "call_status_callback_method",
            "call_laml_application_id", "call_dialogflow_agent_id", "call_relay_topic",
            "call_relay_topic_status_callback_url", "call_relay_context", "call_relay_context_status_callback_url",
            "call_relay_application", "call_video_room_id", "call_relay_script_url");
    private static final String COLUMNS = "id, " + String.join(", ", SETTINGS) + ", created_at, updated_at";
    private static final String INSERT = "INSERT INTO sip_endpoints (" + COLUMNS
            + ", ha1_realm, ha1_md5, ha1_sha256) VALUES (" + "?, ".repeat(SETTINGS.size() + 5) + "?)";
    private static final String UPDATE = "UPDATE sip_endpoints SET " + String.join(" = ?, ", SETTINGS)
            + " = ?, updated_at = ?";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database db;
    private final String realm;
    private final Clock clock;

    public SipEndpointStore(Database db, String realm, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.realm = Objects.requireNonNull(realm);
        this.clock = Objects.requireNonNull(clock);
        long stale = count("SELECT COUNT(*) FROM sip_endpoints WHERE ha1_realm <> ?", realm);
        if (stale > 0) {
            log.warn("{} SIP endpoints have credentials for another realm than '{}': they cannot register until "
                    + "their password is set again", stale, realm);
        }
    }

    /** The digest realm the stored HA1 values are computed for. */
    public String realm() {
        return realm;
    }

    /**
     * Stores a new endpoint with a fresh id and timestamps.
     *
     * @throws UsernameTakenException when the username exists
     */
    public SipEndpoint create(SipEndpoint draft, String password) {
        Objects.requireNonNull(password, "password");
        Instant now = now();
        SipEndpoint e = draft.toBuilder().id(UUID.randomUUID()).createdAt(now).updatedAt(now).build();
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(INSERT)) {
            p.setObject(1, e.id());
            int i = bindSettings(p, 2, e);
            p.setLong(i++, e.createdAt().toEpochMilli());
            p.setLong(i++, e.updatedAt().toEpochMilli());
            bindCredentials(p, i, e.username(), password);
            p.executeUpdate();
            return e;
        } catch (SQLException x) {
            throw translate(x, e.username());
        }
    }

    public Optional<SipEndpoint> find(UUID id) {
        return one("SELECT " + COLUMNS + " FROM sip_endpoints WHERE id = ?", id);
    }

    /** The endpoint a REGISTER or INVITE authenticates as; usernames are case-sensitive, as in SIP URIs. */
    public Optional<SipEndpoint> findByUsername(String username) {
        return one("SELECT " + COLUMNS + " FROM sip_endpoints WHERE username = ?", username);
    }

    /**
     * Replaces every setting of the endpoint with {@code changed.id()} and sets {@code updated_at}; a non-null
     * {@code password} also replaces the credentials. Returns empty when the endpoint does not exist.
     *
     * @throws IllegalArgumentException when the username changes without a password
     * @throws UsernameTakenException when the new username exists
     */
    public Optional<SipEndpoint> update(SipEndpoint changed, String password) {
        Optional<SipEndpoint> before = find(changed.id());
        if (before.isEmpty()) {
            return before;
        }
        if (!before.get().username().equals(changed.username()) && password == null) {
            throw new IllegalArgumentException("a new username needs the password: HA1 covers both");
        }
        SipEndpoint e = changed.toBuilder().createdAt(before.get().createdAt()).updatedAt(now()).build();
        String sql = UPDATE + (password != null ? ", ha1_realm = ?, ha1_md5 = ?, ha1_sha256 = ?" : "")
                + " WHERE id = ?";
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            int i = bindSettings(p, 1, e);
            p.setLong(i++, e.updatedAt().toEpochMilli());
            if (password != null) {
                i = bindCredentials(p, i, e.username(), password);
            }
            p.setObject(i, e.id());
            return p.executeUpdate() == 1 ? Optional.of(e) : Optional.empty();
        } catch (SQLException x) {
            throw translate(x, e.username());
        }
    }

    /** Removes the endpoint and its registration bindings; false when it did not exist. */
    public boolean delete(UUID id) {
        try (Connection c = db.connection();
             PreparedStatement p = c.prepareStatement("DELETE FROM sip_endpoints WHERE id = ?")) {
            p.setObject(1, id);
            return p.executeUpdate() == 1;
        } catch (SQLException x) {
            throw new StoreException("delete endpoint failed", x);
        }
    }

    /**
     * One page of endpoints, newest first. Only endpoints created up to the {@code anchor} (a value of
     * {@link #latest()}) count, so that a client paging through a list is not shifted by endpoints created
     * meanwhile. Filters match case-insensitive substrings; null means no filter.
     */
    public List<SipEndpoint> list(String usernameContains, String callerIdContains, long anchor, long offset,
                                  int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM sip_endpoints WHERE seq <= ?");
        List<Object> args = new ArrayList<>(List.of(anchor));
        if (usernameContains != null) {
            sql.append(" AND LOWER(username) LIKE ? ESCAPE '!'");
            args.add(likePattern(usernameContains));
        }
        if (callerIdContains != null) {
            sql.append(" AND LOWER(caller_id) LIKE ? ESCAPE '!'");
            args.add(likePattern(callerIdContains));
        }
        sql.append(" ORDER BY seq DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return many(sql.toString(), args.toArray());
    }

    /** The anchor of a new listing: every endpoint that exists now. */
    public long latest() {
        return count("SELECT COALESCE(MAX(seq), 0) FROM sip_endpoints");
    }

    public long count() {
        return count("SELECT COUNT(*) FROM sip_endpoints");
    }

    /**
     * The stored HA1 of {@code username} for a digest challenge in {@code realm} with {@code algorithm}
     * ({@code MD5}, {@code MD5-sess}, {@code SHA-256}, {@code SHA-256-sess}, case-insensitive); empty for an
     * unknown user, another realm or another algorithm.
     */
    public Optional<String> ha1(String username, String realm, String algorithm) {
        Optional<String> column = DigestHa1.column(algorithm);
        if (column.isEmpty()) {
            return Optional.empty();
        }
        String sql = "SELECT " + column.get() + " FROM sip_endpoints WHERE username = ? AND ha1_realm = ?";
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, username);
            p.setString(2, realm);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException x) {
            throw new StoreException("ha1 lookup failed", x);
        }
    }

    private Instant now() {
        // Stored as epoch milliseconds; keep the record equal to what a later read returns.
        return Instant.ofEpochMilli(clock.millis());
    }

    /** Binds {@link #SETTINGS} from parameter {@code i} on and returns the next parameter index. */
    private static int bindSettings(PreparedStatement p, int i, SipEndpoint e) throws SQLException {
        p.setString(i++, e.username());
        p.setString(i++, e.callerId());
        p.setString(i++, e.sendAs());
        p.setString(i++, String.join(",", e.ciphers()));
        p.setString(i++, String.join(",", e.codecs()));
        p.setString(i++, e.encryption());
        p.setString(i++, e.callHandler());
        setUuid(p, i++, e.callingHandlerResourceId());
        p.setString(i++, e.callRequestUrl());
        p.setString(i++, e.callRequestMethod());
        p.setString(i++, e.callFallbackUrl());
        p.setString(i++, e.callFallbackMethod());
        p.setString(i++, e.callStatusCallbackUrl());
        p.setString(i++, e.callStatusCallbackMethod());
        p.setString(i++, e.callLamlApplicationId());
        p.setString(i++, e.callDialogflowAgentId());
        p.setString(i++, e.callRelayTopic());
        p.setString(i++, e.callRelayTopicStatusCallbackUrl());
        p.setString(i++, e.callRelayContext());
        p.setString(i++, e.callRelayContextStatusCallbackUrl());
        p.setString(i++, e.callRelayApplication());
        setUuid(p, i++, e.callVideoRoomId());
        p.setString(i++, e.callRelayScriptUrl());
        return i;
    }

    private int bindCredentials(PreparedStatement p, int i, String username, String password) throws SQLException {
        p.setString(i++, realm);
        p.setString(i++, DigestHa1.md5(username, realm, password));
        p.setString(i++, DigestHa1.sha256(username, realm, password));
        return i;
    }

    private static void setUuid(PreparedStatement p, int i, UUID v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.OTHER);
        } else {
            p.setObject(i, v);
        }
    }

    private static SipEndpoint read(ResultSet rs) throws SQLException {
        return SipEndpoint.builder()
                .id(rs.getObject("id", UUID.class))
                .username(rs.getString("username"))
                .callerId(rs.getString("caller_id"))
                .sendAs(rs.getString("send_as"))
                .ciphers(split(rs.getString("ciphers")))
                .codecs(split(rs.getString("codecs")))
                .encryption(rs.getString("encryption"))
                .callHandler(rs.getString("call_handler"))
                .callingHandlerResourceId(rs.getObject("calling_handler_resource_id", UUID.class))
                .callRequestUrl(rs.getString("call_request_url"))
                .callRequestMethod(rs.getString("call_request_method"))
                .callFallbackUrl(rs.getString("call_fallback_url"))
                .callFallbackMethod(rs.getString("call_fallback_method"))
                .callStatusCallbackUrl(rs.getString("call_status_callback_url"))
                .callStatusCallbackMethod(rs.getString("call_status_callback_method"))
                .callLamlApplicationId(rs.getString("call_laml_application_id"))
                .callDialogflowAgentId(rs.getString("call_dialogflow_agent_id"))
                .callRelayTopic(rs.getString("call_relay_topic"))
                .callRelayTopicStatusCallbackUrl(rs.getString("call_relay_topic_status_callback_url"))
                .callRelayContext(rs.getString("call_relay_context"))
                .callRelayContextStatusCallbackUrl(rs.getString("call_relay_context_status_callback_url"))
                .callRelayApplication(rs.getString("call_relay_application"))
                .callVideoRoomId(rs.getObject("call_video_room_id", UUID.class))
                .callRelayScriptUrl(rs.getString("call_relay_script_url"))
                .createdAt(Instant.ofEpochMilli(rs.getLong("created_at")))
                .updatedAt(Instant.ofEpochMilli(rs.getLong("updated_at")))
                .build();
    }

    private static List<String> split(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    /** Users search for what they typed: LIKE's own wildcards in the filter are literal. */
    private static String likePattern(String contains) {
        String escaped = contains.toLowerCase(java.util.Locale.ROOT)
                .replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + escaped + "%";
    }

    private Optional<SipEndpoint> one(String sql, Object arg) {
        List<SipEndpoint> found = many(sql, arg);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private List<SipEndpoint> many(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                List<SipEndpoint> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        } catch (SQLException x) {
            throw new StoreException("endpoint query failed", x);
        }
    }

    private long count(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException x) {
            throw new StoreException("endpoint count failed", x);
        }
    }

    private static StoreException translate(SQLException x, String username) {
        if (UNIQUE_VIOLATION.equals(x.getSQLState())) {
            return new UsernameTakenException(username, x);
        }
        return new StoreException("endpoint write failed", x);
    }
}
