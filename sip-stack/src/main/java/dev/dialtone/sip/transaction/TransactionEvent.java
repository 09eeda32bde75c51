package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

/** What can happen to a transaction. Each state machine handles them in one {@code on(event)} switch. */
sealed interface TransactionEvent {

    /** A request arrived from the network: a retransmission, or the ACK of a server INVITE transaction. */
    record RequestReceived(SipRequest request) implements TransactionEvent {
    }

    /** A response arrived from the network for a client transaction. */
    record ResponseReceived(SipResponse response) implements TransactionEvent {
    }

    /** The transaction user sends a response through a server transaction. */
    record ResponseSent(SipResponse response) implements TransactionEvent {
    }

    /** A timer this transaction scheduled has fired. */
    record TimerFired(Timer timer) implements TransactionEvent {
    }

    /** The transport could not send (RFC 3261 17.1.4, 17.2.4). */
    record TransportError(String reason) implements TransactionEvent {
    }
}
