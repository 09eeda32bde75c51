package dev.dialtone.engine.store;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema: {@code schema_version} records each applied script of {@code db/migration/}; scripts run in
 * order, each once, in its own transaction (PostgreSQL rolls back a failed script; H2 commits DDL as it goes).
 */
final class Migrations {
    /** Append only: a released script is never edited, a change is a new script. */
    static final List<String> SCRIPTS = List.of(
            "V1__sip_endpoints.sql",
            "V2__registration_bindings.sql");

    /** An arbitrary key for PostgreSQL's advisory lock: "Dialtone" in ASCII. */
    private static final long ADVISORY_LOCK = 0x4469616c746f6e65L;

    private final DataSource dataSource;

    Migrations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Applies the pending scripts and returns the schema version now in place. */
    int apply() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().equals("PostgreSQL");
            if (postgres) {
                // Nodes sharing one PostgreSQL may start together: one migrates, the others wait and find it done.
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
                }
            }
            try {
                return applyLocked(c);
            } finally {
                if (postgres) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
                    }
                }
            }
        }
    }

    private static int applyLocked(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int current = current(c);
        if (current > SCRIPTS.size()) {
            throw new SQLException("the database is at schema version " + current + ", newer than this Dialtone ("
                    + SCRIPTS.size() + "): upgrade Dialtone");
        }
        for (int i = current; i < SCRIPTS.size(); i++) {
            applyOne(c, i + 1, SCRIPTS.get(i));
        }
        return SCRIPTS.size();
    }

    private static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void applyOne(Connection c, int version, String script) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                for (String sql : statements(read(script))) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                p.setInt(1, version);
                p.setString(2, script);
                p.setLong(3, System.currentTimeMillis());
                p.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("migration " + script + " failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the jar: " + script);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script at semicolons ending a line, dropping {@code --} comment lines; scripts keep to that form. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
