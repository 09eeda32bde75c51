package dev.dialtone.engine.call;

import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transport.Destination;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where this server's own endpoints are: a {@code <Sip>} that names one of them ({@code sip:alice@<this server>})
 * rings every contact it registered, each over the way its registration came in, instead of going through DNS.
 */
public interface EndpointDirectory {

    /** No endpoints: every URI is dialed as written. */
    EndpointDirectory NONE = new EndpointDirectory() {
        @Override
        public Optional<String> localUser(SipUri uri) {
            return Optional.empty();
        }

        @Override
        public CompletionStage<Optional<List<Contact>>> contacts(String username) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
    };

    /** The endpoint username {@code uri} addresses when its host (and port, if any) is this server. Must not block. */
    Optional<String> localUser(SipUri uri);

    /**
     * The endpoint's live contacts, each with where to send to it; an empty list when it exists but is not
     * registered (or no registration is reachable), empty when there is no such endpoint. Any thread.
     */
    CompletionStage<Optional<List<Contact>>> contacts(String username);

    /**
     * One registered contact.
     *
     * @param requestUri  the Request-URI of a request to it: the registered Contact URI (RFC 3261 16.5)
     * @param destination where the request goes: the registration's source over UDP, its connection over TCP or
     *                    TLS while open (RFC 5626 5.3)
     */
    record Contact(Uri requestUri, Destination destination) {
        public Contact {
            Objects.requireNonNull(requestUri, "requestUri");
            Objects.requireNonNull(destination, "destination");
        }
    }
}
