package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipResponse;

/**
 * How an outgoing INVITE failed.
 *
 * @param kind     what happened
 * @param status   the final status, or 408 for a timeout and 503 for a transport error (RFC 3261 8.1.3.1)
 * @param response the final response, null when none came
 * @param reason   the reason phrase or the failure's description
 */
public record InviteFailure(Kind kind, int status, SipResponse response, String reason) {

    public enum Kind {
        /** A 3xx-6xx final response. */
        REJECTED,
        /** We cancelled and the INVITE was answered 487. */
        CANCELED,
        /** Timer B: no final response. */
        TIMEOUT,
        /** The transport could not send. */
        TRANSPORT_ERROR
    }
}
