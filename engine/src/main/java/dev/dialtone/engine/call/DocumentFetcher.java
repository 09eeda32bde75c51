package dev.dialtone.engine.call;

import dev.dialtone.engine.Application;
import dev.dialtone.engine.cxml.CxmlError;
import dev.dialtone.engine.cxml.CxmlParser;
import dev.dialtone.engine.cxml.Document;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.cxml.ParseResult;
import dev.dialtone.engine.webhook.WebhookClient;
import dev.dialtone.engine.webhook.WebhookException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Gets the cXML document for a request about a call, from a webhook or from an in-process {@link Application},
 * and parses it. A URL in a document is resolved against the URL of the document that named it.
 */
public final class DocumentFetcher {
    private final WebhookClient webhooks;
    private final Application application;
    private final Executor appExecutor;

    public DocumentFetcher(WebhookClient webhooks, Application application, Executor appExecutor) {
        this.webhooks = webhooks;
        this.application = application;
        this.appExecutor = appExecutor;
    }

    /** The document and the absolute URL it came from (against which its own relative URLs resolve). */
    public record Fetched(String url, Document document) {
    }

    /** Why there is no document: it could not be fetched, or it is not valid cXML. */
    public static final class DocumentException extends RuntimeException {
        private final boolean parseError;

        DocumentException(String message, boolean parseError) {
            super(message, null, false, false);
            this.parseError = parseError;
        }

        public boolean isParseError() {
            return parseError;
        }
    }

    /**
     * Fetches and parses. {@code base} is the URL of the document that named {@code url} (null for the first one).
     * Completes on a webhook or worker thread; fails with {@link DocumentException}.
     */
    public CompletableFuture<Fetched> fetch(String base, String url, HttpMethod method, Map<String, String> params) {
        String target = resolve(base, url);
        CompletableFuture<byte[]> body;
        if (isWebhookUrl(target)) {
            body = webhooks.fetch(target, method, params).thenApply(r -> r.body());
        } else if (application != null) {
            body = CompletableFuture.supplyAsync(() -> {
                try {
                    String doc = application.respond(new Application.Request(target, method.name(), params));
                    return doc == null ? new byte[0] : doc.getBytes(StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new CompletionException(new DocumentException("application failed: " + e, false));
                }
            }, appExecutor);
        } else {
            return CompletableFuture.failedFuture(new DocumentException("no application for URL '" + target + "'", false));
        }
        return body.handle((bytes, err) -> {
            if (err != null) {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                if (cause instanceof DocumentException d) {
                    throw d;
                }
                String why = cause instanceof WebhookException w ? w.getMessage() : cause.toString();
                throw new DocumentException("fetching " + target + " failed: " + why, false);
            }
            ParseResult parsed = CxmlParser.parse(bytes);
            if (!parsed.isValid()) {
                String errors = parsed.errors().stream().map(CxmlError::toString).collect(Collectors.joining("; "));
                throw new DocumentException("invalid cXML from " + target + ": " + errors, true);
            }
            return new Fetched(target, parsed.document().orElseThrow());
        });
    }

    static boolean isWebhookUrl(String url) {
        String u = url.toLowerCase(java.util.Locale.ROOT);
        return u.startsWith("http://") || u.startsWith("https://") || u.startsWith("file:");
    }

    /** RFC 3986 resolution of a document's URL against the URL of the document that held it. */
    static String resolve(String base, String url) {
        if (url == null || url.isEmpty()) {
            return base == null ? "/" : base;
        }
        if (base == null || isWebhookUrl(url)) {
            return url;
        }
        try {
            return URI.create(base).resolve(url).toString();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
