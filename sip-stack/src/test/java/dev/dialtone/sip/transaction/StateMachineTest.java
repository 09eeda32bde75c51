package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TransactionEvent.RequestReceived;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseReceived;
import dev.dialtone.sip.transaction.TransactionEvent.ResponseSent;
import dev.dialtone.sip.transaction.TransactionEvent.TimerFired;
import dev.dialtone.sip.transaction.TransactionEvent.TransportError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateMachineTest {
    private static final TimerConfig TIMERS = TimerConfig.DEFAULT;
    private final FakeContext ctx = new FakeContext();

    @Test
    void inviteClient_retransmitsWithDoubling_untilTimerB() {
        SipRequest invite = Messages.invite("z9hG4bK-a");
        InviteClientTransaction t = new InviteClientTransaction(invite, false, TIMERS, ctx);
        t.start();
        ctx.fireAll(t::on);
        // RFC 3261 17.1.1.2: sent at 0, then after 0.5, 1, 2, 4, 8, 16 s; Timer B at 64*T1 = 32 s ends it.
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), ctx.sentAt);
        assertEquals(32_000L, ctx.now);
        assertEquals(List.of(TransactionFailure.TIMEOUT), ctx.failures);
        assertTrue(ctx.terminated);
        assertTrue(ctx.armedAt.isEmpty(), "every timer disarmed");
    }

    @Test
    void inviteClient_withAShorterRequestTimeout_givesUpThen_butKeepsTimerMAt64T1() {
        TimerConfig timers = TIMERS.withRequestTimeout(5000);
        SipRequest invite = Messages.invite("z9hG4bK-rt");
        InviteClientTransaction t = new InviteClientTransaction(invite, false, timers, ctx);
        t.start();
        ctx.fireAll(t::on);
        // Timer A still doubles from T1; Timer B ends the transaction at 5 s, so nothing is sent after 3.5 s.
        assertEquals(List.of(0L, 500L, 1500L, 3500L), ctx.sentAt);
        assertEquals(5000L, ctx.now);
        assertEquals(List.of(TransactionFailure.TIMEOUT), ctx.failures);
        assertTrue(ctx.terminated);

        // Answered, the same transaction still absorbs 2xx retransmissions for the RFC 6026 64*T1.
        FakeContext answered = new FakeContext();
        SipRequest second = Messages.invite("z9hG4bK-rt2");
        InviteClientTransaction u = new InviteClientTransaction(second, false, timers, answered);
        u.start();
        u.on(new ResponseReceived(Messages.response(second, 200, "tt")));
        assertEquals(32_000L, (long) answered.armedAt.get(Timer.M));
    }

    @Test
    void nonInviteClient_withAShorterRequestTimeout_timesOutThen() {
        SipRequest bye = Messages.request("BYE", "z9hG4bK-rtf");
        NonInviteClientTransaction t = new NonInviteClientTransaction(bye, false, TIMERS.withRequestTimeout(2000), ctx);
        t.start();
        ctx.fireAll(t::on);
        assertEquals(List.of(0L, 500L, 1500L), ctx.sentAt);
        assertEquals(2000L, ctx.now);
        assertEquals(List.of(TransactionFailure.TIMEOUT), ctx.failures);
    }

    @Test
    void requestTimeout_mustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> TIMERS.withRequestTimeout(0));
    }

    @Test
    void inviteClient_overReliableTransport_neverRetransmits() {
        InviteClientTransaction t = new InviteClientTransaction(Messages.invite("z9hG4bK-b"), true, TIMERS, ctx);
        t.start();
        assertEquals(List.of(Timer.B), List.copyOf(ctx.armedAt.keySet()));
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertEquals(1, ctx.sent.size());
        assertEquals(List.of(TransactionFailure.TIMEOUT), ctx.failures);
    }

    @Test
    void inviteClient_provisionalStopsRetransmission_andFinalErrorIsAckedInsideTheTransaction() {
        SipRequest invite = Messages.invite("z9hG4bK-c");
        InviteClientTransaction t = new InviteClientTransaction(invite, false, TIMERS, ctx);
        t.start();
        t.on(new ResponseReceived(Messages.response(invite, 180, "tt")));
        assertEquals(InviteClientTransaction.State.PROCEEDING, t.state());
        assertNull(ctx.armedAt.get(Timer.A), "a provisional response stops Timer A");

        SipResponse busy = Messages.response(invite, 486, "tt");
        t.on(new ResponseReceived(busy));
        assertEquals(InviteClientTransaction.State.COMPLETED, t.state());
        assertEquals(2, ctx.sent.size());
        SipRequest ack = (SipRequest) ctx.sent.get(1);
        // 17.1.1.3: same branch as the INVITE, To with the response's tag, CSeq number of the INVITE, its Route.
        assertSame(SipMethod.ACK, ack.method());
        assertEquals("z9hG4bK-c", ack.topVia().branch());
        assertEquals(1, ack.vias().size());
        assertEquals("tt", ack.to().tag());
        assertEquals("f1", ack.from().tag());
        assertEquals(7, ack.cseq().seq());
        assertSame(SipMethod.ACK, ack.cseq().method());
        assertEquals(invite.requestUriText(), ack.requestUriText());
        assertEquals(List.of("<sip:127.0.0.1:5080;lr>"), ack.headers("Route"));
        assertEquals(2, ctx.delivered.size());

        t.on(new ResponseReceived(busy)); // retransmitted final response
        assertEquals(3, ctx.sent.size(), "the ACK is sent again");
        assertSame(ack, ctx.sent.get(2));
        assertEquals(2, ctx.delivered.size(), "the retransmission is not passed up");

        assertEquals(32_000L, (long) ctx.armedAt.get(Timer.D));
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertTrue(ctx.terminated);
        assertTrue(ctx.failures.isEmpty());
    }

    @Test
    void inviteClient_passesUpEvery2xx_inAccepted_untilTimerM() {
        SipRequest invite = Messages.invite("z9hG4bK-d");
        InviteClientTransaction t = new InviteClientTransaction(invite, false, TIMERS, ctx);
        t.start();
        t.on(new ResponseReceived(Messages.response(invite, 200, "fork1")));
        t.on(new ResponseReceived(Messages.response(invite, 200, "fork2")));
        t.on(new ResponseReceived(Messages.response(invite, 200, "fork1")));
        assertEquals(InviteClientTransaction.State.ACCEPTED, t.state());
        assertEquals(3, ctx.delivered.size(), "RFC 6026: each 2xx goes to the TU, which ACKs it");
        assertEquals(1, ctx.sent.size(), "the transaction itself never ACKs a 2xx");
        assertEquals(List.of(Timer.M), List.copyOf(ctx.armedAt.keySet()));
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertTrue(ctx.terminated);
    }

    @Test
    void inviteClient_transportError_failsAtOnce() {
        InviteClientTransaction t = new InviteClientTransaction(Messages.invite("z9hG4bK-e"), false, TIMERS, ctx);
        t.start();
        t.on(new TransportError("connection refused"));
        assertEquals(List.of(TransactionFailure.TRANSPORT_ERROR), ctx.failures);
        assertTrue(ctx.terminated);
        assertTrue(ctx.armedAt.isEmpty());
    }

    @Test
    void nonInviteClient_retransmitsDoublingCappedAtT2_untilTimerF() {
        NonInviteClientTransaction t = new NonInviteClientTransaction(Messages.request("OPTIONS", "z9hG4bK-f"), false,
                TIMERS, ctx);
        t.start();
        ctx.fireAll(t::on);
        // 17.1.2.2: intervals 0.5, 1, 2, 4, 4, 4 ... s, until Timer F at 32 s.
        List<Long> expected = new ArrayList<>(List.of(0L, 500L, 1500L, 3500L, 7500L));
        for (long at = 11_500; at < 32_000; at += 4000) {
            expected.add(at);
        }
        assertEquals(expected, ctx.sentAt);
        assertEquals(List.of(TransactionFailure.TIMEOUT), ctx.failures);
        assertTrue(ctx.terminated);
    }

    @Test
    void nonInviteClient_inProceeding_retransmitsEveryT2() {
        SipRequest options = Messages.request("OPTIONS", "z9hG4bK-g");
        NonInviteClientTransaction t = new NonInviteClientTransaction(options, false, TIMERS, ctx);
        t.start();
        t.on(new ResponseReceived(Messages.response(options, 100, null)));
        assertEquals(NonInviteClientTransaction.State.PROCEEDING, t.state());
        t.on(new TimerFired(ctx.advanceToNextTimer())); // the E armed in Trying, at 500 ms
        assertEquals(500L + TIMERS.t2(), (long) ctx.armedAt.get(Timer.E));
        t.on(new ResponseReceived(Messages.response(options, 200, "x")));
        assertEquals(NonInviteClientTransaction.State.COMPLETED, t.state());
        assertEquals(500L + TIMERS.t4(), (long) ctx.armedAt.get(Timer.K));
        assertEquals(List.of(Timer.K), List.copyOf(ctx.armedAt.keySet()));
        t.on(new ResponseReceived(Messages.response(options, 200, "x")));
        assertEquals(2, ctx.delivered.size(), "retransmitted final absorbed");
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertTrue(ctx.terminated);
    }

    @Test
    void inviteServer_sendsTrying_resendsLastProvisional_andRetransmitsErrorUntilAck() {
        SipRequest invite = Messages.invite("z9hG4bK-h");
        InviteServerTransaction t = new InviteServerTransaction(invite, false, TIMERS, ctx);
        t.start();
        assertEquals(100, ((SipResponse) ctx.sent.get(0)).status());
        SipResponse ringing = Messages.response(invite, 180, "s1");
        t.on(new ResponseSent(ringing));
        t.on(new RequestReceived(invite));
        assertSame(ringing, ctx.sent.get(2), "a retransmitted INVITE gets the last provisional again");

        SipResponse busy = Messages.response(invite, 486, "s1");
        t.on(new ResponseSent(busy));
        assertEquals(InviteServerTransaction.State.COMPLETED, t.state());
        int before = ctx.sent.size();
        for (int i = 0; i < 5; i++) {
            t.on(new TimerFired(ctx.advanceToNextTimer()));
        }
        // 17.2.1: Timer G at T1, doubling, capped at T2: 0.5, 1.5, 3.5, 7.5, 11.5 s.
        assertEquals(List.of(500L, 1500L, 3500L, 7500L, 11500L), ctx.sentAt.subList(before, ctx.sent.size()));

        t.on(new RequestReceived(Messages.request("ACK", "z9hG4bK-h")));
        assertEquals(InviteServerTransaction.State.CONFIRMED, t.state());
        assertEquals(List.of(Timer.I), List.copyOf(ctx.armedAt.keySet()));
        t.on(new RequestReceived(Messages.request("ACK", "z9hG4bK-h")));
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertTrue(ctx.terminated);
        assertTrue(ctx.failures.isEmpty());
    }

    @Test
    void inviteServer_answeredWhileTheTuHandledIt_sendsNoTrying() {
        SipRequest invite = Messages.invite("z9hG4bK-h2");
        InviteServerTransaction t = new InviteServerTransaction(invite, false, TIMERS, ctx);
        SipResponse ringing = Messages.response(invite, 180, "s1");
        t.on(new ResponseSent(ringing));
        t.start();
        assertEquals(List.of(ringing), ctx.sent, "17.2.1: the TU answered at once, so no 100 Trying");
        t.on(new RequestReceived(invite));
        assertSame(ringing, ctx.sent.get(1), "a retransmitted INVITE gets the 180 again");
    }

    @Test
    void inviteServer_withoutAck_failsOnTimerH() {
        SipRequest invite = Messages.invite("z9hG4bK-i");
        InviteServerTransaction t = new InviteServerTransaction(invite, false, TIMERS, ctx);
        t.start();
        t.on(new ResponseSent(Messages.response(invite, 603, "s2")));
        ctx.fireAll(t::on);
        assertEquals(32_000L, ctx.now);
        assertEquals(List.of(TransactionFailure.NO_ACK), ctx.failures);
        assertTrue(ctx.terminated);
    }

    @Test
    void inviteServer_after2xx_absorbsInviteRetransmissions_untilTimerL() {
        SipRequest invite = Messages.invite("z9hG4bK-j");
        InviteServerTransaction t = new InviteServerTransaction(invite, true, TIMERS, ctx);
        t.start();
        t.on(new ResponseSent(Messages.response(invite, 200, "s3")));
        assertEquals(InviteServerTransaction.State.ACCEPTED, t.state());
        t.on(new RequestReceived(invite));
        assertEquals(2, ctx.sent.size(), "RFC 6026: INVITE retransmission absorbed, the dialog layer owns the 2xx");
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertEquals(32_000L, ctx.now);
        assertTrue(ctx.terminated);
    }

    @Test
    void nonInviteServer_absorbsInTrying_resendsFinal_untilTimerJ() {
        SipRequest bye = Messages.request("BYE", "z9hG4bK-k");
        NonInviteServerTransaction t = new NonInviteServerTransaction(false, TIMERS, ctx);
        t.on(new RequestReceived(bye));
        assertTrue(ctx.sent.isEmpty(), "nothing to resend before the TU answers");
        SipResponse ok = Messages.response(bye, 200, "s4");
        t.on(new ResponseSent(ok));
        t.on(new RequestReceived(bye));
        assertEquals(List.of(ok, ok), ctx.sent);
        assertEquals(32_000L, (long) ctx.armedAt.get(Timer.J));
        t.on(new TimerFired(ctx.advanceToNextTimer()));
        assertTrue(ctx.terminated);
    }

    @Test
    void nonInviteServer_overReliableTransport_endsAtOnce() {
        SipRequest bye = Messages.request("BYE", "z9hG4bK-l");
        NonInviteServerTransaction t = new NonInviteServerTransaction(true, TIMERS, ctx);
        t.on(new ResponseSent(Messages.response(bye, 200, "s5")));
        assertEquals(0L, (long) ctx.armedAt.get(Timer.J));
    }
}
