package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.DigestAlgorithm;
import dev.dialtone.sip.auth.DigestServer;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.auth.Ha1Lookup;
import dev.dialtone.sip.message.SipRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Digest authentication of endpoints against the HA1 values the store keeps, shared by REGISTER (401) and calls
 * (407). The realm is the store's: its HA1 values are only valid for it.
 */
final class EndpointDigest {
    /** The store keeps HA1 for these two only, so only these are offered; SHA-256 first (RFC 8760 2.3). */
    private static final List<DigestAlgorithm> ALGORITHMS = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    private final DigestServer server;

    EndpointDigest(SipEndpointStore endpoints, Executor storeExecutor, Clock clock, Duration nonceLifetime,
                   byte[] nonceSecret) {
        Ha1Lookup lookup = (username, realm, algorithm) ->
                StoreCalls.async(storeExecutor, () -> endpoints.ha1(username, realm, algorithm.token()));
        DigestServer.Builder b = DigestServer.builder()
                .realm(endpoints.realm())
                .algorithms(ALGORITHMS)
                .ha1Lookup(lookup)
                .clock(clock)
                .nonceLifetime(nonceLifetime);
        if (nonceSecret != null) {
            b.secret(nonceSecret);
        }
        this.server = b.build();
    }

    String realm() {
        return server.realm();
    }

    /** Challenge values, one per algorithm, all with one fresh nonce. */
    List<String> challenges(boolean stale) {
        return server.challenges(stale);
    }

    /**
     * Verifies the request's {@code headerName} credentials (Authorization or Proxy-Authorization). Fails only
     * when the store does, or with {@link RejectedExecutionException} when the store executor is saturated.
     */
    CompletionStage<DigestVerdict> verify(SipRequest request, String headerName) {
        return server.verify(request.headers(headerName), request.method().name(), request.requestUriText(),
                request.body());
    }
}
