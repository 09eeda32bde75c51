package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipResponse;

/**
 * What the application hears about an INVITE it sent: progress, the answer, or the failure, and then what
 * happens to the dialog it made. Exactly one of {@link #onAnswered} and {@link #onFailed} is called.
 */
public interface InviteListener extends DialogListener {

    /**
     * A provisional response. {@code early} is the early dialog of a tagged response (one per fork), null for
     * an untagged one such as 100. Retransmitted reliable provisional responses are not repeated here.
     */
    default void onProvisional(DialogSet invite, Dialog early, SipResponse response) {
    }

    /**
     * The first 2xx: the dialog is confirmed. Its ACK is already sent, unless our INVITE had no SDP and the 2xx
     * carries an offer: then call {@link DialogLayer#ack} with the answer. 2xx from other forks are ACKed and sent BYE.
     */
    void onAnswered(DialogSet invite, Dialog dialog, SipResponse response);

    void onFailed(DialogSet invite, InviteFailure failure);
}
