package dev.dialtone.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.store.SipEndpoint;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The SIP endpoint's JSON fields (seeds/001 {@code SipEndpointResponse}, seeds/004): how each is validated, set
 * on a {@link SipEndpoint.Builder} and written back. Request fields not listed here are refused with
 * {@code unknown_field}, except the read-only ones a client gets back ({@code id}, {@code type},
 * {@code created_at}, {@code updated_at}), which are ignored so that a retrieved record can be sent back as is.
 */
final class SipEndpointFields {
    /** seeds/004: "Currently supported values are: OPUS, G722, PCMU, PCMA, VP8, H264." */
    static final List<String> CODECS = List.of("OPUS", "G722", "PCMU", "PCMA", "VP8", "H264");
    /** seeds/004, SRTP crypto suites. */
    static final List<String> CIPHERS = List.of("AEAD_AES_256_GCM_8", "AES_256_CM_HMAC_SHA1_80",
            "AES_CM_128_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_32");
    /** seeds/001 {@code SipEndpointResponseEncryption}. */
    static final List<String> ENCRYPTION = List.of("default", "required", "optional");
    /** seeds/001 {@code SipEndpointCallHandler}. */
    static final List<String> CALL_HANDLERS = List.of("relay_context", "relay_topic", "relay_application",
            "relay_connector", "relay_script", "laml_webhooks", "laml_application", "dialogflow", "video_room",
            "call_flow", "ai_agent");
    static final List<String> METHODS = List.of("GET", "POST");

    /**
     * seeds/001: each of these fields is "only used (and required) when call_handler is set to" the key. For
     * laml_webhooks only the request URL is required: the fallback and status callback are optional, as for
     * every cXML webhook.
     */
    static final Map<String, String> HANDLER_TARGET = Map.of(
            "laml_webhooks", "call_request_url",
            "laml_application", "call_laml_application_id",
            "dialogflow", "call_dialogflow_agent_id",
            "relay_topic", "call_relay_topic",
            "relay_context", "call_relay_context",
            "relay_application", "call_relay_application",
            "video_room", "call_video_room_id",
            "relay_script", "call_relay_script_url");

    static final Set<String> READ_ONLY = Set.of("id", "type", "created_at", "updated_at");
    static final int PASSWORD_MIN = 8;
    static final int PASSWORD_MAX = 128;
    static final int USERNAME_MAX = 128;
    static final int TEXT_MAX = 255;
    static final int URL_MAX = 2048;

    // RFC 3261 25.1: user = 1*( unreserved / escaped / user-unreserved ); the username is the user part of the
    // endpoint's address-of-record, so it must be writable in a SIP URI without further escaping.
    private static final Pattern SIP_USER =
            Pattern.compile("(?:[A-Za-z0-9\\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+");
    private static final Pattern WHITESPACE_OR_AT = Pattern.compile("[\\s@]");

    private enum Kind { TEXT, URL, METHOD, UUID, ENCRYPTION, CALL_HANDLER, CODECS, CIPHERS }

    private record Field(Kind kind, BiConsumer<SipEndpoint.Builder, Object> set, Function<SipEndpoint, Object> get) {
    }

    /** The settable fields after {@code username}, in the seed's order. */
    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        text("caller_id", SipEndpoint.Builder::callerId, SipEndpoint::callerId);
        text("send_as", SipEndpoint.Builder::sendAs, SipEndpoint::sendAs);
        FIELDS.put("ciphers", new Field(Kind.CIPHERS, (b, v) -> b.ciphers(strings(v)), SipEndpoint::ciphers));
        FIELDS.put("codecs", new Field(Kind.CODECS, (b, v) -> b.codecs(strings(v)), SipEndpoint::codecs));
        FIELDS.put("encryption", new Field(Kind.ENCRYPTION, (b, v) -> b.encryption((String) v), SipEndpoint::encryption));
        FIELDS.put("call_handler", new Field(Kind.CALL_HANDLER, (b, v) -> b.callHandler((String) v),
                SipEndpoint::callHandler));
        uuid("calling_handler_resource_id", SipEndpoint.Builder::callingHandlerResourceId,
                SipEndpoint::callingHandlerResourceId);
        url("call_request_url", SipEndpoint.Builder::callRequestUrl, SipEndpoint::callRequestUrl);
        method("call_request_method", SipEndpoint.Builder::callRequestMethod, SipEndpoint::callRequestMethod);
        url("call_fallback_url", SipEndpoint.Builder::callFallbackUrl, SipEndpoint::callFallbackUrl);
        method("call_fallback_method", SipEndpoint.Builder::callFallbackMethod, SipEndpoint::callFallbackMethod);
        url("call_status_callback_url", SipEndpoint.Builder::callStatusCallbackUrl, SipEndpoint::callStatusCallbackUrl);
        method("call_status_callback_method", SipEndpoint.Builder::callStatusCallbackMethod,
                SipEndpoint::callStatusCallbackMethod);
        text("call_laml_application_id", SipEndpoint.Builder::callLamlApplicationId,
                SipEndpoint::callLamlApplicationId);
        text("call_dialogflow_agent_id", SipEndpoint.Builder::callDialogflowAgentId,
                SipEndpoint::callDialogflowAgentId);
        text("call_relay_topic", SipEndpoint.Builder::callRelayTopic, SipEndpoint::callRelayTopic);
        url("call_relay_topic_status_callback_url", SipEndpoint.Builder::callRelayTopicStatusCallbackUrl,
                SipEndpoint::callRelayTopicStatusCallbackUrl);
        text("call_relay_context", SipEndpoint.Builder::callRelayContext, SipEndpoint::callRelayContext);
        url("call_relay_context_status_callback_url", SipEndpoint.Builder::callRelayContextStatusCallbackUrl,
                SipEndpoint::callRelayContextStatusCallbackUrl);
        text("call_relay_application", SipEndpoint.Builder::callRelayApplication, SipEndpoint::callRelayApplication);
        uuid("call_video_room_id", SipEndpoint.Builder::callVideoRoomId, SipEndpoint::callVideoRoomId);
        url("call_relay_script_url", SipEndpoint.Builder::callRelayScriptUrl, SipEndpoint::callRelayScriptUrl);
    }

    private SipEndpointFields() {
    }

    /** What a request body asks for: the changes applied to a builder, the new password, and what was wrong. */
    record Changes(boolean hasUsername, String password, List<ValidationError> errors) {
    }

    /**
     * Applies every field present in {@code body} to {@code b}; a field that is absent leaves the builder's value
     * (the default on create, the stored value on update). Every problem is collected, not just the first.
     */
    static Changes apply(ObjectNode body, SipEndpoint.Builder b) {
        List<ValidationError> errors = new ArrayList<>();
        boolean hasUsername = false;
        String password = null;
        for (Map.Entry<String, JsonNode> property : body.properties()) {
            String name = property.getKey();
            JsonNode v = property.getValue();
            if (name.equals("username")) {
                hasUsername = true;
                String username = username(v, errors);
                if (username != null) {
                    b.username(username);
                }
            } else if (name.equals("password")) {
                password = password(v, errors);
            } else if (FIELDS.containsKey(name)) {
                Field f = FIELDS.get(name);
                int before = errors.size();
                Object value = value(name, f.kind, v, errors);
                if (errors.size() == before) {
                    f.set.accept(b, value);
                }
            } else if (!READ_ONLY.contains(name)) {
                errors.add(ValidationError.unknown(name));
            }
        }
        return new Changes(hasUsername, password, errors);
    }

    /** Rules that span fields, checked on the endpoint as it would be stored. */
    static List<ValidationError> crossCheck(SipEndpoint e) {
        List<ValidationError> errors = new ArrayList<>();
        if (e.callHandler() != null) {
            String target = HANDLER_TARGET.get(e.callHandler());
            if (target != null && FIELDS.get(target).get.apply(e) == null) {
                errors.add(new ValidationError(target + " is required when call_handler is " + e.callHandler(),
                        "Missing Required Field", "missing_required_field"));
            }
        }
        return errors;
    }

    /** Every field of {@code SipEndpointResponse}, in the seed's order, then the timestamps; never the password. */
    static ObjectNode toJson(SipEndpoint e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", "sip_endpoint");
        o.put("id", e.id().toString());
        o.put("username", e.username());
        for (Map.Entry<String, Field> f : FIELDS.entrySet()) {
            Object v = f.getValue().get.apply(e);
            if (v == null) {
                o.putNull(f.getKey());
            } else if (v instanceof List<?> list) {
                ArrayNode a = o.putArray(f.getKey());
                list.forEach(item -> a.add(item.toString()));
            } else {
                o.put(f.getKey(), v.toString());
            }
        }
        o.put("created_at", e.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
        o.put("updated_at", e.updatedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        return o;
    }

    private static String username(JsonNode v, List<ValidationError> errors) {
        if (!v.isTextual()) {
            errors.add(ValidationError.type("username", "a string"));
            return null;
        }
        String s = v.textValue();
        if (s.isEmpty()) {
            errors.add(ValidationError.missing("username"));
        } else if (s.length() > USERNAME_MAX) {
            errors.add(ValidationError.tooLong("username", USERNAME_MAX));
        } else if (WHITESPACE_OR_AT.matcher(s).find()) {
            // seeds/004: "must not container white space characters or @"
            errors.add(ValidationError.value("username", "must not contain white space or @"));
        } else if (!SIP_USER.matcher(s).matches()) {
            errors.add(ValidationError.value("username", "may only contain letters, digits, "
                    + "- _ . ! ~ * ' ( ) & = + $ , ; ? / and %-escapes (the user part of a SIP URI, RFC 3261 25.1)"));
        } else {
            return s;
        }
        return null;
    }

    private static String password(JsonNode v, List<ValidationError> errors) {
        if (!v.isTextual()) {
            errors.add(ValidationError.type("password", "a string"));
        } else if (v.textValue().length() < PASSWORD_MIN) {
            errors.add(ValidationError.tooShort("password", PASSWORD_MIN));
        } else if (v.textValue().length() > PASSWORD_MAX) {
            errors.add(ValidationError.tooLong("password", PASSWORD_MAX));
        } else {
            return v.textValue();
        }
        return null;
    }

    private static Object value(String name, Kind kind, JsonNode v, List<ValidationError> errors) {
        if (kind == Kind.CODECS || kind == Kind.CIPHERS) {
            return list(name, kind == Kind.CODECS ? CODECS : CIPHERS, v, errors);
        }
        if (v.isNull()) {
            if (kind == Kind.ENCRYPTION) {
                errors.add(ValidationError.type(name, "one of " + String.join(", ", ENCRYPTION)));
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(ValidationError.type(name, "a string or null"));
            return null;
        }
        String s = v.textValue();
        switch (kind) {
            case TEXT -> {
                if (s.length() > TEXT_MAX) {
                    errors.add(ValidationError.tooLong(name, TEXT_MAX));
                }
                return s;
            }
            case URL -> {
                String why = urlProblem(s);
                if (why != null) {
                    errors.add(ValidationError.value(name, why));
                }
                return s;
            }
            case METHOD -> {
                return oneOf(name, s, METHODS, errors);
            }
            case ENCRYPTION -> {
                return oneOf(name, s, ENCRYPTION, errors);
            }
            case CALL_HANDLER -> {
                return oneOf(name, s, CALL_HANDLERS, errors);
            }
            case UUID -> {
                try {
                    UUID u = java.util.UUID.fromString(s);
                    if (u.toString().equalsIgnoreCase(s)) {
                        return u;
                    }
                } catch (IllegalArgumentException ignored) {
                    // the precise error follows
                }
                errors.add(ValidationError.value(name, "must be a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6"));
                return null;
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    private static String oneOf(String name, String s, List<String> allowed, List<ValidationError> errors) {
        if (!allowed.contains(s)) {
            errors.add(ValidationError.value(name, "must be one of " + String.join(", ", allowed)
                    + ", not '" + s + "'"));
        }
        return s;
    }

    private static List<String> list(String name, List<String> allowed, JsonNode v, List<ValidationError> errors) {
        if (!v.isArray()) {
            errors.add(ValidationError.type(name, "an array of strings (empty for the default list)"));
            return null;
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                errors.add(ValidationError.type(name, "an array of strings (empty for the default list)"));
                return null;
            }
            String s = item.textValue();
            if (!allowed.contains(s)) {
                errors.add(ValidationError.value(name, "has '" + s + "', not one of " + String.join(", ", allowed)));
            } else if (!seen.add(s)) {
                errors.add(ValidationError.value(name, "lists '" + s + "' twice"));
            }
            out.add(s);
        }
        return out;
    }

    /** Null when {@code s} is an absolute http or https URL with a host, else why not. */
    static String urlProblem(String s) {
        if (s.length() > URL_MAX) {
            return "must be at most " + URL_MAX + " characters";
        }
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "must be an absolute http or https URL, not '" + s + "'";
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return "must name a host: '" + s + "'";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return (List<String>) v;
    }

    private static void text(String name, BiConsumer<SipEndpoint.Builder, String> set,
                             Function<SipEndpoint, String> get) {
        FIELDS.put(name, new Field(Kind.TEXT, (b, v) -> set.accept(b, (String) v), get::apply));
    }

    private static void url(String name, BiConsumer<SipEndpoint.Builder, String> set,
                            Function<SipEndpoint, String> get) {
        FIELDS.put(name, new Field(Kind.URL, (b, v) -> set.accept(b, (String) v), get::apply));
    }

    private static void method(String name, BiConsumer<SipEndpoint.Builder, String> set,
                               Function<SipEndpoint, String> get) {
        FIELDS.put(name, new Field(Kind.METHOD, (b, v) -> set.accept(b, (String) v), get::apply));
    }

    private static void uuid(String name, BiConsumer<SipEndpoint.Builder, UUID> set,
                             Function<SipEndpoint, UUID> get) {
        FIELDS.put(name, new Field(Kind.UUID, (b, v) -> set.accept(b, (UUID) v), get::apply));
    }
}
