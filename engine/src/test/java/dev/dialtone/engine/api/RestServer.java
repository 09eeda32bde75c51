package dev.dialtone.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialtone.engine.server.DialtoneServer;
import dev.dialtone.engine.server.ServerConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A real server on 127.0.0.1:0 with a data directory of the test's, and an HTTP client that keeps every body. */
final class RestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REALM = "sip.test.dialtone";

    final DialtoneServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> bodies;
    String authorization;

    RestServer(Path dataDir, List<String> bodies) throws Exception {
        this(ServerConfig.defaults().withHttp("127.0.0.1", 0).withSip("127.0.0.1", 0, 0, 44000, 44999).withDataDir(dataDir).withDb(null, REALM), bodies);
    }

    RestServer(ServerConfig config, List<String> bodies) throws Exception {
        this.bodies = bodies;
        server = new DialtoneServer(config);
        server.start();
        authorization = basic(server.credentials().projectId(), server.credentials().apiToken());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    String base() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    HttpResponse<String> send(String method, String pathOrUrl, String body) throws Exception {
        return send(method, pathOrUrl, body, authorization);
    }

    HttpResponse<String> send(String method, String pathOrUrl, String body, String auth) throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : base() + pathOrUrl;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        return r;
    }

    JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Creates an endpoint and returns its JSON, failing unless the answer is 201. */
    JsonNode create(String body) throws Exception {
        HttpResponse<String> r = send("POST", SipEndpointApi.PATH, body);
        if (r.statusCode() != 201) {
            throw new AssertionError("expected 201, got " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    @Override
    public void close() {
        server.stop();
    }
}
