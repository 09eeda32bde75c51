package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipResponse;

/**
 * Everything a transaction state machine does to the world. The machines do no I/O and start no threads,
 * so they are driven in tests by a fake context and a hand-moved clock.
 */
interface TransactionContext {

    /** Send a message to the transaction's peer. A failure comes back as a {@code TransportError} event. */
    void send(SipMessage message);

    /** Send the request again on its retransmission timer (Timer A or E); counted by the layer. */
    default void retransmit(SipMessage request) {
        send(request);
    }

    /** Arm a timer, replacing any earlier arming of the same timer. */
    void schedule(Timer timer, long delayMillis);

    /** Disarm a timer; harmless if it is not armed. */
    void cancel(Timer timer);

    /** Pass a response up to the transaction user (client transactions). */
    void deliver(SipResponse response);

    /** Tell the transaction user the transaction failed: Timer B/F/H expired, or the transport failed. */
    void failed(TransactionFailure failure, String reason);

    /** The machine reached Terminated: forget it and release its timers. */
    void terminated();

}
