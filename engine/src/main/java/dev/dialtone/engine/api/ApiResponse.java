package dev.dialtone.engine.api;

import java.util.Map;

/** A REST response: status, JSON body (empty for {@code 204}) and any extra headers. */
public record ApiResponse(int status, String body, Map<String, String> headers) {
    public static final String UNAUTHORIZED = "{\"error\":\"Unauthorized\"}";
    public static final String NOT_FOUND = "{\"error\":\"Not Found\"}";
    public static final String INTERNAL_SERVER_ERROR = "{\"error\":\"Internal Server Error\"}";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    static ApiResponse json(int status, String body) {
        return new ApiResponse(status, body, Map.of());
    }

    /** {@code 404} exactly as seeds/001 shows it. */
    public static ApiResponse notFound() {
        return json(404, NOT_FOUND);
    }

    /** {@code 500} exactly as seeds/001 shows it. */
    public static ApiResponse internalServerError() {
        return json(500, INTERNAL_SERVER_ERROR);
    }

    /** {@code 401} exactly as seeds/001 shows it; RFC 7235 4.1 asks for the challenge with it. */
    public static ApiResponse unauthorized() {
        return new ApiResponse(401, UNAUTHORIZED, Map.of("WWW-Authenticate", "Basic realm=\"Dialtone\", charset=\"UTF-8\""));
    }

    static ApiResponse methodNotAllowed(String allow) {
        return new ApiResponse(405, "{\"error\":\"Method Not Allowed\"}", Map.of("Allow", allow));
    }
}
