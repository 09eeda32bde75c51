package dev.dialtone.engine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store suite on the embedded default: an H2 file in a temporary data directory. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path dataDir;

    @Override
    String jdbcUrl() {
        return Database.h2FileUrl(dataDir);
    }

    @Test
    void defaultDatabase_isAFileInTheDataDirectory() {
        assertTrue(Files.exists(dataDir.resolve("dialtone.mv.db")));
    }
}
