package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.RequestReceived;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseSent;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The non-INVITE server transaction of RFC 3261 17.2.2.
 *
 * <pre>
 *                   |Request received
 *                   |pass to TU
 *                   V
 *             +-----------+
 *             |  Trying   |-------------+
 *             +-----------+             |  200-699 from TU: send response
 *                   |1xx from TU        |
 *                   |send response      |
 *                   V                   |
 *  Request    +-----------+             |
 *  send 1xx   | Proceeding|------------>|  200-699 from TU: send response
 *  again      +-----------+             |
 *                                       V
 *  Request                        +-----------+
 *  send final response again      | Completed |
 *                                 +-----------+
 *                                       | Timer J (64*T1 unreliable, 0 reliable)
 *                                       V
 *                                   Terminated
 * </pre>
 */
final class NonInviteServerTransaction {
    private static final Logger log = LoggerFactory.getLogger(NonInviteServerTransaction.class);

    enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

    private final boolean reliable;
    private final TimerConfig timers;
    private final TransactionContext ctx;
    private State state = State.TRYING;
    private SipResponse lastResponse;

    NonInviteServerTransaction(boolean reliable, TimerConfig timers, TransactionContext ctx) {
        this.reliable = reliable;
        this.timers = timers;
        this.ctx = ctx;
    }

    State state() {
        return state;
    }

    SipResponse lastResponse() {
        return lastResponse;
    }

    void on(TransactionEvent event) {
        switch (state) {
            case TRYING -> {
                if (event instanceof ResponseSent s) {
                    respond(s.response());
                } else if (event instanceof TransportError e) {
                    fail(e.reason());
                } else if (!(event instanceof RequestReceived)) { // 17.2.2: retransmissions absorbed in Trying
                    unexpected(event);
                }
            }
            case PROCEEDING -> {
                if (event instanceof RequestReceived) {
                    ctx.send(lastResponse);
                } else if (event instanceof ResponseSent s) {
                    respond(s.response());
                } else if (event instanceof TransportError e) {
                    fail(e.reason());
                } else {
                    unexpected(event);
                }
            }
            case COMPLETED -> {
                if (event instanceof RequestReceived) {
                    ctx.send(lastResponse);
                } else if (event instanceof TimerFired t && t.timer() == Timer.J) {
                    terminate();
                } else if (event instanceof TransportError e) {
                    fail(e.reason());
                } else {
                    unexpected(event);
                }
            }
            case TERMINATED -> unexpected(event);
        }
    }

    private void respond(SipResponse response) {
        lastResponse = response;
        ctx.send(response);
        if (response.status() < 200) {
            state = State.PROCEEDING;
        } else {
            state = State.COMPLETED;
            ctx.schedule(Timer.J, reliable ? 0 : timers.timeout());
        }
    }

    private void fail(String reason) {
        ctx.failed(TransactionFailure.TRANSPORT_ERROR, reason);
        terminate();
    }

    private void terminate() {
        state = State.TERMINATED;
        ctx.cancel(Timer.J);
        ctx.terminated();
    }

    private void unexpected(TransactionEvent event) {
        log.debug("non-INVITE server transaction in {} ignores {}", state, event);
    }
}
