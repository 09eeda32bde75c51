package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests documents and delivers events to the application, asynchronously: {@link #fetch} returns at once and
 * never blocks its caller (a Netty event loop included); the future completes on an OkHttp or file-reader thread, so
 * a caller that must continue on its event loop uses {@code thenAcceptAsync(..., eventLoop)}.
 *
 * <ul>
 *   <li>GET appends the parameters to the URL's query string (after any query it has); POST sends them
 *       {@code application/x-www-form-urlencoded}.</li>
 *   <li>User info in the URL becomes HTTP Basic credentials and is removed from the URL sent and signed.</li>
 *   <li>Every HTTP request carries {@code X-Twilio-Signature} and {@code X-SignalWire-Signature}
 *       ({@link WebhookSignature}) when a token is configured, and {@code User-Agent: Dialtone/0.1}.</li>
 *   <li>A status outside 2xx, a timeout, a network error or a body past the limit fails the future with a
 *       {@link WebhookException}. The Content-Type is not enforced, only logged.</li>
 *   <li>{@code file:} URLs are read on a small bounded pool of reader threads.</li>
 * </ul>
 */
public final class WebhookClient implements AutoCloseable {

    public static final String USER_AGENT = "Dialtone/0.1";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(WebhookClient.class);
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

    private final OkHttpClient http;
    private final ThreadPoolExecutor ownFileReaders;
    private final Executor fileReaders;
    private final Optional<String> token;
    private final int maxBodyBytes;
    private final WebhookObserver observer;

    private WebhookClient(Builder b) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(b.maxRequests);
        dispatcher.setMaxRequestsPerHost(b.maxRequests);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool())
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .writeTimeout(b.readTimeout)
                // Application servers close idle keep-alive connections (Node after 5 s, http.server after every
                // HTTP/1.0 reply): a request written to a pooled connection just as it closed goes again on a new
                // one instead of failing the call. okhttp only does this when no response has started.
                .retryOnConnectionFailure(true)
                .build();
        AtomicInteger threads = new AtomicInteger();
        if (b.fileExecutor == null) {
            this.ownFileReaders = new ThreadPoolExecutor(b.fileReaderThreads, b.fileReaderThreads, 30,
                    TimeUnit.SECONDS, new ArrayBlockingQueue<>(b.fileQueueCapacity), r -> {
                        Thread t = new Thread(r, "dialtone-webhook-file-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            this.ownFileReaders.allowCoreThreadTimeOut(true);
            this.fileReaders = ownFileReaders;
        } else {
            this.ownFileReaders = null;
            this.fileReaders = b.fileExecutor;
        }
        this.token = Optional.ofNullable(b.token);
        this.maxBodyBytes = b.maxBodyBytes;
        this.observer = b.observer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends {@code request}; completes with a 2xx response or fails with a {@link WebhookException}. */
    public CompletableFuture<WebhookResponse> fetch(WebhookRequest request) {
        String url = request.url().strip();
        if (url.regionMatches(true, 0, "file:", 0, 5)) {
            return readFile(url);
        }
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return failed(new WebhookException(WebhookException.Reason.INVALID_URL,
                    "not an http, https or file URL: " + redact(url), null));
        }
        String user = parsed.username();
        String password = parsed.password();
        HttpUrl.Builder target = parsed.newBuilder().username("").password("");
        Map<String, String> signedParams = Map.of();
        RequestBody body = null;
        if (request.method() == HttpMethod.GET) {
            if (!request.params().isEmpty()) {
                String query = formEncode(request.params());
                String existing = parsed.encodedQuery();
                target.encodedQuery(existing == null || existing.isEmpty() ? query : existing + "&" + query);
            }
        } else {
            body = RequestBody.create(formEncode(request.params()).getBytes(StandardCharsets.US_ASCII), FORM);
            signedParams = request.params();
        }
        HttpUrl sent = target.build();
        Request.Builder http = new Request.Builder()
                .url(sent)
                .method(request.method().name(), body)
                .header("User-Agent", USER_AGENT);
        if (!user.isEmpty() || !password.isEmpty()) {
            http.header("Authorization", Credentials.basic(user, password, StandardCharsets.UTF_8));
        }
        if (token.isPresent()) {
            String signature = WebhookSignature.sign(sent.toString(), signedParams, token.get());
            http.header(WebhookSignature.TWILIO_HEADER, signature);
            http.header(WebhookSignature.SIGNALWIRE_HEADER, signature);
        }
        CompletableFuture<WebhookResponse> result = new CompletableFuture<>();
        long started = System.nanoTime();
        try {
            this.http.newCall(http.build()).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    WebhookException.Reason reason = e instanceof InterruptedIOException
                            ? WebhookException.Reason.TIMEOUT : WebhookException.Reason.NETWORK;
                    log.debug("{} {} failed after {} ms: {}", request.method(), sent, millisSince(started), e.toString());
                    observe(request.method(), sent, 0, started);
                    result.completeExceptionally(new WebhookException(reason, request.method() + " " + sent + ": "
                            + (reason == WebhookException.Reason.TIMEOUT ? "timed out" : e.toString()), e));
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        complete(result, request.method(), sent, response, started);
                    } catch (RuntimeException e) {
                        // A bug here must still complete the future, or the call would wait forever.
                        log.error("{} {}: unexpected failure handling the response", request.method(), sent, e);
                        result.completeExceptionally(e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new WebhookException(WebhookException.Reason.REJECTED, "client closed", e));
        }
        return result;
    }

    /** Shorthand for {@code fetch(new WebhookRequest(url, method, params))}. */
    public CompletableFuture<WebhookResponse> fetch(String url, HttpMethod method, Map<String, String> params) {
        return fetch(new WebhookRequest(url, method, params));
    }

    private void complete(CompletableFuture<WebhookResponse> result, HttpMethod method, HttpUrl url,
                          Response response, long started) {
        int status = response.code();
        Optional<String> contentType = Optional.ofNullable(response.header("Content-Type"));
        log.debug("{} {} -> {} {} in {} ms", method, url, status, contentType.orElse("(no content type)"),
                millisSince(started));
        observe(method, url, status, started);
        if (status < 200 || status > 299) {
            result.completeExceptionally(new WebhookException(WebhookException.Reason.HTTP_STATUS, status,
                    method + " " + url + ": HTTP " + status, null));
            return;
        }
        ResponseBody body = response.body();
        try {
            byte[] bytes = body == null ? new byte[0] : readLimited(body);
            if (bytes == null) {
                result.completeExceptionally(new WebhookException(WebhookException.Reason.BODY_TOO_LARGE,
                        method + " " + url + ": body larger than " + maxBodyBytes + " bytes", null));
                return;
            }
            result.complete(new WebhookResponse(url.toString(), status, contentType, bytes));
        } catch (IOException e) {
            WebhookException.Reason reason = e instanceof InterruptedIOException
                    ? WebhookException.Reason.TIMEOUT : WebhookException.Reason.NETWORK;
            result.completeExceptionally(new WebhookException(reason, method + " " + url + ": reading the body: " + e, e));
        }
    }

    /** The body, or null when it is longer than the limit; never reads more than one byte past it. */
    private byte[] readLimited(ResponseBody body) throws IOException {
        if (body.contentLength() > maxBodyBytes) {
            return null;
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        long limit = (long) maxBodyBytes + 1;
        while (buffer.size() < limit) {
            long read = source.read(buffer, Math.min(8192, limit - buffer.size()));
            if (read == -1) {
                return buffer.readByteArray();
            }
        }
        return null;
    }

    private CompletableFuture<WebhookResponse> readFile(String url) {
        Path path;
        try {
            path = Path.of(URI.create(url));
        } catch (IllegalArgumentException e) {
            return failed(new WebhookException(WebhookException.Reason.INVALID_URL, "bad file URL " + url + ": "
                    + e.getMessage(), e));
        }
        CompletableFuture<WebhookResponse> result = new CompletableFuture<>();
        try {
            fileReaders.execute(() -> {
                try {
                    if (Files.size(path) > maxBodyBytes) {
                        result.completeExceptionally(new WebhookException(WebhookException.Reason.BODY_TOO_LARGE,
                                url + ": file larger than " + maxBodyBytes + " bytes", null));
                        return;
                    }
                    byte[] bytes = Files.readAllBytes(path);
                    result.complete(new WebhookResponse(url, 200, Optional.of("application/xml"), bytes));
                } catch (NoSuchFileException e) {
                    result.completeExceptionally(new WebhookException(WebhookException.Reason.FILE,
                            url + ": no such file", e));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(new WebhookException(WebhookException.Reason.FILE,
                            url + ": " + e, e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new WebhookException(WebhookException.Reason.REJECTED,
                    url + ": file readers busy or closed", e));
        }
        return result;
    }

    /** application/x-www-form-urlencoded, as a browser encodes a form (space as '+', '+' as %2B). */
    static String formEncode(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static String redact(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at > 0 && scheme > 0 && at > scheme ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }

    private void observe(HttpMethod method, HttpUrl url, int status, long started) {
        try {
            observer.completed(method, url.host(), status, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            log.warn("webhook observer failed", e);
        }
    }

    private static long millisSince(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static <T> CompletableFuture<T> failed(WebhookException e) {
        return CompletableFuture.failedFuture(e);
    }

    /** Stops the reader threads and the HTTP client; requests in flight fail. */
    @Override
    public void close() {
        if (ownFileReaders != null) {
            ownFileReaders.shutdownNow();
        }
        http.dispatcher().executorService().shutdown();
        http.dispatcher().cancelAll();
        http.connectionPool().evictAll();
    }

    /** Configuration; defaults: connect 5 s, read 10 s, body 1 MiB, no signing token. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private String token;
        private int maxRequests = 256;
        private int fileReaderThreads = 2;
        private int fileQueueCapacity = 256;
        private WebhookObserver observer = WebhookObserver.NONE;
        private Executor fileExecutor;

        private Builder() {
        }

        public Builder connectTimeout(Duration timeout) { this.connectTimeout = timeout; return this; }
        public Builder readTimeout(Duration timeout) { this.readTimeout = timeout; return this; }
        public Builder maxBodyBytes(int bytes) { this.maxBodyBytes = bytes; return this; }
        /** The API token that keys the request signature. */
        public Builder signingToken(String token) { this.token = token; return this; }
        /** Concurrent HTTP requests, in all and per host. */
        public Builder maxRequests(int max) { this.maxRequests = max; return this; }
        public Builder fileReaderThreads(int threads) { this.fileReaderThreads = threads; return this; }
        /**
         * Where {@code file:} documents are read, instead of the client's own bounded pool of
         * {@code fileReaderThreads}; it must not be an event loop.
         */
        public Builder fileExecutor(Executor executor) { this.fileExecutor = executor; return this; }
        /** Receives each HTTP request's outcome and latency (for {@code /metrics}). */
        public Builder observer(WebhookObserver observer) { this.observer = observer; return this; }

        public WebhookClient build() {
            if (maxBodyBytes < 0 || maxRequests < 1 || fileReaderThreads < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            return new WebhookClient(this);
        }
    }
}
