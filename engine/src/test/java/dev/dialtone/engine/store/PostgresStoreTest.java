package dev.dialtone.engine.store;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same store suite on PostgreSQL, to keep the SQL portable. Runs only when {@code DIALTONE_TEST_PG_URL}
 * names an empty database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/dialtone_test?user=dialtone&password=..};
 * otherwise JUnit reports it as skipped. Each test drops the tables it created.
 */
@EnabledIfEnvironmentVariable(named = "DIALTONE_TEST_PG_URL", matches = "jdbc:postgresql:.+",
        disabledReason = "set DIALTONE_TEST_PG_URL=jdbc:postgresql://... to run the store suite on PostgreSQL")
class PostgresStoreTest extends StoreContract {
    @Override
    String jdbcUrl() {
        return System.getenv("DIALTONE_TEST_PG_URL");
    }
}
