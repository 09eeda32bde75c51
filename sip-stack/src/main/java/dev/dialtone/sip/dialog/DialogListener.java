package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;

/** What the application hears about a dialog. Called on the call's executor; must not block. */
public interface DialogListener {

    /**
     * A request in the dialog that needs the application's answer: a re-INVITE, an UPDATE with a body, INFO,
     * MESSAGE, REFER... BYE and body-less UPDATE (a pure session refresh) are answered by the dialog itself.
     * The default accepts, answering an offer with the dialog's current local session description.
     */
    default void onRequest(Dialog dialog, IncomingRequest request) {
        SipMethod m = request.request().method();
        if (m == SipMethod.INVITE || m == SipMethod.UPDATE) {
            request.accept(dialog.localSdp());
        } else {
            request.accept(null);
        }
    }

    /** The ACK of our 2xx arrived; it carries the answer when our 2xx carried the offer. */
    default void onAck(Dialog dialog, SipRequest ack) {
    }

    /** A confirmed dialog ended. Every timer of the dialog is already cancelled. */
    void onTerminated(Dialog dialog, Termination reason);
}
