package dev.dialtone.engine.call;

import dev.dialtone.sip.dialog.IncomingRequest;

import java.util.concurrent.CompletionStage;

/**
 * Decides what a new INVITE becomes before any call exists for it: which application runs it, a direct call to
 * an endpoint, or a refusal (an authentication challenge, an untrusted source). The engine's default runs every
 * INVITE through its inbound application.
 */
@FunctionalInterface
public interface InboundRouter {

    /**
     * Called on the SIP event loop: must not block; slow work (a store, a digest check) completes the stage later,
     * on any thread. A stage that fails is answered {@code 500}.
     */
    CompletionStage<Route> route(IncomingRequest invite);
}
