package dev.dialtone.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void trustedPeers_fromAListOrACommaString_commandLineWins(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), ServerConfig.defaults().trustedPeers());
        Path yaml = dir.resolve("dialtone.yaml");
        Files.writeString(yaml, "trustedPeers:\n  - 203.0.113.0/24\n  - 2001:db8::/32\n");
        assertEquals(List.of("203.0.113.0/24", "2001:db8::/32"), parse("--config", yaml.toString()).trustedPeers());
        Path json = dir.resolve("dialtone.json");
        Files.writeString(json, "{\"trustedPeers\": \"10.0.0.0/8, 192.0.2.1\"}");
        assertEquals(List.of("10.0.0.0/8", "192.0.2.1"), parse("--config", json.toString()).trustedPeers());
        assertEquals(List.of("198.51.100.0/24"),
                parse("--config", yaml.toString(), "--trusted-peers", "198.51.100.0/24").trustedPeers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--trusted-peers", "10.0.0.0/8,pbx.example.com"));
        assertEquals("trusted peer 'pbx.example.com' is not an IP address or CIDR block", e.getMessage());
    }

    static ServerConfig parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return ServerConfig.defaults().overlay(cmd.config).overlay(cmd);
    }
}
