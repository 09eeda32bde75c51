package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Authenticates requests that claim to come from an endpoint (an INVITE from a phone, before the engine places a
 * call for it: toll-fraud protection) with Digest against the endpoint's stored HA1, as a proxy does
 * (RFC 3261 22.3: {@code 407} with {@code Proxy-Authenticate}, answered with {@code Proxy-Authorization}).
 * Which requests must authenticate is the engine's policy. The identity is the authenticated endpoint; the From
 * header is not compared with it. Thread-safe; completes on a store thread or the caller's.
 */
public final class CallAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(CallAuthenticator.class);

    private final EndpointDigest digest;
    private final SipEndpointStore endpoints;
    private final Executor storeExecutor;

    CallAuthenticator(EndpointDigest digest, SipEndpointStore endpoints, Executor storeExecutor) {
        this.digest = digest;
        this.endpoints = endpoints;
        this.storeExecutor = storeExecutor;
    }

    /**
     * Checks the request's {@code Proxy-Authorization} for the registrar's realm. Never completes exceptionally.
     * <ul>
     *   <li>no credentials for the realm → {@code 407} with one challenge per algorithm (SHA-256, MD5);</li>
     *   <li>right credentials with an expired or replayed nonce → {@code 407} with {@code stale=true};</li>
     *   <li>wrong password or unknown user → {@code 403}: the client answered a challenge and failed, and a new
     *       challenge would only invite guessing (RFC 3261 21.4.4: authorization will not help);</li>
     *   <li>malformed credentials → {@code 400}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for ACK and CANCEL, which cannot be challenged (RFC 3261 22.1)
     */
    public CompletionStage<AuthResult> authenticate(SipRequest request) {
        SipMethod method = request.method();
        if (SipMethod.ACK.equals(method) || SipMethod.CANCEL.equals(method)) {
            throw new IllegalArgumentException(method + " cannot be challenged (RFC 3261 22.1)");
        }
        CompletionStage<DigestVerdict> verdict;
        try {
            verdict = digest.verify(request, HeaderName.PROXY_AUTHORIZATION);
        } catch (SipParseException e) {
            return CompletableFuture.completedFuture(new AuthResult.Rejected(Responses.of(request, 400, e.reason())));
        }
        return verdict.thenCompose(v -> decide(request, v))
                .exceptionally(t -> {
                    if (Responses.overload(t)) {
                        log.debug("{} {} refused: store executor saturated", method, request.callId());
                    } else {
                        log.warn("cannot authenticate {} {}: {}", method, request.callId(), Responses.cause(t).toString());
                    }
                    return new AuthResult.Rejected(Responses.failure(request, t));
                });
    }

    private CompletionStage<AuthResult> decide(SipRequest request, DigestVerdict v) {
        if (v instanceof DigestVerdict.Ok ok) {
            return StoreCalls.async(storeExecutor, () -> endpoints.findByUsername(ok.username())
                    .<AuthResult>map(AuthResult.Ok::new)
                    // Deleted between the HA1 lookup and now: its credentials no longer count.
                    .orElseGet(() -> rejected(request, 403, null)));
        }
        AuthResult r;
        if (v instanceof DigestVerdict.Missing) {
            r = new AuthResult.Rejected(Responses.challenge(request, 407, digest.challenges(false)));
        } else if (v instanceof DigestVerdict.Stale || v instanceof DigestVerdict.Replayed) {
            r = new AuthResult.Rejected(Responses.challenge(request, 407, digest.challenges(true)));
        } else if (v instanceof DigestVerdict.Malformed m) {
            r = rejected(request, 400, "Bad Proxy-Authorization: " + m.reason());
        } else {
            log.debug("{} {} refused: {}", request.method(), request.callId(), v);
            r = rejected(request, 403, null);
        }
        return CompletableFuture.completedFuture(r);
    }

    private static AuthResult rejected(SipRequest request, int status, String reason) {
        return new AuthResult.Rejected(Responses.of(request, status, reason));
    }
}
