package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;

import java.time.Duration;

/** Told of every finished HTTP request, for the webhook latency metric; called on an OkHttp thread, must not block. */
@FunctionalInterface
public interface WebhookObserver {

    /**
     * @param status the HTTP status, or 0 when no response arrived (timeout, network error)
     */
    void completed(HttpMethod method, String host, int status, Duration latency);

    WebhookObserver NONE = (method, host, status, latency) -> { };
}
