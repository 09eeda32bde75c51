package dev.dialtone.engine.store;

import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The engine's SQL database: an embedded H2 file by default, or a PostgreSQL server shared by several nodes.
 * Opening it applies the pending schema migrations; the stores take it as their constructor argument.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int MAX_CONNECTIONS = 8;

    private final String url;
    private final JdbcConnectionPool pool;
    private final int schemaVersion;

    private Database(String url, JdbcConnectionPool pool) {
        this.url = url;
        this.pool = pool;
        try {
            this.schemaVersion = new Migrations(pool).apply();
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new StoreException("cannot migrate " + redacted(url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code jdbc:h2:...} or {@code jdbc:postgresql://host/db?user=..&password=..} and migrates its schema.
     *
     * @throws StoreException when the database cannot be reached or migrated
     * @throws IllegalArgumentException for any other kind of URL
     */
    public static Database open(String jdbcUrl) {
        JdbcConnectionPool pool;
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            pool = JdbcConnectionPool.create(jdbcUrl, "", "");
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
            pg.setURL(jdbcUrl);
            pool = JdbcConnectionPool.create(pg);
        } else {
            throw new IllegalArgumentException("unsupported database URL (jdbc:h2: or jdbc:postgresql:): "
                    + redacted(jdbcUrl));
        }
        pool.setMaxConnections(MAX_CONNECTIONS);
        Database db = new Database(jdbcUrl, pool);
        log.info("Database {} at schema version {}", redacted(jdbcUrl), db.schemaVersion);
        return db;
    }

    /**
     * The default: an H2 file {@code dialtone.mv.db} in the data directory. H2 would close it from its own
     * shutdown hook, possibly before the server's hook has answered the requests in flight; {@link #close} does.
     */
    public static String h2FileUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("dialtone") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The highest migration applied. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** The URL without its password, for logs. */
    public String describe() {
        return redacted(url);
    }

    Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (IllegalStateException disposed) {
            throw new SQLException("database closed", "08003", disposed);
        }
    }

    DataSource dataSource() {
        return pool;
    }

    /** Closes every pooled connection; later operations fail with {@link StoreException}. */
    @Override
    public void close() {
        pool.dispose();
    }

    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
