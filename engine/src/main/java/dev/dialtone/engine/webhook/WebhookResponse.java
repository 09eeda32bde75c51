package dev.dialtone.engine.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A 2xx answer of the application (or a {@code file:} document, reported as 200).
 *
 * @param url         the URL requested, without user info
 * @param status      the HTTP status
 * @param contentType the Content-Type, as sent
 * @param body        the body, at most the client's body limit
 */
public record WebhookResponse(String url, int status, Optional<String> contentType, byte[] body) {

    public WebhookResponse {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(contentType, "contentType");
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8, for logs and tests; cXML goes to the parser as {@link #body()}. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookResponse r && url.equals(r.url) && status == r.status
                && contentType.equals(r.contentType) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, status, contentType, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "WebhookResponse[url=" + url + ", status=" + status + ", contentType=" + contentType
                + ", body=" + body.length + " bytes]";
    }
}
