package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseReceived;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The non-INVITE client transaction of RFC 3261 17.1.2.
 *
 * <pre>
 *                    |Request from TU
 *                    |send request
 * Timer E            V
 * send request +-----------+
 *     +--------|           |-------+ Timer F or Transport Err.: inform TU
 *     |        |  Trying   |       |
 *     +------->|           |       |
 *              +-----------+       |
 * 200-699        |     |1xx        |
 * resp. to TU    |     |to TU      |
 *                |     V           |
 *                | +-----------+   |
 *  Timer E       | |           |   |
 *  send request  | | Proceeding|-->| Timer F or Transport Err.
 *     (at T2)    | +-----------+   |
 *                | 200-699|        |
 *                V        V        |
 *              +-----------+       |
 *              | Completed |       |
 *              +-----------+       |
 *                 | Timer K        |
 *                 V                V
 *              +------------------------+
 *              |       Terminated       |
 *              +------------------------+
 * </pre>
 */
final class NonInviteClientTransaction {
    private static final Logger log = LoggerFactory.getLogger(NonInviteClientTransaction.class);

    enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

    private SipRequest request; // until the final response: Completed only absorbs retransmissions (Timer K)
    private final boolean reliable;
    private final TimerConfig timers;
    private final TransactionContext ctx;
    private State state = State.TRYING;
    private long timerE;

    NonInviteClientTransaction(SipRequest request, boolean reliable, TimerConfig timers, TransactionContext ctx) {
        this.request = request;
        this.reliable = reliable;
        this.timers = timers;
        this.ctx = ctx;
    }

    State state() {
        return state;
    }

    SipRequest request() {
        return request;
    }

    void start() {
        ctx.send(request);
        if (!reliable) {
            timerE = timers.t1();
            ctx.schedule(Timer.E, timerE);
        }
        ctx.schedule(Timer.F, timers.requestTimeout());
    }

    void on(TransactionEvent event) {
        switch (state) {
            case TRYING, PROCEEDING -> {
                if (event instanceof TimerFired t && t.timer() == Timer.E) {
                    // 17.1.2.2: doubling up to T2 while Trying; once Proceeding, every T2.
                    ctx.retransmit(request);
                    timerE = state == State.TRYING ? Math.min(2 * timerE, timers.t2()) : timers.t2();
                    ctx.schedule(Timer.E, timerE);
                } else if (event instanceof TimerFired t && t.timer() == Timer.F) {
                    fail(TransactionFailure.TIMEOUT, "Timer F expired");
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else if (event instanceof ResponseReceived r) {
                    onResponse(r.response());
                } else {
                    unexpected(event);
                }
            }
            case COMPLETED -> {
                if (event instanceof TimerFired t && t.timer() == Timer.K) {
                    terminate();
                } else if (!(event instanceof ResponseReceived)) { // response retransmissions are absorbed
                    unexpected(event);
                }
            }
            case TERMINATED -> unexpected(event);
        }
    }

    private void onResponse(SipResponse response) {
        if (response.status() < 200) {
            state = State.PROCEEDING;
            ctx.deliver(response);
            return;
        }
        state = State.COMPLETED;
        request = null;
        ctx.cancel(Timer.E);
        ctx.cancel(Timer.F);
        ctx.deliver(response);
        // 17.1.2.2: Timer K = T4 on unreliable transports, zero on reliable ones.
        ctx.schedule(Timer.K, reliable ? 0 : timers.t4());
    }

    private void fail(TransactionFailure failure, String reason) {
        ctx.failed(failure, reason);
        terminate();
    }

    private void terminate() {
        state = State.TERMINATED;
        ctx.cancel(Timer.E);
        ctx.cancel(Timer.F);
        ctx.cancel(Timer.K);
        ctx.terminated();
    }

    private void unexpected(TransactionEvent event) {
        log.debug("non-INVITE client transaction in {} ignores {}", state, event);
    }
}
