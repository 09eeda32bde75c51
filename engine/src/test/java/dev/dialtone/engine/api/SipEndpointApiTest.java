package dev.dialtone.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialtone.engine.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.dialtone.engine.api.SipEndpointApi.PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API over real HTTP against the real server (INTERFACES §3, seeds/001, seeds/004). */
class SipEndpointApiTest {
    static final String PASSWORD = "s3cret-Passw0rd";
    static final String NEW_PASSWORD = "an0ther-Secret!";
    /** seeds/001 SipEndpointResponse: every required property, plus the timestamps Dialtone adds. */
    static final Set<String> RESPONSE_FIELDS = Set.of("type", "id", "username", "caller_id", "send_as", "ciphers",
            "codecs", "encryption", "call_handler", "calling_handler_resource_id", "call_request_url",
            "call_request_method", "call_fallback_url", "call_fallback_method", "call_status_callback_url",
            "call_status_callback_method", "call_laml_application_id", "call_dialogflow_agent_id", "call_relay_topic",
            "call_relay_topic_status_callback_url", "call_relay_context", "call_relay_context_status_callback_url",
            "call_relay_application", "call_video_room_id", "call_relay_script_url", "created_at", "updated_at");

    @TempDir
    Path dataDir;
    final List<String> bodies = new ArrayList<>();
    RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer(dataDir, bodies);
    }

    @AfterEach
    void stopAndCheckNoPasswordWasEverReturned() {
        rest.close();
        for (String body : bodies) {
            assertFalse(body.contains(PASSWORD) || body.contains(NEW_PASSWORD), "a response carried a password: " + body);
            assertFalse(body.contains("\"password\":"), "a response had a password field: " + body);
        }
    }

    static String endpoint(String username) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}";
    }

    @Test
    void health_needsNoCredentials() throws Exception {
        HttpResponse<String> r = rest.send("GET", "/health", null, null);
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"ok\"}", r.body());
    }

    @Test
    void missingOrWrongCredentials_are401_exactlyAsTheSeed() throws Exception {
        String wrongToken = RestServer.basic(rest.server.credentials().projectId(), "PTwrong");
        String wrongProject = RestServer.basic("someone-else", rest.server.credentials().apiToken());
        for (String auth : new String[] {null, wrongToken, wrongProject, "Basic !!notbase64", "Bearer x"}) {
            for (String path : new String[] {PATH, PATH + "/" + UUID.randomUUID(), "/metrics", "/nowhere"}) {
                HttpResponse<String> r = rest.send("GET", path, null, auth);
                assertEquals(401, r.statusCode(), path + " with " + auth);
                assertEquals("{\"error\":\"Unauthorized\"}", r.body());
                assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
            }
        }
        assertEquals(401, rest.send("POST", PATH, endpoint("alice"), null).statusCode());
        assertEquals(0, rest.server.endpoints().count());
    }

    @Test
    void unknownRouteAndUnknownId_are404_exactlyAsTheSeed() throws Exception {
        for (String path : new String[] {"/nowhere", "/api/relay/rest/endpoints/sipx", PATH + "/" + UUID.randomUUID(),
                PATH + "/not-a-uuid", PATH + "/" + UUID.randomUUID() + "/more"}) {
            HttpResponse<String> r = rest.send("GET", path, null);
            assertEquals(404, r.statusCode(), path);
            assertEquals("{\"error\":\"Not Found\"}", r.body());
        }
        String missing = PATH + "/" + UUID.randomUUID();
        assertEquals(404, rest.send("PUT", missing, "{\"caller_id\":\"x\"}").statusCode());
        assertEquals(404, rest.send("DELETE", missing, null).statusCode());
    }

    @Test
    void create_is201_withEveryFieldOfTheResponse_andTheDefaults() throws Exception {
        HttpResponse<String> r = rest.send("POST", PATH, endpoint("alice"));
        assertEquals(201, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode e = rest.json(r);
        Set<String> fields = new LinkedHashSet<>();
        e.fieldNames().forEachRemaining(fields::add);
        assertEquals(RESPONSE_FIELDS, fields);
        assertEquals("sip_endpoint", e.get("type").asText());
        assertEquals(e.get("id").asText(), UUID.fromString(e.get("id").asText()).toString());
        assertEquals("alice", e.get("username").asText());
        assertTrue(e.get("caller_id").isNull());
        assertTrue(e.get("send_as").isNull());
        assertEquals(0, e.get("ciphers").size());
        assertEquals(0, e.get("codecs").size());
        assertEquals("default", e.get("encryption").asText());
        assertTrue(e.get("call_handler").isNull());
        assertEquals("POST", e.get("call_request_method").asText());
        assertEquals("POST", e.get("call_fallback_method").asText());
        assertEquals("POST", e.get("call_status_callback_method").asText());
        assertTrue(e.get("call_request_url").isNull());
        assertTrue(e.get("created_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(e.get("created_at"), e.get("updated_at"));

        HttpResponse<String> got = rest.send("GET", PATH + "/" + e.get("id").asText(), null);
        assertEquals(200, got.statusCode());
        assertEquals(e, rest.json(got));
    }

    @Test
    void create_storesDigestCredentials_notThePassword() throws Exception {
        rest.create(endpoint("alice"));
        String md5 = md5hex("alice:" + RestServer.REALM + ":" + PASSWORD);
        assertEquals(Optional.of(md5), rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"));
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(PASSWORD), "password stored in " + f);
            }
        }
    }

    @Test
    void create_withEverySetting_keepsCodecOrder_andReturnsWhatWasSent() throws Exception {
        UUID room = UUID.randomUUID();
        JsonNode e = rest.create("""
                {"username":"bob","password":"%s","caller_id":"Bob Desk","send_as":"+15550100",
                 "ciphers":["AES_CM_128_HMAC_SHA1_80","AEAD_AES_256_GCM_8"],"codecs":["PCMA","OPUS","G722"],
                 "encryption":"required","call_handler":"laml_webhooks",
                 "call_request_url":"https://example.test/voice","call_request_method":"GET",
                 "call_fallback_url":"http://example.test/fallback","call_status_callback_url":"https://example.test/s",
                 "call_status_callback_method":"POST","call_video_room_id":"%s",
                 "id":"ignored","type":"ignored","created_at":"ignored"}
                """.formatted(PASSWORD, room));
        assertEquals("[\"PCMA\",\"OPUS\",\"G722\"]", e.get("codecs").toString());
        assertEquals("[\"AES_CM_128_HMAC_SHA1_80\",\"AEAD_AES_256_GCM_8\"]", e.get("ciphers").toString());
        assertEquals("required", e.get("encryption").asText());
        assertEquals("laml_webhooks", e.get("call_handler").asText());
        assertEquals("https://example.test/voice", e.get("call_request_url").asText());
        assertEquals("GET", e.get("call_request_method").asText());
        assertEquals(room.toString(), e.get("call_video_room_id").asText());
        assertEquals("Bob Desk", e.get("caller_id").asText());
        assertEquals("+15550100", e.get("send_as").asText());
        assertEquals("sip_endpoint", e.get("type").asText());
        assertNotEquals("ignored", e.get("id").asText());
    }

    static Stream<Arguments> invalidBodies() {
        String p = "\"password\":\"" + PASSWORD + "\"";
        return Stream.of(
                Arguments.of("{" + p + "}", "missing_required_field", "username is required"),
                Arguments.of("{\"username\":\"\"," + p + "}", "missing_required_field", "username is required"),
                Arguments.of("{\"username\":\"carol\"}", "missing_required_field", "password is required"),
                Arguments.of("{\"username\":\"ca rol\"," + p + "}", "invalid_value", "username must not contain white space or @"),
                Arguments.of("{\"username\":\"carol\\t\"," + p + "}", "invalid_value", "username must not contain white space or @"),
                Arguments.of("{\"username\":\"carol@example.com\"," + p + "}", "invalid_value", "username must not contain white space or @"),
                Arguments.of("{\"username\":\"carol:1\"," + p + "}", "invalid_value", "username may only contain"),
                Arguments.of("{\"username\":42," + p + "}", "invalid_type", "username must be a string"),
                Arguments.of("{\"username\":\"" + "u".repeat(129) + "\"," + p + "}", "too_long", "username must be at most 128"),
                Arguments.of("{\"username\":\"carol\",\"password\":\"short\"}", "too_short", "password must be at least 8 characters"),
                Arguments.of("{\"username\":\"carol\",\"password\":12345678}", "invalid_type", "password must be a string"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"codecs\":[\"G729\"]}", "invalid_value", "codecs has 'G729', not one of OPUS, G722, PCMU, PCMA, VP8, H264"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"codecs\":\"PCMU\"}", "invalid_type", "codecs must be an array of strings"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"codecs\":[\"PCMU\",\"PCMU\"]}", "invalid_value", "codecs lists 'PCMU' twice"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"ciphers\":[\"AES_CM_128_NULL_AUTH\"]}", "invalid_value", "ciphers has 'AES_CM_128_NULL_AUTH'"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"encryption\":\"always\"}", "invalid_value", "encryption must be one of default, required, optional"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"encryption\":null}", "invalid_type", "encryption must be one of"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_handler\":\"pbx\"}", "invalid_value", "call_handler must be one of relay_context"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_handler\":\"laml_webhooks\"}", "missing_required_field", "call_request_url is required when call_handler is laml_webhooks"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_handler\":\"relay_context\"}", "missing_required_field", "call_relay_context is required when call_handler is relay_context"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_request_url\":\"ftp://example.test/x\"}", "invalid_value", "call_request_url must be an absolute http or https URL"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_fallback_url\":\"/relative\"}", "invalid_value", "call_fallback_url must be an absolute http or https URL"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_status_callback_url\":\"http://\"}", "invalid_value", "call_status_callback_url"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_request_method\":\"PUT\"}", "invalid_value", "call_request_method must be one of GET, POST"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"call_fallback_method\":\"get\"}", "invalid_value", "call_fallback_method must be one of GET, POST"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"caller_id\":7}", "invalid_type", "caller_id must be a string or null"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"calling_handler_resource_id\":\"nope\"}", "invalid_value", "calling_handler_resource_id must be a UUID"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"codec\":[\"PCMU\"]}", "unknown_field", "codec is not a field of a SIP endpoint"),
                Arguments.of("{\"username\":\"carol\"," + p + ",}", "invalid_json", "at line 1, column"),
                Arguments.of("{\"username\":\"carol\"," + p + ",\"username\":\"dave\"}", "invalid_json", "Duplicate field 'username'"),
                Arguments.of("[\"username\"]", "invalid_json", "expected a JSON object, got array"),
                Arguments.of("{\"username\":\"carol\"," + p + "} {}", "invalid_json", "Trailing token"),
                Arguments.of("", "invalid_json", "the body is empty"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidBodies")
    void create_invalid_is422_withTheSeedsErrorItem(String body, String code, String detail) throws Exception {
        HttpResponse<String> r = rest.send("POST", PATH, body);
        assertEquals(422, r.statusCode(), r.body());
        JsonNode errors = rest.json(r).get("errors");
        JsonNode item = errors.get(0);
        assertEquals(Set.of("detail", "status", "title", "code"), names(item), r.body());
        assertEquals("422", item.get("status").asText());
        assertEquals(code, item.get("code").asText(), r.body());
        assertTrue(item.get("detail").asText().contains(detail), item.get("detail").asText());
        assertFalse(item.get("title").asText().isEmpty());
        assertEquals(0, rest.server.endpoints().count());
    }

    @Test
    void create_reportsEveryProblem_notJustTheFirst() throws Exception {
        HttpResponse<String> r = rest.send("POST", PATH, "{\"codecs\":[\"G729\"],\"encryption\":\"x\"}");
        assertEquals(422, r.statusCode());
        List<String> codes = new ArrayList<>();
        rest.json(r).get("errors").forEach(e -> codes.add(e.get("code").asText()));
        assertEquals(List.of("invalid_value", "invalid_value", "missing_required_field", "missing_required_field"), codes);
    }

    @Test
    void create_takenUsername_is422() throws Exception {
        rest.create(endpoint("alice"));
        HttpResponse<String> r = rest.send("POST", PATH, endpoint("alice"));
        assertEquals(422, r.statusCode());
        JsonNode item = rest.json(r).get("errors").get(0);
        assertEquals("already_taken", item.get("code").asText());
        assertEquals("username 'alice' is already taken", item.get("detail").asText());
        assertEquals(1, rest.server.endpoints().count());
    }

    @Test
    void concurrentCreates_ofOneUsername_giveOne201_andTheRest422() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(rest.client.sendAsync(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(rest.base() + PATH))
                    .header("Authorization", rest.authorization)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(endpoint("alice"))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var f : inFlight) {
            HttpResponse<String> r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            bodies.add(r.body());
            statuses.add(r.statusCode());
            if (r.statusCode() == 422) {
                assertEquals("already_taken", rest.json(r).get("errors").get(0).get("code").asText());
            }
        }
        assertEquals(1, statuses.stream().filter(st -> st == 201).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(st -> st == 422).count(), statuses.toString());
        assertEquals(1, rest.server.endpoints().count());
    }

    @Test
    void update_isPartial_onlyFieldsPresentChange() throws Exception {
        JsonNode before = rest.create("""
                {"username":"alice","password":"%s","caller_id":"Alice","codecs":["OPUS","PCMU"],
                 "call_handler":"laml_webhooks","call_request_url":"https://example.test/a"}""".formatted(PASSWORD));
        String id = before.get("id").asText();
        HttpResponse<String> r = rest.send("PUT", PATH + "/" + id, "{\"caller_id\":\"Front Desk\",\"send_as\":null}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode after = rest.json(r);
        for (String field : RESPONSE_FIELDS) {
            if (field.equals("caller_id") || field.equals("updated_at")) {
                continue;
            }
            assertEquals(before.get(field), after.get(field), field);
        }
        assertEquals("Front Desk", after.get("caller_id").asText());
        assertEquals(after, rest.json(rest.send("GET", PATH + "/" + id, null)));
        assertEquals(Optional.of(md5hex("alice:" + RestServer.REALM + ":" + PASSWORD)),
                rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"), "credentials untouched");

        HttpResponse<String> cleared = rest.send("PUT", PATH + "/" + id, "{\"codecs\":[],\"call_handler\":null}");
        assertEquals("[]", rest.json(cleared).get("codecs").toString());
        assertTrue(rest.json(cleared).get("call_handler").isNull());
    }

    @Test
    void update_validatesLikeCreate_andTheMergedResult() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        HttpResponse<String> r = rest.send("PUT", PATH + "/" + id, "{\"call_handler\":\"laml_webhooks\"}");
        assertEquals(422, r.statusCode());
        assertEquals("call_request_url is required when call_handler is laml_webhooks",
                rest.json(r).get("errors").get(0).get("detail").asText());
        r = rest.send("PUT", PATH + "/" + id, "{\"password\":\"short\"}");
        assertEquals("too_short", rest.json(r).get("errors").get(0).get("code").asText());
        r = rest.send("PUT", PATH + "/" + id, "not json");
        assertEquals("invalid_json", rest.json(r).get("errors").get(0).get("code").asText());
        rest.create(endpoint("bob"));
        r = rest.send("PUT", PATH + "/" + id, "{\"username\":\"bob\",\"password\":\"" + NEW_PASSWORD + "\"}");
        assertEquals("already_taken", rest.json(r).get("errors").get(0).get("code").asText());
        assertEquals("alice", rest.json(rest.send("GET", PATH + "/" + id, null)).get("username").asText());
    }

    @Test
    void update_password_recomputesDigests() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        assertEquals(200, rest.send("PUT", PATH + "/" + id, "{\"password\":\"" + NEW_PASSWORD + "\"}").statusCode());
        assertEquals(Optional.of(md5hex("alice:" + RestServer.REALM + ":" + NEW_PASSWORD)),
                rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"));
    }

    @Test
    void update_username_needsThePassword() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        HttpResponse<String> r = rest.send("PUT", PATH + "/" + id, "{\"username\":\"alice2\"}");
        assertEquals(422, r.statusCode());
        JsonNode item = rest.json(r).get("errors").get(0);
        assertEquals("missing_required_field", item.get("code").asText());
        assertTrue(item.get("detail").asText().startsWith("password is required when username changes"));

        assertEquals(200, rest.send("PUT", PATH + "/" + id, "{\"username\":\"alice\"}").statusCode(),
                "the same username is no change");
        r = rest.send("PUT", PATH + "/" + id, "{\"username\":\"alice2\",\"password\":\"" + NEW_PASSWORD + "\"}");
        assertEquals(200, r.statusCode());
        assertEquals("alice2", rest.json(r).get("username").asText());
        assertEquals(Optional.empty(), rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"));
        assertEquals(Optional.of(md5hex("alice2:" + RestServer.REALM + ":" + NEW_PASSWORD)),
                rest.server.endpoints().ha1("alice2", RestServer.REALM, "MD5"));
    }

    @Test
    void delete_is204_thenTheEndpointIs404() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        HttpResponse<String> r = rest.send("DELETE", PATH + "/" + id, null);
        assertEquals(204, r.statusCode());
        assertEquals("", r.body());
        assertEquals(404, rest.send("GET", PATH + "/" + id, null).statusCode());
        assertEquals(404, rest.send("DELETE", PATH + "/" + id, null).statusCode());
        assertEquals(Optional.empty(), rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"));
    }

    @Test
    void otherMethods_are405() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        HttpResponse<String> r = rest.send("PATCH", PATH + "/" + id, "{}");
        assertEquals(405, r.statusCode());
        assertEquals("GET, PUT, DELETE", r.headers().firstValue("Allow").orElse(""));
        assertEquals(405, rest.send("DELETE", PATH, null).statusCode());
    }

    @Test
    void list_isNewestFirst_withBothFilters() throws Exception {
        rest.create("{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\",\"caller_id\":\"Front Desk\"}");
        rest.create("{\"username\":\"bob\",\"password\":\"" + PASSWORD + "\",\"caller_id\":\"Back Office\"}");
        rest.create("{\"username\":\"malice\",\"password\":\"" + PASSWORD + "\",\"caller_id\":\"Front Office\"}");

        assertEquals(List.of("malice", "bob", "alice"), usernames(rest.send("GET", PATH, null)));
        assertEquals(List.of("malice", "alice"), usernames(rest.send("GET", PATH + "?filter_username=lic", null)));
        assertEquals(List.of("malice", "bob"), usernames(rest.send("GET", PATH + "?filter_caller_id=Office", null)));
        assertEquals(List.of("malice"),
                usernames(rest.send("GET", PATH + "?filter_username=ALI&filter_caller_id=front%20office", null)));
        assertEquals(List.of(), usernames(rest.send("GET", PATH + "?filter_username=zed", null)));

        JsonNode page = rest.json(rest.send("GET", PATH + "?filter_username=lic", null));
        assertEquals(RESPONSE_FIELDS, names(page.get("data").get(0)));
        String self = page.get("links").get("self").asText();
        assertTrue(self.startsWith(rest.base() + PATH + "?filter_username=lic&page_number=0&page_size=50&page_token=PA"),
                self);
        assertTrue(page.get("links").get("next").isNull());
        assertTrue(page.get("links").get("prev").isNull());
    }

    @Test
    void list_pageSize_isValidated() throws Exception {
        for (String bad : new String[] {"0", "1001", "ten", "-1"}) {
            HttpResponse<String> r = rest.send("GET", PATH + "?page_size=" + bad, null);
            assertEquals(422, r.statusCode(), bad);
            JsonNode item = rest.json(r).get("errors").get(0);
            assertEquals("invalid_parameter", item.get("code").asText());
            assertEquals("page_size must be an integer from 1 to 1000, not '" + bad + "'", item.get("detail").asText());
        }
        for (String bad : new String[] {"bogus", "PA", "PAzzzzzzzzzzzzz", "PA-1"}) {
            HttpResponse<String> r = rest.send("GET", PATH + "?page_token=" + bad, null);
            assertEquals(422, r.statusCode(), bad);
            assertEquals("page_token is not a token from this API's links: '" + bad + "'",
                    rest.json(r).get("errors").get(0).get("detail").asText());
        }
        assertEquals(422, rest.send("GET", PATH + "?page_number=x", null).statusCode());
        assertEquals(200, rest.send("GET", PATH + "?page_size=1000", null).statusCode());
    }

    @Test
    void list_pagesAcrossThreePages_followingLinks_unshiftedByNewEndpoints() throws Exception {
        for (int i = 1; i <= 7; i++) {
            rest.create(endpoint("user" + i));
        }
        JsonNode p1 = rest.json(rest.send("GET", PATH + "?page_size=3", null));
        assertEquals(List.of("user7", "user6", "user5"), usernames(p1));
        assertTrue(p1.get("links").get("prev").isNull());
        rest.create(endpoint("user8"));

        JsonNode p2 = rest.json(rest.send("GET", p1.get("links").get("next").asText(), null));
        assertEquals(List.of("user4", "user3", "user2"), usernames(p2));
        JsonNode p3 = rest.json(rest.send("GET", p2.get("links").get("next").asText(), null));
        assertEquals(List.of("user1"), usernames(p3));
        assertTrue(p3.get("links").get("next").isNull());

        JsonNode back = rest.json(rest.send("GET", p3.get("links").get("prev").asText(), null));
        assertEquals(usernames(p2), usernames(back));
        JsonNode first = rest.json(rest.send("GET", p3.get("links").get("first").asText(), null));
        assertEquals(usernames(p1), usernames(first));
        assertEquals(p2.get("links").get("self"), back.get("links").get("self"));

        assertEquals(List.of("user8", "user7", "user6"), usernames(rest.send("GET", PATH + "?page_size=3", null)));
        assertEquals(8, rest.json(rest.send("GET", PATH, null)).get("data").size(), "the default page holds all 8");
    }

    @Test
    void databaseFailure_is500_exactlyAsTheSeed() throws Exception {
        String id = rest.create(endpoint("alice")).get("id").asText();
        rest.server.database().close();
        for (String[] req : new String[][] {{"GET", PATH, null}, {"GET", PATH + "/" + id, null},
                {"POST", PATH, endpoint("bob")}, {"PUT", PATH + "/" + id, "{\"caller_id\":\"x\"}"},
                {"DELETE", PATH + "/" + id, null}}) {
            HttpResponse<String> r = rest.send(req[0], req[1], req[2]);
            assertEquals(500, r.statusCode(), req[0] + " " + req[1]);
            assertEquals("{\"error\":\"Internal Server Error\"}", r.body());
        }
        assertEquals(200, rest.send("GET", "/health", null, null).statusCode());
    }

    @Test
    void metrics_countRequestsByRouteAndStatus_andEndpoints() throws Exception {
        rest.create(endpoint("alice"));
        rest.send("GET", PATH, null);
        rest.send("GET", PATH + "/" + UUID.randomUUID(), null);
        rest.send("GET", "/nowhere", null, null);
        HttpResponse<String> r = rest.send("GET", "/metrics", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        assertTrue(text.contains("# TYPE dialtone_http_requests_total counter\n"), text);
        assertTrue(text.contains("dialtone_http_requests_total{method=\"POST\",route=\"" + PATH + "\",status=\"201\"} 1\n"), text);
        assertTrue(text.contains("dialtone_http_requests_total{method=\"GET\",route=\"" + PATH + "\",status=\"200\"} 1\n"), text);
        assertTrue(text.contains("dialtone_http_requests_total{method=\"GET\",route=\"" + PATH + "/{id}\",status=\"404\"} 1\n"), text);
        assertTrue(text.contains("dialtone_http_requests_total{method=\"GET\",route=\"other\",status=\"401\"} 1\n"), text);
        assertTrue(text.contains("# TYPE dialtone_sip_endpoints gauge\ndialtone_sip_endpoints 1\n"), text);
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        // The first request goes to the database executor, the second is answered on the event loop at once:
        // still the 404 must leave first (RFC 9112 9.3.2).
        String twoRequests = "GET " + PATH + "/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: " + rest.authorization + "\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        for (int round = 0; round < 20; round++) {
          try (Socket s = new Socket("127.0.0.1", rest.server.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(twoRequests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            List<String> statuses = new ArrayList<>();
            Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(all);
            while (m.find()) {
                statuses.add(m.group(1));
            }
            assertEquals(List.of("404", "200"), statuses, all);
            assertTrue(all.indexOf("{\"error\":\"Not Found\"}") < all.indexOf("{\"status\":\"ok\"}"), all);
          }
        }
    }

    @Test
    void restart_onTheSameDataDir_keepsEndpoints_andGeneratedCredentials() throws Exception {
        JsonNode alice = rest.create(endpoint("alice"));
        String projectId = rest.server.credentials().projectId();
        String authorization = rest.authorization;
        assertTrue(rest.server.credentials().generated());
        Path file = dataDir.resolve(ApiCredentials.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(rest.server.startupLine().contains("credentials=" + file));
        assertTrue(rest.server.startupLine().contains("project_id=" + projectId));
        rest.close();

        rest = new RestServer(dataDir, bodies);
        assertFalse(rest.server.credentials().generated());
        assertEquals(projectId, rest.server.credentials().projectId());
        assertEquals(authorization, rest.authorization);
        assertEquals(2, rest.server.database().schemaVersion());
        HttpResponse<String> r = rest.send("GET", PATH + "/" + alice.get("id").asText(), null, authorization);
        assertEquals(200, r.statusCode());
        assertEquals(alice, rest.json(r));
        assertEquals(Optional.of(md5hex("alice:" + RestServer.REALM + ":" + PASSWORD)),
                rest.server.endpoints().ha1("alice", RestServer.REALM, "MD5"));
    }

    @Test
    void givenCredentials_areUsed_andNothingIsStored(@TempDir Path other) throws Exception {
        try (RestServer given = new RestServer(ServerConfig.defaults().withHttp("127.0.0.1", 0).withSip("127.0.0.1", 0, 0, 44000, 44999).withDataDir(other)
                .withCredentials("my-project", "my-token"), bodies)) {
            assertEquals(200, given.send("GET", PATH, null, RestServer.basic("my-project", "my-token")).statusCode());
            assertEquals(401, given.send("GET", PATH, null, RestServer.basic("my-project", "my-tokeN")).statusCode());
            assertFalse(Files.exists(other.resolve(ApiCredentials.FILE)));
        }
    }

    static Set<String> names(JsonNode o) {
        Set<String> out = new LinkedHashSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    List<String> usernames(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return usernames(rest.json(r));
    }

    static List<String> usernames(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(e -> out.add(e.get("username").asText()));
        return out;
    }

    static String md5hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
