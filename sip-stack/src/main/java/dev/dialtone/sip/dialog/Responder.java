package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipResponse;

/** Sends responses to one received request: its server transaction, or a recorder in tests. */
@FunctionalInterface
interface Responder {
    void respond(SipResponse response);

    /**
     * Sends a 2xx to an INVITE once more (RFC 3261 13.3.1.4). It goes straight to the transport, because the server
     * transaction may have ended before the last retransmission is due (RFC 6026 7.1, Timer L).
     */
    default void retransmit(SipResponse response) {
        respond(response);
    }
}
