package dev.dialtone.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerConfigTest {

    @Test
    void dbUrl_defaultsToAnH2FileInTheDataDir_andRealmToTheAdvertisedHost() {
        ServerConfig c = ServerConfig.defaults().withDataDir(Path.of("/srv/dialtone"));
        assertEquals("jdbc:h2:file:/srv/dialtone/dialtone;DB_CLOSE_ON_EXIT=FALSE", c.effectiveDbUrl());
        ServerConfig advertised = parse("--sip-advertise", "pbx.example.com");
        assertEquals("pbx.example.com", advertised.effectiveSipRealm());
        assertEquals("10.1.2.3", parse("--sip-host", "10.1.2.3").effectiveSipRealm());
    }

    @Test
    void commandLine_setsDbUrlAndRealm_overTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dialtone.yaml");
        Files.writeString(file, "dbUrl: jdbc:postgresql://db.example/dialtone\nsipRealm: file.realm\n");
        ServerConfig fromFile = parse("--config", file.toString());
        assertEquals("jdbc:postgresql://db.example/dialtone", fromFile.effectiveDbUrl());
        assertEquals("file.realm", fromFile.effectiveSipRealm());
        ServerConfig overridden = parse("--config", file.toString(), "--db-url", "jdbc:h2:mem:x", "--sip-realm", "cli.realm");
        assertEquals("jdbc:h2:mem:x", overridden.effectiveDbUrl());
        assertEquals("cli.realm", overridden.effectiveSipRealm());
    }

    @Test
    void unsupportedDbUrl_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--db-url", "jdbc:mysql://db/dialtone"));
        assertEquals("dbUrl must start with jdbc:h2: or jdbc:postgresql:", e.getMessage());
    }

    static ServerConfig parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return ServerConfig.defaults().overlay(cmd.config).overlay(cmd);
    }
}
