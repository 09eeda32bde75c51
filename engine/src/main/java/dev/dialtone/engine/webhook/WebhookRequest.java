package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request to the application: {@code url} ({@code http:}, {@code https:} or {@code file:}), the method, and the
 * parameters, sent form-encoded for POST and appended to the query string for GET (INTERFACES §4).
 */
public record WebhookRequest(String url, HttpMethod method, Map<String, String> params) {

    public WebhookRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(method, "method");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static WebhookRequest post(String url, Map<String, String> params) {
        return new WebhookRequest(url, HttpMethod.POST, params);
    }

    public static WebhookRequest get(String url, Map<String, String> params) {
        return new WebhookRequest(url, HttpMethod.GET, params);
    }
}
