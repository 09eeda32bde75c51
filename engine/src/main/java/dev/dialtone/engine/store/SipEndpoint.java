package dev.dialtone.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A SIP endpoint as stored, field for field the {@code SipEndpointResponse} of seeds/001 (names in camelCase);
 * the password is not here: the store keeps only its digests. Empty {@code ciphers} or {@code codecs} mean
 * "the default list" (seeds/004). Build with {@link #builder()} or {@link #toBuilder()}.
 */
public record SipEndpoint(
        UUID id,
        String username,
        String callerId,
        String sendAs,
        List<String> ciphers,
        List<String> codecs,
        String encryption,
        String callHandler,
        UUID callingHandlerResourceId,
        String callRequestUrl,
        String callRequestMethod,
        String callFallbackUrl,
        String callFallbackMethod,
        String callStatusCallbackUrl,
        String callStatusCallbackMethod,
        String callLamlApplicationId,
        String callDialogflowAgentId,
        String callRelayTopic,
        String callRelayTopicStatusCallbackUrl,
        String callRelayContext,
        String callRelayContextStatusCallbackUrl,
        String callRelayApplication,
        UUID callVideoRoomId,
        String callRelayScriptUrl,
        Instant createdAt,
        Instant updatedAt) {

    public SipEndpoint {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(encryption, "encryption");
        ciphers = List.copyOf(ciphers);
        codecs = List.copyOf(codecs);
    }

    /** A new endpoint's defaults: no id yet, encryption {@code default}, methods {@code POST}, lists empty. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static final class Builder {
        private UUID id;
        private String username;
        private String callerId;
        private String sendAs;
        private List<String> ciphers = List.of();
        private List<String> codecs = List.of();
        private String encryption = "default";
        private String callHandler;
        private UUID callingHandlerResourceId;
        private String callRequestUrl;
        private String callRequestMethod = "POST";
        private String callFallbackUrl;
        private String callFallbackMethod = "POST";
        private String callStatusCallbackUrl;
        private String callStatusCallbackMethod = "POST";
        private String callLamlApplicationId;
        private String callDialogflowAgentId;
        private String callRelayTopic;
        private String callRelayTopicStatusCallbackUrl;
        private String callRelayContext;
        private String callRelayContextStatusCallbackUrl;
        private String callRelayApplication;
        private UUID callVideoRoomId;
        private String callRelayScriptUrl;
        private Instant createdAt;
        private Instant updatedAt;

        private Builder() {
        }

        private Builder(SipEndpoint e) {
            id = e.id;
            username = e.username;
            callerId = e.callerId;
            sendAs = e.sendAs;
            ciphers = e.ciphers;
            codecs = e.codecs;
            encryption = e.encryption;
            callHandler = e.callHandler;
            callingHandlerResourceId = e.callingHandlerResourceId;
            callRequestUrl = e.callRequestUrl;
            callRequestMethod = e.callRequestMethod;
            callFallbackUrl = e.callFallbackUrl;
            callFallbackMethod = e.callFallbackMethod;
            callStatusCallbackUrl = e.callStatusCallbackUrl;
            callStatusCallbackMethod = e.callStatusCallbackMethod;
            callLamlApplicationId = e.callLamlApplicationId;
            callDialogflowAgentId = e.callDialogflowAgentId;
            callRelayTopic = e.callRelayTopic;
            callRelayTopicStatusCallbackUrl = e.callRelayTopicStatusCallbackUrl;
            callRelayContext = e.callRelayContext;
            callRelayContextStatusCallbackUrl = e.callRelayContextStatusCallbackUrl;
            callRelayApplication = e.callRelayApplication;
            callVideoRoomId = e.callVideoRoomId;
            callRelayScriptUrl = e.callRelayScriptUrl;
            createdAt = e.createdAt;
            updatedAt = e.updatedAt;
        }

        public Builder id(UUID v) { id = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder callerId(String v) { callerId = v; return this; }
        public Builder sendAs(String v) { sendAs = v; return this; }
        public Builder ciphers(List<String> v) { ciphers = v; return this; }
        public Builder codecs(List<String> v) { codecs = v; return this; }
        public Builder encryption(String v) { encryption = v; return this; }
        public Builder callHandler(String v) { callHandler = v; return this; }
        public Builder callingHandlerResourceId(UUID v) { callingHandlerResourceId = v; return this; }
        public Builder callRequestUrl(String v) { callRequestUrl = v; return this; }
        public Builder callRequestMethod(String v) { callRequestMethod = v; return this; }
        public Builder callFallbackUrl(String v) { callFallbackUrl = v; return this; }
        public Builder callFallbackMethod(String v) { callFallbackMethod = v; return this; }
        public Builder callStatusCallbackUrl(String v) { callStatusCallbackUrl = v; return this; }
        public Builder callStatusCallbackMethod(String v) { callStatusCallbackMethod = v; return this; }
        public Builder callLamlApplicationId(String v) { callLamlApplicationId = v; return this; }
        public Builder callDialogflowAgentId(String v) { callDialogflowAgentId = v; return this; }
        public Builder callRelayTopic(String v) { callRelayTopic = v; return this; }
        public Builder callRelayTopicStatusCallbackUrl(String v) { callRelayTopicStatusCallbackUrl = v; return this; }
        public Builder callRelayContext(String v) { callRelayContext = v; return this; }
        public Builder callRelayContextStatusCallbackUrl(String v) { callRelayContextStatusCallbackUrl = v; return this; }
        public Builder callRelayApplication(String v) { callRelayApplication = v; return this; }
        public Builder callVideoRoomId(UUID v) { callVideoRoomId = v; return this; }
        public Builder callRelayScriptUrl(String v) { callRelayScriptUrl = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }

        public SipEndpoint build() {
            return new SipEndpoint(id, username, callerId, sendAs, ciphers, codecs, encryption, callHandler,
                    callingHandlerResourceId, callRequestUrl, callRequestMethod, callFallbackUrl, callFallbackMethod,
                    callStatusCallbackUrl, callStatusCallbackMethod, callLamlApplicationId, callDialogflowAgentId,
                    callRelayTopic, callRelayTopicStatusCallbackUrl, callRelayContext,
                    callRelayContextStatusCallbackUrl, callRelayApplication, callVideoRoomId, callRelayScriptUrl,
                    createdAt, updatedAt);
        }
    }
}
