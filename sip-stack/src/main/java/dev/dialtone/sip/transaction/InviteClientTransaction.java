package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseReceived;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INVITE client transaction of RFC 3261 17.1.1, with the Accepted state of RFC 6026 7.2 so that 2xx
 * responses from every fork reach the transaction user.
 *
 * <pre>
 *                    |INVITE from TU
 *  Timer A fires     |INVITE sent
 *  Reset A,          V                      Timer B fires
 *  INVITE sent +-----------+                or Transport Err.
 *    +---------|           |---------------+inform TU
 *    |         |  Calling  |               |
 *    +-------->|           |-------------->|
 *              +-----------+ 2xx           |
 *                 |  |       2xx to TU     |
 *                 |  |1xx                  |
 *  300-699 +------+  |1xx to TU            |
 * ACK sent |         |                     |
 * resp. to TU        V                     |
 *          |   +-----------+  2xx to TU  +----------+
 *          |   | Proceeding|------------>| Accepted |<-- 2xx to TU (retransmissions, other forks)
 *          |   +-----------+             +----------+
 *          |     300-699 | ACK sent           | Timer M fires
 *          |     to TU   V                    V
 *          |   +-----------+  Timer D    +------------+
 *          +-->| Completed |------------>| Terminated |
 *              +-----------+             +------------+
 *                 300-699: ACK sent again
 * </pre>
 */
final class InviteClientTransaction {
    private static final Logger log = LoggerFactory.getLogger(InviteClientTransaction.class);

    enum State { CALLING, PROCEEDING, ACCEPTED, COMPLETED, TERMINATED }

    private SipRequest invite; // until a final response: for retransmissions and the ACK of a non-2xx
    private final boolean reliable;
    private final TimerConfig timers;
    private final TransactionContext ctx;
    private State state = State.CALLING;
    private long timerA;
    private SipRequest ack;

    InviteClientTransaction(SipRequest invite, boolean reliable, TimerConfig timers, TransactionContext ctx) {
        this.invite = invite;
        this.reliable = reliable;
        this.timers = timers;
        this.ctx = ctx;
    }

    State state() {
        return state;
    }

    /** Sends the INVITE and arms Timers A and B (17.1.1.2). */
    void start() {
        ctx.send(invite);
        if (!reliable) {
            timerA = timers.t1();
            ctx.schedule(Timer.A, timerA);
        }
        ctx.schedule(Timer.B, timers.requestTimeout());
    }

    void on(TransactionEvent event) {
        switch (state) {
            case CALLING -> {
                if (event instanceof TimerFired t && t.timer() == Timer.A) {
                    // 17.1.1.2: retransmit, doubling the interval each time, until Timer B.
                    ctx.retransmit(invite);
                    timerA *= 2;
                    ctx.schedule(Timer.A, timerA);
                } else if (event instanceof TimerFired t && t.timer() == Timer.B) {
                    fail(TransactionFailure.TIMEOUT, "Timer B expired");
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else if (event instanceof ResponseReceived r) {
                    onResponse(r.response());
                } else {
                    unexpected(event);
                }
            }
            case PROCEEDING -> {
                if (event instanceof ResponseReceived r) {
                    onResponse(r.response());
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else {
                    // Timer B no longer applies once a provisional response came: the TU's CANCEL governs.
                    unexpected(event);
                }
            }
            case ACCEPTED -> {
                if (event instanceof ResponseReceived r) {
                    // RFC 6026 7.2: every 2xx goes up so the TU can ACK each fork; other responses are absorbed.
                    if (r.response().status() / 100 == 2) {
                        ctx.deliver(r.response());
                    }
                } else if (event instanceof TimerFired t && t.timer() == Timer.M) {
                    terminate();
                } else {
                    unexpected(event);
                }
            }
            case COMPLETED -> {
                if (event instanceof ResponseReceived r) {
                    // 17.1.1.2: a retransmitted final response gets the same ACK again and is not passed up.
                    if (r.response().status() >= 300) {
                        ctx.send(ack);
                    }
                } else if (event instanceof TimerFired t && t.timer() == Timer.D) {
                    terminate();
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else {
                    unexpected(event);
                }
            }
            case TERMINATED -> unexpected(event);
        }
    }

    private void onResponse(SipResponse response) {
        int status = response.status();
        if (status < 200) {
            if (state == State.CALLING) {
                state = State.PROCEEDING;
                ctx.cancel(Timer.A);
            }
            ctx.deliver(response);
        } else if (status < 300) {
            state = State.ACCEPTED;
            invite = null;
            ctx.cancel(Timer.A);
            ctx.cancel(Timer.B);
            ctx.deliver(response);
            ctx.schedule(Timer.M, timers.timeout());
        } else {
            state = State.COMPLETED;
            ctx.cancel(Timer.A);
            ctx.cancel(Timer.B);
            ack = Requests.ackForNonSuccess(invite, response);
            invite = null;
            ctx.send(ack);
            ctx.deliver(response);
            // 17.1.1.2: Timer D is at least 32 s on unreliable transports, zero on reliable ones.
            ctx.schedule(Timer.D, reliable ? 0 : Math.max(timers.d(), timers.timeout()));
        }
    }

    private void fail(TransactionFailure failure, String reason) {
        ctx.failed(failure, reason);
        terminate();
    }

    private void terminate() {
        state = State.TERMINATED;
        for (Timer t : new Timer[] {Timer.A, Timer.B, Timer.D, Timer.M}) {
            ctx.cancel(t);
        }
        ctx.terminated();
    }

    private void unexpected(TransactionEvent event) {
        log.debug("INVITE client transaction in {} ignores {}", state, event);
    }
}
