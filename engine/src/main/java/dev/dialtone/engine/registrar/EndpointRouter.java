package dev.dialtone.engine.registrar;

import dev.dialtone.engine.call.EndpointDirectory;
import dev.dialtone.engine.call.InboundRouter;
import dev.dialtone.engine.call.Route;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Flow;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The standalone server's call routing for its SIP endpoints.
 * <ul>
 *   <li>An INVITE whose From names an endpoint at this server (or that carries {@code Proxy-Authorization}) must
 *       authenticate as an endpoint ({@code 407}, then {@code 403} for wrong credentials): no call leaves the
 *       server on an endpoint's behalf without its password (toll fraud). Authenticated, it runs the endpoint's
 *       handler: {@code laml_webhooks} fetches {@code call_request_url} (with {@code call_fallback_url} and
 *       {@code call_status_callback_url}). Without a handler, a call to another endpoint at this server rings it
 *       directly; any other goes to {@code --inbound-url}, or gets {@code 404}.</li>
 *   <li>Any other INVITE is refused {@code 403} unless its source is a trusted peer ({@code --trusted-peers}; all
 *       sources when none are set), and runs {@code --inbound-url}.</li>
 * </ul>
 * It is also the engine's {@link EndpointDirectory}: {@code sip:alice@<this server>} rings every contact alice
 * registered, over the way each registration came in (its source over UDP, its connection over TCP and TLS).
 */
public final class EndpointRouter implements InboundRouter, EndpointDirectory {
    private static final Logger log = LoggerFactory.getLogger(EndpointRouter.class);
    static final String LAML_WEBHOOKS = "laml_webhooks";

    private final Registrar registrar;
    private final Function<String, Optional<Flow>> flows;
    private final Set<String> hosts;
    private final Set<Integer> ports;
    private final TrustedPeers trusted;
    private final String inboundUrl;
    private final HttpMethod inboundMethod;

    /**
     * @param registrar     whose endpoints and bindings these are; its realm is the challenges' realm
     * @param flows         the transport's open connections by id ({@code SipTransportLayer::flow})
     * @param hosts         the names and addresses this server answers to (advertised host, realm, domain...);
     *                      besides these, any IP address of a local interface counts
     * @param ports         this server's SIP ports: a URI naming another port is somebody else
     * @param trusted       who may call without authenticating
     * @param inboundUrl    the application for calls no endpoint handler takes; null for none
     * @param inboundMethod its method
     */
    public EndpointRouter(Registrar registrar, Function<String, Optional<Flow>> flows, Set<String> hosts,
                          Set<Integer> ports, TrustedPeers trusted, String inboundUrl, HttpMethod inboundMethod) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.flows = Objects.requireNonNull(flows, "flows");
        Set<String> h = new java.util.HashSet<>();
        for (String host : hosts) {
            if (host != null) {
                h.add(unbracket(host).toLowerCase(Locale.ROOT));
            }
        }
        this.hosts = Set.copyOf(h);
        this.ports = Set.copyOf(ports);
        this.trusted = Objects.requireNonNull(trusted, "trusted");
        this.inboundUrl = inboundUrl;
        this.inboundMethod = Objects.requireNonNull(inboundMethod, "inboundMethod");
    }

    @Override
    public CompletionStage<Route> route(IncomingRequest invite) {
        SipRequest request = invite.request();
        SipUri from = request.from().sipUri();
        boolean claims = from != null && from.user() != null
                && (isLocal(from) || request.hasHeader(HeaderName.PROXY_AUTHORIZATION));
        if (!claims) {
            return CompletableFuture.completedFuture(unauthenticated(invite));
        }
        return registrar.findEndpoint(from.user()).thenCompose(endpoint -> endpoint.isPresent()
                ? registrar.callAuthenticator().authenticate(request).thenCompose(r -> authenticated(request, r))
                : CompletableFuture.completedFuture(unauthenticated(invite)))
                .exceptionally(t -> {
                    if (Responses.overload(t)) {
                        // RFC 3261 21.5.4: the store is saturated; the phone may try again shortly.
                        return new Route.Reject(503, "Service Unavailable",
                                List.of(new Header(HeaderName.RETRY_AFTER, "5")));
                    }
                    log.warn("cannot route INVITE {}: {}", request.callId(), Responses.cause(t).toString());
                    return new Route.Reject(500, "Server Internal Error", List.of());
                });
    }

    /** Not from an endpoint: only a trusted source, and only the inbound application. */
    private Route unauthenticated(IncomingRequest invite) {
        InetAddress source = invite.inbound().remote().getAddress();
        if (!trusted.allows(source)) {
            log.info("INVITE {} from untrusted {} refused", invite.request().callId(), NetUtil.toAddressString(source));
            return new Route.Reject(403, "Forbidden", List.of());
        }
        return Route.Application.of(inboundUrl, inboundMethod);
    }

    private CompletionStage<Route> authenticated(SipRequest request, AuthResult result) {
        if (result instanceof AuthResult.Rejected rejected) {
            return CompletableFuture.completedFuture(reject(rejected.response()));
        }
        SipEndpoint caller = ((AuthResult.Ok) result).endpoint();
        if (LAML_WEBHOOKS.equals(caller.callHandler()) && caller.callRequestUrl() != null) {
            return CompletableFuture.completedFuture(new Route.Application(caller.callRequestUrl(),
                    method(caller.callRequestMethod()), caller.callFallbackUrl(), method(caller.callFallbackMethod()),
                    caller.callStatusCallbackUrl(), method(caller.callStatusCallbackMethod())));
        }
        if (caller.callHandler() != null && !LAML_WEBHOOKS.equals(caller.callHandler())) {
            log.debug("INVITE {} from {}: handler {} is not run by Dialtone; routing as with none",
                    request.callId(), caller.username(), caller.callHandler());
        }
        Optional<String> callee = request.requestUri() instanceof SipUri ru ? localUser(ru) : Optional.empty();
        if (callee.isEmpty()) {
            return CompletableFuture.completedFuture(fallback());
        }
        return registrar.findEndpoint(callee.get()).thenApply(e -> e.isPresent()
                ? new Route.DialEndpoint(e.get().username(), caller.callerId(), caller.codecs())
                : fallback());
    }

    private Route fallback() {
        return inboundUrl != null ? Route.Application.of(inboundUrl, inboundMethod)
                : new Route.Reject(404, "Not Found", List.of());
    }

    /** The authenticator's response, as the engine sends it: status, reason and the headers that matter. */
    private static Route reject(SipResponse response) {
        List<Header> headers = new ArrayList<>();
        for (Header h : response.allHeaders()) {
            if (h.name().equalsIgnoreCase(HeaderName.PROXY_AUTHENTICATE)
                    || h.name().equalsIgnoreCase(HeaderName.RETRY_AFTER)) {
                headers.add(h);
            }
        }
        return new Route.Reject(response.status(), response.reason(), headers);
    }

    private static HttpMethod method(String name) {
        return "GET".equalsIgnoreCase(name) ? HttpMethod.GET : HttpMethod.POST;
    }

    @Override
    public Optional<String> localUser(SipUri uri) {
        return uri.user() != null && isLocal(uri) ? Optional.of(uri.user()) : Optional.empty();
    }

    @Override
    public CompletionStage<Optional<List<Contact>>> contacts(String username) {
        return registrar.findEndpoint(username).thenCompose(endpoint -> {
            if (endpoint.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<List<Contact>>empty());
            }
            return registrar.lookup(username).thenApply(found -> {
                List<Contact> out = new ArrayList<>();
                for (Reachable r : found) {
                    r.destination(flows).ifPresent(d -> out.add(new Contact(r.requestUri(), d)));
                }
                return Optional.of(List.copyOf(out));
            });
        });
    }

    /** This server: one of its names, or an address of one of its interfaces, on one of its ports (or none). */
    private boolean isLocal(SipUri uri) {
        if (uri.port() > 0 && !ports.contains(uri.port())) {
            return false;
        }
        String host = unbracket(uri.host()).toLowerCase(Locale.ROOT);
        if (hosts.contains(host)) {
            return true;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        if (ip == null) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByAddress(ip);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.UnknownHostException | SocketException e) {
            return false;
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
