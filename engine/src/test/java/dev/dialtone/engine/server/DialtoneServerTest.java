package dev.dialtone.engine.server;

import dev.dialtone.engine.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialtoneServerTest {

    @Test
    void unreachableDatabase_failsStartup_withTheUrlButNotItsPassword(@TempDir Path dataDir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/dialtone?user=dialtone&password=hunter2";
        DialtoneServer server = new DialtoneServer(ServerConfig.defaults().withHttp("127.0.0.1", 0).withSip("127.0.0.1", 0, 0, 44000, 44999)
                .withDataDir(dataDir).withDb(url, "realm"));
        StoreException e = assertThrows(StoreException.class, server::start);
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort + "/dialtone?user=dialtone&password=***"),
                e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
