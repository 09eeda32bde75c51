package dev.dialtone.engine.server;

import dev.dialtone.engine.api.ApiCredentials;
import dev.dialtone.engine.api.ApiRequest;
import dev.dialtone.engine.api.ApiResponse;
import dev.dialtone.engine.api.SipEndpointApi;
import dev.dialtone.engine.metrics.MetricsRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Routes one connection's HTTP requests: {@code /health} (no credentials), {@code /metrics} and the REST API
 * (HTTP Basic). Anything that touches the database runs on the API executor, never on the event loop; responses
 * leave in request order even when a client pipelines.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** What every connection's router shares. */
    record Shared(ApiCredentials credentials, SipEndpointApi endpoints, MetricsRegistry metrics,
                  MetricsRegistry.Counter requests, Executor executor) {
    }

    /** Metric labels stay bounded whatever methods unauthenticated clients invent. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private final Shared shared;
    /** Completes when the previous response is written; touched on the event loop only. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    HttpRouter(Shared shared) {
        this.shared = shared;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            // Framing is lost: answer and close (RFC 9112 9.6).
            respond(ctx, "other", "other", CompletableFuture.completedFuture(
                    json(400, "{\"error\":\"Bad Request\"}")), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path;
        Map<String, List<String>> query;
        try {
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException badEscape) {
            respond(ctx, "other", "other", CompletableFuture.completedFuture(
                    json(400, "{\"error\":\"Bad Request\"}")), keepAlive);
            return;
        }
        String method = KNOWN_METHODS.contains(req.method().name()) ? req.method().name() : "other";
        String route = route(path);
        CompletableFuture<ApiResponse> answer;
        if (path.equals("/health")) {
            answer = done(req.method().equals(HttpMethod.GET)
                    ? new ApiResponse(200, "{\"status\":\"ok\"}", Map.of())
                    : new ApiResponse(405, "{\"error\":\"Method Not Allowed\"}", Map.of("Allow", "GET")));
        } else if (!shared.credentials.authorizes(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            answer = done(ApiResponse.unauthorized());
        } else if (path.equals("/metrics")) {
            answer = req.method().equals(HttpMethod.GET)
                    ? offLoop(() -> new ApiResponse(200, shared.metrics.scrape(),
                            Map.of("Content-Type", MetricsRegistry.CONTENT_TYPE)))
                    : done(new ApiResponse(405, "{\"error\":\"Method Not Allowed\"}", Map.of("Allow", "GET")));
        } else if (SipEndpointApi.owns(path)) {
            ApiRequest api = new ApiRequest(req.method().name(), path, query,
                    req.content().toString(StandardCharsets.UTF_8), baseUrl(ctx, req));
            answer = offLoop(() -> shared.endpoints.handle(api));
        } else {
            answer = done(ApiResponse.notFound());
        }
        respond(ctx, method, route, answer.thenApply(HttpRouter::toHttp), keepAlive);
    }

    private void respond(ChannelHandlerContext ctx, String method, String route,
                         CompletableFuture<FullHttpResponse> response, boolean keepAlive) {
        // Each write runs as a task on this channel's event loop once the previous write has run there, so that
        // a quick answer can never overtake a slow one still on its way from the API executor.
        previous = previous.thenCombineAsync(response, (ignored, resp) -> {
            shared.requests.inc(method, route, Integer.toString(resp.status().code()));
            HttpUtil.setKeepAlive(resp, keepAlive);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return (Void) null;
        }, ctx.executor()).exceptionally(e -> {
            // Keep the chain alive for the next request; this one's connection is beyond saving.
            log.warn("cannot write HTTP response", e);
            ctx.close();
            return null;
        });
    }

    private CompletableFuture<ApiResponse> offLoop(Supplier<ApiResponse> work) {
        try {
            return CompletableFuture.supplyAsync(work, shared.executor).exceptionally(e -> {
                log.error("request failed", e);
                return ApiResponse.internalServerError();
            });
        } catch (RejectedExecutionException busy) {
            return done(new ApiResponse(503, "{\"error\":\"Service Unavailable\"}", Map.of("Retry-After", "1")));
        }
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** The label of a request in {@code dialtone_http_requests_total}: a route template, never a raw path. */
    static String route(String path) {
        if (path.equals("/health") || path.equals("/metrics")) {
            return path;
        }
        return SipEndpointApi.owns(path) ? SipEndpointApi.route(path) : "other";
    }

    /** Scheme and authority as the client addressed us, for absolute links. */
    private static String baseUrl(ChannelHandlerContext ctx, FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            host = ctx.channel().localAddress() instanceof InetSocketAddress local
                    ? local.getHostString() + ":" + local.getPort() : "localhost";
        }
        return "http://" + host;
    }

    private static FullHttpResponse toHttp(ApiResponse r) {
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(bytes));
        if (bytes.length > 0) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        r.headers().forEach(resp.headers()::set);
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return resp;
    }

    static FullHttpResponse json(int status, String body) {
        return toHttp(new ApiResponse(status, body, Map.of()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
