package dev.dialtone.engine.cxml;

import java.util.Objects;

/**
 * {@code <Redirect method="GET|POST">URL</Redirect>}: fetch a new document from {@code url} and run it instead of
 * the rest of this one. The URL may be relative; it is resolved against the current document's URL by the engine.
 */
public record Redirect(String url, HttpMethod method) implements Verb {

    public Redirect {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(method, "method");
    }
}
