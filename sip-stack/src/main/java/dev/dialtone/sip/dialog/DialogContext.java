package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;

/**
 * Everything a dialog does to the world. The dialog does no I/O and starts no threads, so tests drive it with a
 * fake context and a clock moved by hand.
 */
interface DialogContext {

    /** A top Via with a fresh RFC 3261 branch for a request going to {@code nextHop}. */
    Via via(Uri nextHop);

    /** Start a client transaction; its responses come back as {@code ResponseReceived} or {@code RequestFailed}. */
    void send(SipRequest request, Uri nextHop);

    /** Send the ACK of a 2xx, which has no transaction (RFC 3261 13.2.2.4). */
    void sendAck(SipRequest ack, Uri nextHop);

    /** Arm a timer, replacing an earlier arming of the same one. */
    void schedule(DialogTimer timer, long delayMillis);

    /** Disarm a timer; harmless if it is not armed. */
    void cancel(DialogTimer timer);

    /** A uniformly random int in [0, bound). */
    int random(int bound);

    /** A provisional response on an early dialog we created as UAC, for the application. */
    void provisional(SipResponse response);

    /** A request in the dialog the application must answer (through an {@code Answer} event). */
    void requestArrived(SipRequest request, Responder responder);

    /** The ACK of our 2xx arrived (it may carry an SDP answer). */
    void ackArrived(SipRequest ack);

    /** The dialog ended; {@code confirmed} tells whether it had been confirmed (only those are reported). */
    void terminated(Termination reason, boolean confirmed);
}
