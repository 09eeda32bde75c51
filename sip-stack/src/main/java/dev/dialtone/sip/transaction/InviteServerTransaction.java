package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.RequestReceived;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseSent;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INVITE server transaction of RFC 3261 17.2.1, with the Accepted state of RFC 6026 7.1: after a 2xx the
 * transaction stays to absorb INVITE retransmissions while the dialog layer retransmits the 2xx until ACK.
 *
 * <pre>
 *                               |INVITE
 *                               |pass INV to TU, send 100 Trying
 *            INVITE             V
 *     send last 1xx  +-----------+  1xx from TU: send
 *           +--------| Proceeding|<----+
 *           +------->|           |-----+
 *                    +-----------+    2xx from TU: send    +----------+
 *      300-699 from TU |    |-------------------------------->| Accepted |--+ INVITE: absorb
 *      send response   |    | Transport Err.: inform TU       +----------+<-+ 2xx from TU: send
 *                      V    V                                    | Timer L
 *   INVITE       +-----------+  Timer H / Transport Err.         |
 *   send resp.   | Completed |------------------------+         |
 *   Timer G      +-----------+                        |         |
 *   send resp.       | ACK                            |         |
 *                    V                                |         |
 *                +-----------+                        |         |
 *                | Confirmed |--+ ACK: absorb         |         |
 *                +-----------+<-+                     |         |
 *                    | Timer I                        V         V
 *                    +----------------------------> Terminated <+
 * </pre>
 */
final class InviteServerTransaction {
    private static final Logger log = LoggerFactory.getLogger(InviteServerTransaction.class);

    enum State { PROCEEDING, ACCEPTED, COMPLETED, CONFIRMED, TERMINATED }

    private SipRequest invite; // until the final response: only the 100 Trying is made from it
    private final boolean reliable;
    private final TimerConfig timers;
    private final TransactionContext ctx;
    private State state = State.PROCEEDING;
    private SipResponse lastResponse;
    private long timerG;

    InviteServerTransaction(SipRequest invite, boolean reliable, TimerConfig timers, TransactionContext ctx) {
        this.invite = invite;
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

    /**
     * 17.2.1: 100 Trying, so the client stops retransmitting while the TU works. Called once the TU has seen the
     * request; if it has already responded, the 100 would only cost the peer a packet.
     */
    void start() {
        if (state == State.PROCEEDING && lastResponse == null) {
            lastResponse = invite.createResponse(100);
            ctx.send(lastResponse);
        }
    }

    void on(TransactionEvent event) {
        switch (state) {
            case PROCEEDING -> {
                if (event instanceof RequestReceived r && isInvite(r.request())) {
                    ctx.send(lastResponse);
                } else if (event instanceof ResponseSent s) {
                    respond(s.response());
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else {
                    unexpected(event);
                }
            }
            case ACCEPTED -> {
                if (event instanceof ResponseSent s && s.response().status() / 100 == 2) {
                    // The dialog layer's 2xx retransmissions (13.3.1.4) pass through here; it keeps the 2xx.
                    ctx.send(s.response());
                } else if (event instanceof TimerFired t && t.timer() == Timer.L) {
                    terminate();
                } else if (!(event instanceof RequestReceived)) { // RFC 6026 7.1: INVITE retransmissions absorbed
                    unexpected(event);
                }
            }
            case COMPLETED -> {
                if (event instanceof RequestReceived r && isInvite(r.request())) {
                    ctx.send(lastResponse);
                } else if (event instanceof RequestReceived r && r.request().method() == SipMethod.ACK) {
                    state = State.CONFIRMED;
                    lastResponse = null;
                    ctx.cancel(Timer.G);
                    ctx.cancel(Timer.H);
                    // 17.2.1: Timer I = T4 on unreliable transports (absorbs ACK retransmissions), else zero.
                    ctx.schedule(Timer.I, reliable ? 0 : timers.t4());
                } else if (event instanceof TimerFired t && t.timer() == Timer.G) {
                    ctx.send(lastResponse);
                    timerG = Math.min(2 * timerG, timers.t2());
                    ctx.schedule(Timer.G, timerG);
                } else if (event instanceof TimerFired t && t.timer() == Timer.H) {
                    fail(TransactionFailure.NO_ACK, "Timer H expired without ACK");
                } else if (event instanceof TransportError e) {
                    fail(TransactionFailure.TRANSPORT_ERROR, e.reason());
                } else {
                    unexpected(event);
                }
            }
            case CONFIRMED -> {
                if (event instanceof TimerFired t && t.timer() == Timer.I) {
                    terminate();
                } else if (!(event instanceof RequestReceived)) {
                    unexpected(event);
                }
            }
            case TERMINATED -> unexpected(event);
        }
    }

    private void respond(SipResponse response) {
        lastResponse = response;
        ctx.send(response);
        int status = response.status();
        if (status < 200) {
            return;
        }
        invite = null;
        if (status < 300) {
            // RFC 6026 7.1: retransmitted INVITEs are absorbed here, so the 2xx need not be kept.
            lastResponse = null;
            state = State.ACCEPTED;
            ctx.schedule(Timer.L, timers.timeout());
        } else {
            state = State.COMPLETED;
            if (!reliable) {
                timerG = timers.t1();
                ctx.schedule(Timer.G, timerG);
            }
            ctx.schedule(Timer.H, timers.timeout());
        }
    }

    private static boolean isInvite(SipRequest request) {
        return request.method() == SipMethod.INVITE;
    }

    private void fail(TransactionFailure failure, String reason) {
        ctx.failed(failure, reason);
        terminate();
    }

    private void terminate() {
        state = State.TERMINATED;
        for (Timer t : new Timer[] {Timer.G, Timer.H, Timer.I, Timer.L}) {
            ctx.cancel(t);
        }
        ctx.terminated();
    }

    private void unexpected(TransactionEvent event) {
        log.debug("INVITE server transaction in {} ignores {}", state, event);
    }
}
