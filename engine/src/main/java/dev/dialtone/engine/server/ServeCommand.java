package dev.dialtone.engine.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dialtone.jar serve}: the standalone call server (INTERFACES §1). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the call server.")
final class ServeCommand implements Callable<Integer> {

    private static volatile boolean serving;

    @Option(names = "--config", description = "YAML or JSON file; keys are the long options in camelCase")
    Path config;
    @Option(names = "--sip-host", description = "address the SIP listeners bind (default ${DEFAULT-VALUE})")
    String sipHost;
    @Option(names = "--sip-advertise", description = "address written into Via, Contact and SDP")
    String sipAdvertise;
    @Option(names = "--sip-port", description = "UDP and TCP listener")
    Integer sipPort;
    @Option(names = "--tls-port", description = "TLS listener; 0 disables")
    Integer tlsPort;
    @Option(names = "--tls-cert", description = "PEM certificate chain")
    Path tlsCert;
    @Option(names = "--tls-key", description = "PEM private key")
    Path tlsKey;
    @Option(names = "--http-port", description = "REST API, /health, /metrics")
    Integer httpPort;
    @Option(names = "--data-dir", description = "embedded database, credentials, TLS material")
    Path dataDir;
    @Option(names = "--inbound-url", description = "cXML for inbound calls (http, https or file:)")
    String inboundUrl;
    @Option(names = "--inbound-method", description = "POST or GET")
    String inboundMethod;
    @Option(names = "--rtp-ports", description = "UDP port range for media relay, LO-HI")
    String rtpPorts;
    @Option(names = "--project-id", description = "REST project id (generated on first start)")
    String projectId;
    @Option(names = "--api-token", description = "REST API token (generated on first start)")
    String apiToken;
    @Option(names = "--db-url", description = "jdbc:h2:... or jdbc:postgresql://host/db?user=..&password=.. "
            + "(default: embedded H2 file in the data directory)")
    String dbUrl;
    @Option(names = "--sip-realm", description = "digest realm of SIP endpoint credentials (default: the advertised SIP host)")
    String sipRealm;

    @Option(names = "--trusted-peers", paramLabel = "CIDR,...",
            description = "only these sources may call without authenticating as an endpoint (default: any)")
    String trustedPeers;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = ServerConfig.defaults().overlay(config).overlay(this);
        DialtoneServer server = new DialtoneServer(cfg);
        server.start();
        serving = true;
        System.out.println(server.startupLine());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "dialtone-shutdown"));
        stopped.await();
        return 0;
    }
}
