package dev.dialtone.engine.cxml;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <Sip>} noun of {@code <Dial>} (seed 002): a SIP destination and how to reach it.
 *
 * @param target               the SIP URI (element text)
 * @param codecs               codecs to offer, in order
 * @param method               method of the {@code url} request
 * @param username             user for digest authentication toward the destination
 * @param password             password for digest authentication
 * @param sessionTimeout       Session-Expires seconds; 0 lets the engine choose
 * @param statusCallback       URL for the events in {@code statusCallbackEvents}
 * @param statusCallbackEvents events to report; {@code completed} when the attribute is absent
 * @param statusCallbackMethod method of the status callback requests
 * @param url                  whisper document run on the dialed leg after it answers, before the bridge
 */
public record Sip(SipTarget target, List<Codec> codecs, HttpMethod method, Optional<String> username,
                  Optional<String> password, int sessionTimeout, Optional<String> statusCallback,
                  Set<StatusCallbackEvent> statusCallbackEvents, HttpMethod statusCallbackMethod,
                  Optional<String> url) {

    public static final List<Codec> DEFAULT_CODECS = List.of(Codec.PCMU, Codec.PCMA);
    public static final HttpMethod DEFAULT_METHOD = HttpMethod.POST;
    public static final Set<StatusCallbackEvent> DEFAULT_STATUS_CALLBACK_EVENTS = Set.of(StatusCallbackEvent.COMPLETED);

    public Sip {
        Objects.requireNonNull(target, "target");
        codecs = List.copyOf(codecs);
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(statusCallback, "statusCallback");
        statusCallbackEvents = statusCallbackEvents.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(statusCallbackEvents));
        Objects.requireNonNull(statusCallbackMethod, "statusCallbackMethod");
        Objects.requireNonNull(url, "url");
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("codecs must not be empty");
        }
        if (sessionTimeout < 0) {
            throw new IllegalArgumentException("sessionTimeout must not be negative: " + sessionTimeout);
        }
    }

    /** Whether {@code event} is to be reported to {@link #statusCallback()}. */
    public boolean reports(StatusCallbackEvent event) {
        return statusCallback.isPresent() && statusCallbackEvents.contains(event);
    }

    public static Builder builder(SipTarget target) {
        return new Builder(target);
    }

    @Override
    public String toString() {
        return "Sip[target=" + target + ", codecs=" + codecs + ", method=" + method + ", username=" + username
                + ", password=" + password.map(p -> "****") + ", sessionTimeout=" + sessionTimeout
                + ", statusCallback=" + statusCallback + ", statusCallbackEvents=" + statusCallbackEvents
                + ", statusCallbackMethod=" + statusCallbackMethod + ", url=" + url + "]";
    }

    /** Builds a {@link Sip} starting from the defaults cXML gives an attribute left out. */
    public static final class Builder {
        private final SipTarget target;
        private List<Codec> codecs = DEFAULT_CODECS;
        private HttpMethod method = DEFAULT_METHOD;
        private String username;
        private String password;
        private int sessionTimeout;
        private String statusCallback;
        private Set<StatusCallbackEvent> statusCallbackEvents = DEFAULT_STATUS_CALLBACK_EVENTS;
        private HttpMethod statusCallbackMethod = HttpMethod.POST;
        private String url;

        private Builder(SipTarget target) {
            this.target = target;
        }

        public Builder codecs(List<Codec> codecs) { this.codecs = new ArrayList<>(codecs); return this; }
        public Builder method(HttpMethod method) { this.method = method; return this; }
        public Builder username(String username) { this.username = username; return this; }
        public Builder password(String password) { this.password = password; return this; }
        public Builder sessionTimeout(int sessionTimeout) { this.sessionTimeout = sessionTimeout; return this; }
        public Builder statusCallback(String statusCallback) { this.statusCallback = statusCallback; return this; }
        public Builder statusCallbackEvents(Set<StatusCallbackEvent> events) { this.statusCallbackEvents = events; return this; }
        public Builder statusCallbackMethod(HttpMethod method) { this.statusCallbackMethod = method; return this; }
        public Builder url(String url) { this.url = url; return this; }

        public Sip build() {
            return new Sip(target, codecs, method, Optional.ofNullable(username), Optional.ofNullable(password),
                    sessionTimeout, Optional.ofNullable(statusCallback), statusCallbackEvents, statusCallbackMethod,
                    Optional.ofNullable(url));
        }
    }
}
