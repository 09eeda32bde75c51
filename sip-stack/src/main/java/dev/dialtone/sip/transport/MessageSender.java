package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMessage;

import java.util.concurrent.CompletionStage;

/** What the layers above need of the transport: send one message somewhere, and hear whether it left. */
public interface MessageSender {

    /** Completes when the message is written; completes exceptionally on a transport error. */
    CompletionStage<Void> send(SipMessage message, Destination destination);
}
