package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipResponse;

/** Sends responses to one received request: its server transaction, or a recorder in tests. */
@FunctionalInterface
interface Responder {
    void respond(SipResponse response);
}
