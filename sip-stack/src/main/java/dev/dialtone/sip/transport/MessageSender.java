package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMessage;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** What the layers above need of the transport: send one message somewhere, and hear whether it left. */
public interface MessageSender {

    /** Completes when the message is written; completes exceptionally on a transport error. */
    CompletionStage<Void> send(SipMessage message, Destination destination);

    /**
     * Sends, and tells {@code onFailure} (on any thread) of a transport error only. For a sender that has nothing
     * to do when a message leaves, which is every send of the transaction layer: the transport can then spare the
     * completion stage, and what completes it, per message.
     */
    default void send(SipMessage message, Destination destination, Consumer<Throwable> onFailure) {
        reportFailure(send(message, destination), onFailure);
    }

    /** Tells {@code onFailure} if {@code sent} fails. */
    static void reportFailure(CompletionStage<Void> sent, Consumer<Throwable> onFailure) {
        sent.whenComplete((ok, err) -> {
            if (err != null) {
                onFailure.accept(err);
            }
        });
    }
}
