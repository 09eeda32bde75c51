package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.HttpMethod;

import java.time.Duration;
import java.util.Objects;

/**
 * What the call engine needs to know about its surroundings.
 *
 * @param accountSid    the {@code AccountSid} of every call (the project id)
 * @param advertisedHost the address written into SDP and the From of dialed legs
 * @param inboundUrl    the application for inbound calls (http, https, file:, or "/" for an in-process one);
 *                      null when there is none
 * @param inboundMethod GET or POST
 * @param mediaTimeout  how long a bridged leg may send nothing before the call is hung up; zero disables
 * @param drainTimeout  how long a stopping engine lets live calls run before it hangs them up
 */
public record EngineConfig(String accountSid, String advertisedHost, String inboundUrl, HttpMethod inboundMethod,
                           Duration mediaTimeout, Duration drainTimeout) {

    public EngineConfig {
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(inboundMethod, "inboundMethod");
        Objects.requireNonNull(mediaTimeout, "mediaTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }
}
