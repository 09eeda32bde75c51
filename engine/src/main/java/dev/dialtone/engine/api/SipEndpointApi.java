package dev.dialtone.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.engine.store.UsernameTakenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The SIP endpoint resource of INTERFACES §3 (seeds/001, seeds/004) under {@value #PATH}. Requests arrive
 * authenticated; {@link #handle} runs store queries, so it is called off the event loop.
 */
public final class SipEndpointApi {
    public static final String PATH = "/api/relay/rest/endpoints/sip";
    static final int PAGE_SIZE_DEFAULT = 50;
    static final int PAGE_SIZE_MAX = 1000;
    static final int PAGE_NUMBER_MAX = 1_000_000;

    private static final Logger log = LoggerFactory.getLogger(SipEndpointApi.class);
    private static final Pattern PAGE_TOKEN = Pattern.compile("PA([0-9a-z]{1,13})");
    /** Strict: a repeated key or anything after the object is an error, not silently dropped. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final SipEndpointStore store;

    public SipEndpointApi(SipEndpointStore store) {
        this.store = store;
    }

    /** True when {@code path} belongs to this resource. */
    public static boolean owns(String path) {
        return path.equals(PATH) || path.equals(PATH + "/") || path.startsWith(PATH + "/");
    }

    /** The route template of {@code path}, for metrics: the collection or one member. */
    public static String route(String path) {
        return path.equals(PATH) || path.equals(PATH + "/") ? PATH : PATH + "/{id}";
    }

    /** Answers one request; a store failure becomes the seed's {@code 500}, never an exception. */
    public ApiResponse handle(ApiRequest req) {
        try {
            return dispatch(req);
        } catch (RuntimeException e) {
            log.error("{} {} failed", req.method(), req.path(), e);
            return ApiResponse.internalServerError();
        }
    }

    private ApiResponse dispatch(ApiRequest req) {
        String path = req.path();
        if (route(path).equals(PATH)) {
            return switch (req.method()) {
                case "GET" -> list(req);
                case "POST" -> create(req);
                default -> ApiResponse.methodNotAllowed("GET, POST");
            };
        }
        String rest = path.substring(PATH.length() + 1);
        Optional<UUID> id = uuid(rest);
        if (id.isEmpty()) {
            return ApiResponse.notFound();
        }
        return switch (req.method()) {
            case "GET" -> store.find(id.get()).map(e -> ApiResponse.json(200, write(SipEndpointFields.toJson(e))))
                    .orElseGet(ApiResponse::notFound);
            case "PUT" -> update(id.get(), req);
            case "DELETE" -> store.delete(id.get()) ? new ApiResponse(204, "", Map.of()) : ApiResponse.notFound();
            default -> ApiResponse.methodNotAllowed("GET, PUT, DELETE");
        };
    }

    private ApiResponse create(ApiRequest req) {
        List<ValidationError> errors = new ArrayList<>();
        ObjectNode body = body(req.body(), errors);
        if (body == null) {
            return invalid(errors);
        }
        SipEndpoint.Builder b = SipEndpoint.builder().username("");
        SipEndpointFields.Changes changes = SipEndpointFields.apply(body, b);
        errors.addAll(changes.errors());
        if (!changes.hasUsername()) {
            errors.add(ValidationError.missing("username"));
        }
        if (!body.has("password")) {
            errors.add(ValidationError.missing("password"));
        }
        SipEndpoint draft = b.build();
        errors.addAll(SipEndpointFields.crossCheck(draft));
        if (errors.isEmpty() && store.findByUsername(draft.username()).isPresent()) {
            errors.add(ValidationError.taken(draft.username()));
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        try {
            SipEndpoint created = store.create(draft, changes.password());
            log.info("SIP endpoint {} created: {}", created.id(), created.username());
            return ApiResponse.json(201, write(SipEndpointFields.toJson(created)));
        } catch (UsernameTakenException raced) {
            return invalid(List.of(ValidationError.taken(draft.username())));
        }
    }

    private ApiResponse update(UUID id, ApiRequest req) {
        Optional<SipEndpoint> existing = store.find(id);
        if (existing.isEmpty()) {
            return ApiResponse.notFound();
        }
        List<ValidationError> errors = new ArrayList<>();
        ObjectNode body = body(req.body(), errors);
        if (body == null) {
            return invalid(errors);
        }
        SipEndpoint.Builder b = existing.get().toBuilder();
        SipEndpointFields.Changes changes = SipEndpointFields.apply(body, b);
        errors.addAll(changes.errors());
        SipEndpoint changed = b.build();
        boolean renamed = !changed.username().equals(existing.get().username());
        if (renamed && !body.has("password")) {
            // HA1 = H(username:realm:password): the stored digests cannot follow a new username on their own.
            errors.add(new ValidationError("password is required when username changes: the stored digest "
                    + "credentials cover the username", "Missing Required Field", "missing_required_field"));
        }
        errors.addAll(SipEndpointFields.crossCheck(changed));
        if (errors.isEmpty() && renamed && store.findByUsername(changed.username()).isPresent()) {
            errors.add(ValidationError.taken(changed.username()));
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        try {
            return store.update(changed, changes.password())
                    .map(e -> ApiResponse.json(200, write(SipEndpointFields.toJson(e))))
                    .orElseGet(ApiResponse::notFound);
        } catch (UsernameTakenException raced) {
            return invalid(List.of(ValidationError.taken(changed.username())));
        }
    }

    private ApiResponse list(ApiRequest req) {
        List<ValidationError> errors = new ArrayList<>();
        int pageSize = intParam(req, "page_size", PAGE_SIZE_DEFAULT, 1, PAGE_SIZE_MAX, errors);
        int pageNumber = intParam(req, "page_number", 0, 0, PAGE_NUMBER_MAX, errors);
        Long anchor = null;
        String token = req.param("page_token");
        if (token != null) {
            anchor = pageToken(token);
            if (anchor == null) {
                errors.add(ValidationError.parameter("page_token", "is not a token from this API's links: '"
                        + token + "'"));
            }
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        String username = emptyToNull(req.param("filter_username"));
        String callerId = emptyToNull(req.param("filter_caller_id"));
        long at = anchor != null ? anchor : store.latest();
        List<SipEndpoint> page = store.list(username, callerId, at, (long) pageNumber * pageSize, pageSize + 1);
        boolean more = page.size() > pageSize;

        ObjectNode out = JSON.createObjectNode();
        ObjectNode links = out.putObject("links");
        String tokenOut = "PA" + Long.toString(at, 36);
        links.put("self", link(req, username, callerId, pageNumber, pageSize, tokenOut));
        links.put("first", link(req, username, callerId, 0, pageSize, tokenOut));
        if (more) {
            links.put("next", link(req, username, callerId, pageNumber + 1, pageSize, tokenOut));
        } else {
            links.putNull("next");
        }
        if (pageNumber > 0) {
            links.put("prev", link(req, username, callerId, pageNumber - 1, pageSize, tokenOut));
        } else {
            links.putNull("prev");
        }
        ArrayNode data = out.putArray("data");
        page.stream().limit(pageSize).forEach(e -> data.add(SipEndpointFields.toJson(e)));
        return ApiResponse.json(200, write(out));
    }

    private static String link(ApiRequest req, String username, String callerId, int pageNumber, int pageSize,
                               String token) {
        StringBuilder s = new StringBuilder(req.baseUrl()).append(PATH).append('?');
        if (username != null) {
            s.append("filter_username=").append(encode(username)).append('&');
        }
        if (callerId != null) {
            s.append("filter_caller_id=").append(encode(callerId)).append('&');
        }
        return s.append("page_number=").append(pageNumber).append("&page_size=").append(pageSize)
                .append("&page_token=").append(token).toString();
    }

    /** The anchor in a token of {@link #list}'s links, or null when it is not one. */
    private static Long pageToken(String token) {
        var m = PAGE_TOKEN.matcher(token);
        if (!m.matches()) {
            return null;
        }
        try {
            return Long.parseLong(m.group(1), 36);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    private static int intParam(ApiRequest req, String name, int dflt, int min, int max,
                                List<ValidationError> errors) {
        String v = req.param(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the precise error follows
        }
        errors.add(ValidationError.parameter(name, "must be an integer from " + min + " to " + max + ", not '"
                + v + "'"));
        return dflt;
    }

    /** The body as a JSON object, or null with the reason added to {@code errors}. */
    private static ObjectNode body(String text, List<ValidationError> errors) {
        if (text.isBlank()) {
            errors.add(ValidationError.json("the body is empty; send a JSON object"));
            return null;
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            errors.add(ValidationError.json(e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())));
            return null;
        }
        if (n == null || !n.isObject()) {
            errors.add(ValidationError.json("expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType()
                    .toString().toLowerCase(Locale.ROOT))));
            return null;
        }
        return (ObjectNode) n;
    }

    private static ApiResponse invalid(List<ValidationError> errors) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("errors");
        for (ValidationError e : errors) {
            items.addObject().put("detail", e.detail()).put("status", ValidationError.STATUS)
                    .put("title", e.title()).put("code", e.code());
        }
        return ApiResponse.json(422, write(out));
    }

    private static Optional<UUID> uuid(String s) {
        try {
            UUID u = UUID.fromString(s);
            return u.toString().equalsIgnoreCase(s) ? Optional.of(u) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }
}
