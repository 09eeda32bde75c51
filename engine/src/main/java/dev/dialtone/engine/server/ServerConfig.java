package dev.dialtone.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dialtone.engine.registrar.TrustedPeers;
import dev.dialtone.engine.store.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The server's settings (INTERFACES §1). Built from the embedded defaults, then a config file, then the
 * command line, each layer overriding the one before.
 */
public record ServerConfig(
        String sipHost,
        String sipAdvertise,
        int sipPort,
        int tlsPort,
        Path tlsCert,
        Path tlsKey,
        int httpPort,
        Path dataDir,
        String inboundUrl,
        String inboundMethod,
        int rtpPortLow,
        int rtpPortHigh,
        String projectId,
        String apiToken,
        String dbUrl,
        String sipRealm,
        List<String> trustedPeers) {

    public ServerConfig {
        trustedPeers = trustedPeers == null ? List.of() : List.copyOf(trustedPeers);
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", null, 5060, 5061, null, null, 8080, Path.of("data"),
                null, "POST", 20000, 29999, null, null, null, null, List.of());
    }

    /** This configuration serving HTTP on {@code host:port}, e.g. {@code 127.0.0.1:0} in tests. */
    public ServerConfig withHttp(String host, int port) {
        return new ServerConfig(host, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, port, dataDir, inboundUrl,
                inboundMethod, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    /** This configuration with SIP on {@code host} (0 picks free ports; a TLS port of 0 disables TLS) and RTP ports. */
    public ServerConfig withSip(String host, int port, int tls, int rtpLow, int rtpHigh) {
        return new ServerConfig(host, sipAdvertise, port, tls, tlsCert, tlsKey, httpPort, dataDir, inboundUrl,
                inboundMethod, rtpLow, rtpHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    public ServerConfig withInbound(String url, String method) {
        return new ServerConfig(sipHost, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, httpPort, dataDir, url,
                method, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(sipHost, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, httpPort, dir, inboundUrl,
                inboundMethod, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    public ServerConfig withCredentials(String projectId, String apiToken) {
        return new ServerConfig(sipHost, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, httpPort, dataDir,
                inboundUrl, inboundMethod, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    public ServerConfig withDb(String dbUrl, String sipRealm) {
        return new ServerConfig(sipHost, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, httpPort, dataDir,
                inboundUrl, inboundMethod, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm, trustedPeers).validated();
    }

    /** Only these sources may place calls without authenticating as an endpoint (CIDR blocks; empty: anyone). */
    public ServerConfig withTrustedPeers(List<String> cidrs) {
        return new ServerConfig(sipHost, sipAdvertise, sipPort, tlsPort, tlsCert, tlsKey, httpPort, dataDir,
                inboundUrl, inboundMethod, rtpPortLow, rtpPortHigh, projectId, apiToken, dbUrl, sipRealm,
                cidrs).validated();
    }

    /** The database: {@code dbUrl} when set, else an embedded H2 file in the data directory. */
    public String effectiveDbUrl() {
        return dbUrl != null ? dbUrl : Database.h2FileUrl(dataDir);
    }

    /** The digest realm of SIP endpoints' credentials: {@code sipRealm} when set, else the advertised host. */
    public String effectiveSipRealm() {
        return sipRealm != null ? sipRealm : advertisedHost();
    }

    /** {@code sipAdvertise}, else the bound address, else for a wildcard bind the first non-loopback address. */
    public String advertisedHost() {
        if (sipAdvertise != null) {
            return sipAdvertise;
        }
        if (!sipHost.equals("0.0.0.0") && !sipHost.equals("::")) {
            return sipHost;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to ask: fall back to loopback, the one address every host has
        }
        return "127.0.0.1";
    }

    ServerConfig overlay(Path file) {
        if (file == null) {
            return this;
        }
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode n;
        try {
            n = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("config " + file + " must be a mapping of option names to values");
        }
        int[] rtp = n.has("rtpPorts") ? parseRange(n.get("rtpPorts").asText()) : new int[] {rtpPortLow, rtpPortHigh};
        return new ServerConfig(
                text(n, "sipHost", sipHost), text(n, "sipAdvertise", sipAdvertise),
                integer(n, "sipPort", sipPort), integer(n, "tlsPort", tlsPort),
                path(n, "tlsCert", tlsCert), path(n, "tlsKey", tlsKey),
                integer(n, "httpPort", httpPort), path(n, "dataDir", dataDir),
                text(n, "inboundUrl", inboundUrl), text(n, "inboundMethod", inboundMethod),
                rtp[0], rtp[1], text(n, "projectId", projectId), text(n, "apiToken", apiToken),
                text(n, "dbUrl", dbUrl), text(n, "sipRealm", sipRealm), list(n, "trustedPeers", trustedPeers))
                .validated();
    }

    ServerConfig overlay(ServeCommand c) {
        int[] rtp = c.rtpPorts != null ? parseRange(c.rtpPorts) : new int[] {rtpPortLow, rtpPortHigh};
        return new ServerConfig(
                or(c.sipHost, sipHost), or(c.sipAdvertise, sipAdvertise),
                or(c.sipPort, sipPort), or(c.tlsPort, tlsPort),
                or(c.tlsCert, tlsCert), or(c.tlsKey, tlsKey),
                or(c.httpPort, httpPort), or(c.dataDir, dataDir),
                or(c.inboundUrl, inboundUrl), or(c.inboundMethod, inboundMethod),
                rtp[0], rtp[1], or(c.projectId, projectId), or(c.apiToken, apiToken),
                or(c.dbUrl, dbUrl), or(c.sipRealm, sipRealm),
                c.trustedPeers != null ? splitList(c.trustedPeers) : trustedPeers).validated();
    }

    ServerConfig validated() {
        checkPort("sipPort", sipPort, true);
        checkPort("tlsPort", tlsPort, true);
        checkPort("httpPort", httpPort, true);
        if (!"POST".equalsIgnoreCase(inboundMethod) && !"GET".equalsIgnoreCase(inboundMethod)) {
            throw new IllegalArgumentException("inboundMethod must be POST or GET, not " + inboundMethod);
        }
        if (dbUrl != null && !dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("dbUrl must start with jdbc:h2: or jdbc:postgresql:");
        }
        if ((projectId != null && projectId.isBlank()) || (apiToken != null && apiToken.isBlank())) {
            throw new IllegalArgumentException("--project-id and --api-token must not be blank");
        }
        TrustedPeers.parse(trustedPeers);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return this;
    }

    private static void checkPort(String name, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(name + " out of range: " + port);
        }
    }

    static int[] parseRange(String s) {
        String[] parts = s.trim().split("-");
        try {
            if (parts.length == 2) {
                int lo = Integer.parseInt(parts[0].trim());
                int hi = Integer.parseInt(parts[1].trim());
                if (lo > 0 && hi <= 65535 && lo < hi) {
                    return new int[] {lo, hi};
                }
            }
        } catch (NumberFormatException ignored) {
            // falls through to the precise error below
        }
        throw new IllegalArgumentException("rtp-ports must be LO-HI with 0 < LO < HI <= 65535, not '" + s + "'");
    }

    private static String text(JsonNode n, String key, String dflt) {
        return n.hasNonNull(key) ? n.get(key).asText() : dflt;
    }

    /** A YAML/JSON list of strings, or one comma-separated string. */
    private static List<String> list(JsonNode n, String key, List<String> dflt) {
        if (!n.hasNonNull(key)) {
            return dflt;
        }
        JsonNode v = n.get(key);
        if (!v.isArray()) {
            return splitList(v.asText());
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.addAll(splitList(e.asText())));
        return out;
    }

    static List<String> splitList(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static int integer(JsonNode n, String key, int dflt) {
        return n.hasNonNull(key) ? n.get(key).asInt() : dflt;
    }

    private static Path path(JsonNode n, String key, Path dflt) {
        return n.hasNonNull(key) ? Path.of(n.get(key).asText()) : dflt;
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }
}
