package dev.dialtone.engine.api;

import java.util.List;
import java.util.Map;

/**
 * One REST request, detached from the transport: {@code baseUrl} is scheme and authority as the client addressed
 * the server ({@code http://host:port}), used to build absolute paging links.
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, String body, String baseUrl) {
    public ApiRequest {
        query = Map.copyOf(query);
        body = body == null ? "" : body;
    }

    String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
