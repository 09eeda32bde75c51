package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.sip.message.SipResponse;

import java.util.Objects;

/** What {@link CallAuthenticator#authenticate} decided about a request from an endpoint. */
public sealed interface AuthResult {

    /** The request carries valid credentials of {@code endpoint}: proceed as that endpoint. */
    record Ok(SipEndpoint endpoint) implements AuthResult {
        public Ok {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * Send {@code response} and stop: a {@code 407} with {@code Proxy-Authenticate} challenges (no or stale
     * credentials), {@code 403} (wrong credentials), {@code 400} (malformed credentials), or {@code 500}/{@code 503}
     * when the store failed or is saturated.
     */
    record Rejected(SipResponse response) implements AuthResult {
        public Rejected {
            Objects.requireNonNull(response, "response");
        }
    }
}
