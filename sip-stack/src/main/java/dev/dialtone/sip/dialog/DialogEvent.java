package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionFailure;

import java.util.concurrent.CompletableFuture;

/** What can happen to a dialog. {@link Dialog#on} handles each in one switch on the dialog's state. */
sealed interface DialogEvent {

    /** A request inside this dialog arrived (never ACK or CANCEL, which have their own paths). */
    record RequestReceived(SipRequest request, Responder responder) implements DialogEvent {
    }

    /** The ACK for a 2xx we sent (RFC 3261 13.3.1.4). */
    record AckReceived(SipRequest ack) implements DialogEvent {
    }

    /**
     * A response to a request this dialog sent; {@code request} is null for a 2xx retransmission no transaction
     * was waiting for.
     */
    record ResponseReceived(SipRequest request, SipResponse response) implements DialogEvent {
    }

    /** A request this dialog sent got no final response (Timer B or F), or the transport failed. */
    record RequestFailed(SipRequest request, TransactionFailure failure, String reason) implements DialogEvent {
    }

    record TimerFired(DialogTimer timer) implements DialogEvent {
    }

    /** The application answers a request this dialog received (or, for a UAS, the INVITE that made it). */
    record Answer(SipRequest request, Responder responder, int status, String reason, String contentType,
                  byte[] body, java.util.List<dev.dialtone.sip.message.Header> headers) implements DialogEvent {
        Answer(SipRequest request, Responder responder, int status, String reason, String contentType, byte[] body) {
            this(request, responder, status, reason, contentType, body, java.util.List.of());
        }
    }

    /** The application sends a request in the dialog: re-INVITE, UPDATE, INFO, ... (not BYE, not ACK). */
    record SendRequest(SipMethod method, String contentType, byte[] body, CompletableFuture<SipResponse> result)
            implements DialogEvent {
    }

    /** The application's answer for the ACK of a 2xx that carried an offer (our INVITE had none). */
    record SendAck(String contentType, byte[] body) implements DialogEvent {
    }

    /** The application hangs up: BYE on a confirmed dialog. */
    record SendBye() implements DialogEvent {
    }

    /** End an early dialog without a word on the wire (its INVITE failed, or another fork answered). */
    record Discard(Termination reason) implements DialogEvent {
    }
}
