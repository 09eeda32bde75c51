package dev.dialtone.sip.dialog;

import dev.dialtone.sip.dialog.DialogEvent.AckReceived;
import dev.dialtone.sip.dialog.DialogEvent.Answer;
import dev.dialtone.sip.dialog.DialogEvent.RequestReceived;
import dev.dialtone.sip.dialog.DialogEvent.ResponseReceived;
import dev.dialtone.sip.dialog.DialogEvent.SendRequest;
import dev.dialtone.sip.dialog.DialogEvent.TimerFired;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TimerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialogTest {
    private static final Address CONTACT = Address.parse("<sip:me@127.0.0.1:5060>");
    private static final DialogConfig CONFIG = DialogConfig.defaults(CONTACT);
    private static final DialogConfig NO_TIMERS = CONFIG.withSessionTimers(false, 1800, 90);
    private static final TimerConfig TIMERS = TimerConfig.DEFAULT;
    private final FakeDialogContext ctx = new FakeDialogContext();
    private final List<SipResponse> responses = new ArrayList<>();
    private final Responder responder = responses::add;

    private Dialog confirmedUac(DialogConfig config, String... okHeaders) {
        SipRequest invite = Msgs.invite("");
        SipResponse ok = Msgs.response(invite, 200, "b1", okHeaders);
        Dialog d = Dialog.uac(invite, ok, config, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ok));
        return d;
    }

    private Dialog confirmedUas(DialogConfig config, String extra) {
        SipRequest invite = Msgs.invite(extra);
        Dialog d = Dialog.uas(invite, responder, "u1", config, TIMERS, ctx);
        d.on(new Answer(invite, responder, 200, null, Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8)));
        d.on(new AckReceived(Msgs.fromPeer(d, "ACK", 10, "", null)));
        return d;
    }

    @Test
    void uac_taggedProvisionalMakesEarlyDialog_routeSetReversed_then2xxConfirmsAndRecomputes() {
        SipRequest invite = Msgs.invite("");
        SipResponse ringing = Msgs.response(invite, 180, "b1",
                "Record-Route: <sip:p2.example;lr>", "Record-Route: <sip:p1.example;lr>",
                "Contact: <sip:bob@10.0.0.2:5070>");
        Dialog d = Dialog.uac(invite, ringing, NO_TIMERS, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ringing));
        assertEquals(Dialog.State.EARLY, d.state());
        assertEquals(new DialogId("dlg-test-1", "a1", "b1"), d.id());
        // RFC 3261 12.1.2: the UAC's route set is the Record-Route in reverse order.
        assertEquals(List.of("<sip:p1.example;lr>", "<sip:p2.example;lr>"),
                d.routeSet().stream().map(Address::toString).toList());
        assertEquals("sip:bob@10.0.0.2:5070", d.remoteTarget().toString());
        assertEquals(List.of(ringing), ctx.provisionals);

        SipResponse ok = Msgs.response(invite, 200, "b1", "Record-Route: <sip:p1.example;lr>",
                "Contact: <sip:bob@10.0.0.3:5070>");
        d.on(new ResponseReceived(invite, ok));
        assertEquals(Dialog.State.CONFIRMED, d.state());
        assertEquals(List.of("<sip:p1.example;lr>"), d.routeSet().stream().map(Address::toString).toList());

        // RFC 3261 13.2.2.4: the ACK has the INVITE's CSeq number, a new branch, the dialog's target and routes.
        SipRequest ack = ctx.acks.get(0);
        assertSame(SipMethod.ACK, ack.method());
        assertEquals("10 ACK", ack.cseq().toString());
        assertEquals("sip:bob@10.0.0.3:5070", ack.requestUriText());
        assertEquals(List.of("<sip:p1.example;lr>"), ack.headers("Route"));
        assertNotEquals("z9hG4bK-inv1", ack.topVia().branch());
        assertEquals("a1", ack.from().tag());
        assertEquals("b1", ack.to().tag());
        assertEquals("dlg-test-1", ack.callId());
    }

    @Test
    void uac_retransmitted2xxIsAckedAgain_withTheSameAck() {
        SipRequest invite = Msgs.invite("");
        SipResponse ok = Msgs.response(invite, 200, "b1", "Contact: <sip:bob@10.0.0.3:5070>");
        Dialog d = Dialog.uac(invite, ok, NO_TIMERS, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ok));
        d.on(new ResponseReceived(null, ok));
        assertEquals(2, ctx.acks.size());
        // Built again from the 2xx rather than kept (RFC 3261 13.2.2.4 asks for the same ACK): byte for byte.
        assertEquals(new String(ctx.acks.get(0).toBytes(), StandardCharsets.US_ASCII),
                new String(ctx.acks.get(1).toBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void uac_2xxRetransmittedAfterOurBye_getsTheSameAckAgain() {
        SipRequest invite = Msgs.invite("");
        SipResponse ok = Msgs.response(invite, 200, "b1", "Contact: <sip:bob@10.0.0.3:5070>");
        Dialog d = Dialog.uac(invite, ok, NO_TIMERS, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ok));
        d.on(new DialogEvent.SendBye());
        assertEquals(Dialog.State.TERMINATED, d.state());
        // The ended dialog no longer keeps its From and To as printed; the ACK is built again all the same.
        d.on(new ResponseReceived(null, ok));
        assertEquals(2, ctx.acks.size());
        assertEquals(new String(ctx.acks.get(0).toBytes(), StandardCharsets.US_ASCII),
                new String(ctx.acks.get(1).toBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void lateOffer_2xxCarryingTheOffer_isAckedOnlyWithTheApplicationsAnswer() {
        SipRequest invite = Msgs.invite("").toBuilder().body(null, null).build();
        SipResponse ok = Msgs.response(invite, 200, "b1", "Contact: <sip:bob@10.0.0.3:5070>").toBuilder()
                .body(Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8)).build();
        Dialog d = Dialog.uac(invite, ok, NO_TIMERS, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ok));
        assertEquals(Dialog.State.CONFIRMED, d.state());
        assertTrue(ctx.acks.isEmpty(), "no ACK before the answer");
        d.on(new ResponseReceived(invite, ok));
        assertTrue(ctx.acks.isEmpty(), "a retransmission changes nothing");

        d.on(new DialogEvent.SendAck(Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8)));
        SipRequest ack = ctx.acks.get(0);
        assertEquals("10 ACK", ack.cseq().toString());
        assertEquals(Msgs.SDP, new String(ack.body(), StandardCharsets.UTF_8));
        assertEquals(Dialog.SDP, ack.contentType());
        d.on(new ResponseReceived(null, ok));
        assertSame(ack, ctx.acks.get(1), "later copies get the same ACK");
    }

    @Test
    void createRequest_carriesDialogFields_andIncrementsCSeq() {
        Dialog d = confirmedUac(NO_TIMERS, "Contact: <sip:bob@10.0.0.3:5070>");
        SipRequest bye = d.createRequest(SipMethod.BYE);
        SipRequest info = d.createRequest(SipMethod.INFO);
        assertEquals("11 BYE", bye.cseq().toString());
        assertEquals("12 INFO", info.cseq().toString());
        assertEquals(70, bye.maxForwards());
        assertEquals("sip:bob@10.0.0.3:5070", bye.requestUriText());
        assertTrue(bye.contacts().isEmpty(), "BYE carries no Contact");
        // The dialog keeps the Contact its INVITE carried (RFC 3261 12.1.2: that is what the peer targets).
        assertEquals("sip:alice@127.0.0.1:5060", info.contacts().get(0).uri().toString());
        assertNotEquals(bye.topVia().branch(), info.topVia().branch());
        assertTrue(bye.topVia().hasRfc3261Branch());
    }

    @Test
    void inDialogRequests_carryFromAndToAsTheyCameOnTheWire() {
        // RFC 3261 12.2.1.1: local URI and tag in From, remote URI and tag in To; display names and other
        // parameters travel as the peer wrote them.
        SipRequest invite = Msgs.invite("").toBuilder()
                .setHeader("From", "\"Alice, A.\"  <sip:alice@127.0.0.1>;tag=a1;x=1").build();
        SipResponse ok = Msgs.response(invite, 200, "b1", "Contact: <sip:bob@10.0.0.3:5070>").toBuilder()
                .setHeader("To", "Bob <sip:bob@127.0.0.1>;tag=b1;y=2").build();
        Dialog uac = Dialog.uac(invite, ok, NO_TIMERS, TIMERS, ctx);
        uac.on(new ResponseReceived(invite, ok));
        SipRequest bye = uac.createRequest(SipMethod.BYE);
        assertEquals("\"Alice, A.\"  <sip:alice@127.0.0.1>;tag=a1;x=1", bye.header("From"));
        assertEquals("Bob <sip:bob@127.0.0.1>;tag=b1;y=2", bye.header("To"));
        assertEquals("a1", bye.from().tag());
        assertEquals("b1", bye.to().tag());

        SipRequest incoming = Msgs.invite("").toBuilder().setHeader("To", "\"Bob\" <sip:bob@127.0.0.1>;z=3").build();
        Dialog uas = Dialog.uas(incoming, responder, "u1", NO_TIMERS, TIMERS, ctx);
        uas.on(new Answer(incoming, responder, 200, null, null, null));
        assertEquals("\"Bob\" <sip:bob@127.0.0.1>;z=3;tag=u1", responses.get(0).header("To"));
        uas.on(new AckReceived(Msgs.fromPeer(uas, "ACK", 10, "", null)));
        SipRequest info = uas.createRequest(SipMethod.INFO);
        assertEquals(responses.get(0).header("To"), info.header("From"), "our From is the To our 2xx carried");
        assertEquals("<sip:alice@127.0.0.1>;tag=a1", info.header("To"));
    }

    @Test
    void strictRouter_takesTheRequestUri_andTheRemoteTargetGoesLastInRoute() {
        Dialog d = confirmedUac(NO_TIMERS, "Record-Route: <sip:p2.example;lr>", "Record-Route: <sip:p1.example>",
                "Contact: <sip:bob@10.0.0.3:5070>");
        SipRequest bye = d.createRequest(SipMethod.BYE);
        // RFC 3261 12.2.1.1: p1 has no lr, so it is a strict router.
        assertEquals("sip:p1.example", bye.requestUriText());
        assertEquals(List.of("<sip:p2.example;lr>", "<sip:bob@10.0.0.3:5070>"), bye.headers("Route"));
        assertEquals("sip:p1.example", d.nextHop().toString());
    }

    @Test
    void uas_dialogFromInvite_routeSetInOrder_andLowerCSeqGets500() {
        SipRequest invite = Msgs.invite("Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\n");
        Dialog d = Dialog.uas(invite, responder, "u1", NO_TIMERS, TIMERS, ctx);
        assertEquals(List.of("<sip:p1.example;lr>", "<sip:p2.example;lr>"),
                d.routeSet().stream().map(Address::toString).toList());
        assertEquals(10, d.remoteSeq());
        d.on(new Answer(invite, responder, 200, null, null, null));
        SipResponse ok = responses.get(0);
        assertEquals("u1", ok.to().tag());
        assertEquals(List.of("<sip:p1.example;lr>", "<sip:p2.example;lr>"), ok.headers("Record-Route"),
                "12.1.1: the 2xx copies Record-Route");
        assertEquals("sip:me@127.0.0.1:5060", ok.contacts().get(0).uri().toString());
        d.on(new AckReceived(Msgs.fromPeer(d, "ACK", 10, "", null)));

        d.on(new RequestReceived(Msgs.fromPeer(d, "INFO", 12, "", null), responder));
        assertEquals(1, ctx.arrived.size());
        d.on(new RequestReceived(Msgs.fromPeer(d, "INFO", 11, "", null), responder));
        // RFC 3261 12.2.2: lower than the remote CSeq is out of order.
        assertEquals(500, responses.get(responses.size() - 1).status());
        assertEquals(1, ctx.arrived.size());
        assertEquals(12, d.remoteSeq());
    }

    @Test
    void uas_retransmits2xx_doublingToT2_untilAck() {
        SipRequest invite = Msgs.invite("");
        Dialog d = Dialog.uas(invite, responder, "u1", NO_TIMERS, TIMERS, ctx);
        d.on(new Answer(invite, responder, 200, null, null, null));
        List<Long> at = new ArrayList<>();
        at.add(ctx.now);
        while (ctx.now < 12_000) {
            DialogTimer t = ctx.advanceToNextTimer();
            assertSame(DialogTimer.RETRANSMIT_2XX, t);
            d.on(new TimerFired(t));
            at.add(ctx.now);
        }
        // RFC 3261 13.3.1.4: T1, doubling, capped at T2 (0.5, 1, 2, 4, 4 s intervals).
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L).subList(0, at.size()), at);
        assertEquals(at.size(), responses.size());
        assertSame(responses.get(0), responses.get(responses.size() - 1));
        d.on(new AckReceived(Msgs.fromPeer(d, "ACK", 10, "", null)));
        assertTrue(ctx.armedAt.isEmpty(), "the ACK stops retransmission and the give-up timer");
        assertEquals(1, ctx.ackArrived.size());
        assertEquals(Dialog.State.CONFIRMED, d.state());
    }

    @Test
    void uas_hangUpBeforeTheAck_holdsTheByeUntilTheAckArrives() {
        SipRequest invite = Msgs.invite("");
        Dialog d = Dialog.uas(invite, responder, "u1", NO_TIMERS, TIMERS, ctx);
        d.on(new Answer(invite, responder, 200, null, null, null));
        d.on(new DialogEvent.SendBye());
        assertTrue(ctx.sent.isEmpty(), "RFC 3261 15: no BYE before the ACK");
        d.on(new AckReceived(Msgs.fromPeer(d, "ACK", 10, "", null)));
        assertSame(SipMethod.BYE, ctx.lastSent().method());
        assertEquals(List.of(Termination.LOCAL_BYE), ctx.terminations);
    }

    @Test
    void uas_noAckWithin64T1_sendsByeAndTerminates() {
        SipRequest invite = Msgs.invite("");
        Dialog d = Dialog.uas(invite, responder, "u1", NO_TIMERS, TIMERS, ctx);
        d.on(new Answer(invite, responder, 200, null, null, null));
        DialogTimer t;
        while ((t = ctx.advanceToNextTimer()) != null) {
            d.on(new TimerFired(t));
        }
        assertEquals(32_000, ctx.now);
        assertEquals(SipMethod.BYE, ctx.lastSent().method());
        assertEquals(List.of(Termination.NO_ACK), ctx.terminations);
        assertTrue(ctx.terminatedConfirmed);
        assertEquals(Dialog.State.TERMINATED, d.state());
    }

    @Test
    void byeReceived_is200_andAnUnansweredInviteGets487() {
        SipRequest invite = Msgs.invite("");
        Dialog d = Dialog.uas(invite, responder, "u1", NO_TIMERS, TIMERS, ctx);
        d.on(new Answer(invite, responder, 180, null, null, null));
        d.on(new RequestReceived(Msgs.fromPeer(d, "BYE", 11, "", null), responder));
        assertEquals(List.of(180, 200, 487), responses.stream().map(SipResponse::status).toList());
        assertEquals(List.of(Termination.REMOTE_BYE), ctx.terminations);
        assertFalse(ctx.terminatedConfirmed, "an early dialog is not reported");
    }

    @Test
    void sessionTimer_uacRefresher_refreshesWithUpdateAtHalfInterval_andIsReArmedByThe2xx() {
        Dialog d = confirmedUac(CONFIG, "Contact: <sip:bob@10.0.0.3:5070>", "Allow: INVITE, ACK, BYE, UPDATE",
                "Session-Expires: 1800;refresher=uac", "Require: timer");
        assertEquals(1800, d.sessionInterval());
        assertTrue(d.isRefresher());
        assertEquals(900_000L, ctx.armedAt.get(DialogTimer.SESSION_REFRESH));
        // RFC 4028 10: the refresher gives up only when the session has expired.
        assertEquals(1_800_000L, ctx.armedAt.get(DialogTimer.SESSION_EXPIRES));

        d.on(new TimerFired(ctx.advanceToNextTimer()));
        SipRequest update = ctx.lastSent();
        assertSame(SipMethod.UPDATE, update.method());
        assertEquals("1800;refresher=uac", update.header("Session-Expires"));
        assertEquals("90", update.header("Min-SE"));
        assertTrue(update.supported().contains("timer"));
        assertEquals(0, update.bodyLength());

        SipResponse ok = Msgs.response(update, 200, null, "Session-Expires: 1800;refresher=uac");
        d.on(new ResponseReceived(update, ok));
        assertEquals(900_000L + 900_000L, ctx.armedAt.get(DialogTimer.SESSION_REFRESH));
        assertEquals(900_000L + 1_800_000L, ctx.armedAt.get(DialogTimer.SESSION_EXPIRES));
    }

    @Test
    void sessionTimer_withoutUpdateInAllow_refreshesWithReInviteCarryingTheSameSdp() {
        Dialog d = confirmedUac(CONFIG, "Contact: <sip:bob@10.0.0.3:5070>", "Session-Expires: 120;refresher=uac");
        d.on(new TimerFired(ctx.advanceToNextTimer()));
        assertEquals(60_000, ctx.now);
        SipRequest reinvite = ctx.lastSent();
        assertSame(SipMethod.INVITE, reinvite.method());
        assertEquals(Msgs.SDP, new String(reinvite.body(), StandardCharsets.UTF_8));
        d.on(new ResponseReceived(reinvite, Msgs.response(reinvite, 200, null, "Session-Expires: 120;refresher=uac")));
        assertEquals(reinvite.cseq().seq(), ctx.acks.get(ctx.acks.size() - 1).cseq().seq(), "the refresh 2xx is ACKed");
    }

    @Test
    void sessionTimer_nonRefresher_sendsByeWhenNoRefreshComes() {
        Dialog d = confirmedUac(CONFIG, "Contact: <sip:bob@10.0.0.3:5070>", "Session-Expires: 90;refresher=uas");
        assertFalse(d.isRefresher());
        assertNull(ctx.armedAt.get(DialogTimer.SESSION_REFRESH));
        // A refresh from the peer at 40 s re-arms the expiry.
        ctx.now = 40_000;
        SipRequest update = Msgs.fromPeer(d, "UPDATE", 1, "Session-Expires: 90;refresher=uac\r\nSupported: timer\r\n", null);
        d.on(new RequestReceived(update, responder));
        SipResponse ok = responses.get(0);
        assertEquals(200, ok.status());
        assertEquals("90;refresher=uac", ok.header("Session-Expires"));
        assertEquals(List.of("timer"), ok.require());
        assertEquals(40_000 + 60_000L, ctx.armedAt.get(DialogTimer.SESSION_EXPIRES), "90 - min(32, 30) = 60 s");

        d.on(new TimerFired(ctx.advanceToNextTimer()));
        assertEquals(100_000, ctx.now);
        assertSame(SipMethod.BYE, ctx.lastSent().method());
        assertEquals(List.of(Termination.SESSION_EXPIRED), ctx.terminations);
        assertTrue(ctx.armedAt.isEmpty());
    }

    @Test
    void sessionTimer_2xxWithoutSessionExpires_fromAPeerWithoutTimers_leavesUsRefreshingWhatWeAsked() {
        SipRequest invite = Msgs.invite("Supported: timer\r\nSession-Expires: 600\r\n");
        SipResponse ok = Msgs.response(invite, 200, "b1", "Contact: <sip:bob@10.0.0.3:5070>");
        Dialog d = Dialog.uac(invite, ok, CONFIG, TIMERS, ctx);
        d.on(new ResponseReceived(invite, ok));
        assertEquals(600, d.sessionInterval());
        assertTrue(d.isRefresher());
        assertEquals(300_000L, ctx.armedAt.get(DialogTimer.SESSION_REFRESH));
    }

    @Test
    void sessionTimer_aPeerWhoseAllowListsUpdateInLowerCase_isRefreshedWithReInvite() {
        // RFC 3261 7.1: method names are case-sensitive, so "update" is an extension method, not UPDATE.
        Dialog d = confirmedUac(CONFIG, "Contact: <sip:bob@10.0.0.3:5070>", "Allow: INVITE, ACK, BYE, update",
                "Session-Expires: 1800;refresher=uac", "Require: timer");
        d.on(new TimerFired(ctx.advanceToNextTimer()));
        assertSame(SipMethod.INVITE, ctx.lastSent().method());
    }

    @Test
    void sessionTimer_2xxWithoutSessionExpires_fromAPeerWithTimers_turnsTheTimerOff() {
        Dialog d = confirmedUac(CONFIG, "Contact: <sip:bob@10.0.0.3:5070>", "Allow: UPDATE",
                "Session-Expires: 1800;refresher=uac");
        d.on(new TimerFired(ctx.advanceToNextTimer()));
        SipRequest update = ctx.lastSent();
        d.on(new ResponseReceived(update, Msgs.response(update, 200, null, "Supported: timer")));
        assertEquals(0, d.sessionInterval());
        assertTrue(ctx.armedAt.isEmpty(), "RFC 4028 7.2: no Session-Expires, no session expiration");
    }

    @Test
    void sessionTimer_uas_answersWithRefresherUacAndRequireTimer_whenThePeerSupportsIt() {
        Dialog d = confirmedUas(CONFIG, "Supported: timer\r\nSession-Expires: 1800\r\nMin-SE: 90\r\n");
        SipResponse ok = responses.get(0);
        assertEquals("1800;refresher=uac", ok.header("Session-Expires"));
        assertEquals(List.of("timer"), ok.require());
        assertFalse(d.isRefresher());
        assertEquals(1_768_000L, ctx.armedAt.get(DialogTimer.SESSION_EXPIRES));
    }

    @Test
    void sessionTimer_uas_refreshesItselfWhenThePeerDoesNotSupportTimers() {
        Dialog d = confirmedUas(CONFIG, "Session-Expires: 600\r\n");
        SipResponse ok = responses.get(0);
        assertEquals("600;refresher=uas", ok.header("Session-Expires"));
        assertTrue(ok.require().isEmpty());
        assertTrue(d.isRefresher());
        assertEquals(300_000L, ctx.armedAt.get(DialogTimer.SESSION_REFRESH));
    }

    @Test
    void sessionTimer_inDialogIntervalBelowMinSe_gets422WithMinSe() {
        Dialog d = confirmedUas(CONFIG, "");
        responses.clear();
        d.on(new RequestReceived(Msgs.fromPeer(d, "UPDATE", 11, "Session-Expires: 30\r\n", null), responder));
        assertEquals(422, responses.get(0).status());
        assertEquals(90, responses.get(0).minSe());
    }

    @Test
    void glare_incomingReInviteWhileOursIsPending_gets491() {
        Dialog d = confirmedUac(NO_TIMERS, "Contact: <sip:bob@10.0.0.3:5070>");
        d.on(new SendRequest(SipMethod.INVITE, Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8), new CompletableFuture<>()));
        d.on(new RequestReceived(Msgs.fromPeer(d, "INVITE", 1, "", Msgs.SDP), responder));
        assertEquals(491, responses.get(0).status());
        assertTrue(ctx.arrived.isEmpty());
    }

    @Test
    void glare_491_retriesAfter2100to4000ms_whenWeOwnTheCallId() {
        Dialog d = confirmedUac(NO_TIMERS, "Contact: <sip:bob@10.0.0.3:5070>");
        CompletableFuture<SipResponse> result = new CompletableFuture<>();
        d.on(new SendRequest(SipMethod.INVITE, Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8), result));
        SipRequest first = ctx.lastSent();

        ctx.randomValue = Integer.MAX_VALUE;
        d.on(new ResponseReceived(first, Msgs.response(first, 491, null)));
        // RFC 3261 14.1: 2.1 to 4 s in units of 10 ms: 2100 + 10 * [0, 190].
        assertEquals(191, ctx.lastBound);
        assertEquals(4000L, ctx.armedAt.get(DialogTimer.GLARE_RETRY));
        assertFalse(result.isDone());

        d.on(new TimerFired(ctx.advanceToNextTimer()));
        SipRequest retry = ctx.lastSent();
        assertSame(SipMethod.INVITE, retry.method());
        assertEquals(first.cseq().seq() + 1, retry.cseq().seq());
        assertNotEquals(first.topVia().branch(), retry.topVia().branch());
        assertArrayEquals(first.body(), retry.body());
        SipResponse ok = Msgs.response(retry, 200, null);
        d.on(new ResponseReceived(retry, ok));
        assertSame(ok, result.join());
    }

    @Test
    void glare_491_retriesWithin0to2000ms_whenThePeerOwnsTheCallId() {
        Dialog d = confirmedUas(NO_TIMERS, "");
        ctx.now = 0;
        d.on(new SendRequest(SipMethod.UPDATE, Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8), new CompletableFuture<>()));
        SipRequest first = ctx.lastSent();
        ctx.randomValue = Integer.MAX_VALUE;
        d.on(new ResponseReceived(first, Msgs.response(first, 491, null)));
        assertEquals(201, ctx.lastBound);
        assertEquals(2000L, ctx.armedAt.get(DialogTimer.GLARE_RETRY));
        ctx.randomValue = 0;
        d.on(new ResponseReceived(first, Msgs.response(first, 491, null)));
        assertEquals(2000L, ctx.armedAt.get(DialogTimer.GLARE_RETRY), "a retransmitted 491 changes nothing");
    }

    @Test
    void prack_eachReliableProvisionalOnceAndInOrder() {
        SipRequest invite = Msgs.invite("Supported: 100rel\r\n");
        SipResponse r1 = Msgs.response(invite, 183, "b1", "Require: 100rel", "RSeq: 1", "Contact: <sip:bob@10.0.0.3:5070>");
        Dialog d = Dialog.uac(invite, r1, NO_TIMERS, TIMERS, ctx);
        d.on(new ResponseReceived(invite, r1));
        SipRequest prack = ctx.lastSent();
        assertSame(SipMethod.PRACK, prack.method());
        assertEquals("1 10 INVITE", prack.header("RAck"));
        assertEquals(11, prack.cseq().seq());
        assertEquals("b1", prack.to().tag());

        d.on(new ResponseReceived(invite, r1)); // retransmission
        SipResponse r3 = Msgs.response(invite, 180, "b1", "Require: 100rel", "RSeq: 3");
        d.on(new ResponseReceived(invite, r3)); // out of order
        assertEquals(1, ctx.sent.size());
        assertEquals(1, ctx.provisionals.size());

        SipResponse r2 = Msgs.response(invite, 180, "b1", "Require: 100rel", "RSeq: 2");
        d.on(new ResponseReceived(invite, r2));
        assertEquals(2, ctx.sent.size());
        assertEquals("2 10 INVITE", ctx.lastSent().header("RAck"));
        assertEquals(12, ctx.lastSent().cseq().seq());
        assertEquals(List.of(r1, r2), ctx.provisionals);

        d.on(new ResponseReceived(invite, Msgs.response(invite, 180, "b1")));
        assertEquals(2, ctx.sent.size(), "an unreliable provisional gets no PRACK");
        assertEquals(3, ctx.provisionals.size());
    }

    @Test
    void targetRefresh_reInviteReplacesTheRemoteTarget() {
        Dialog d = confirmedUas(NO_TIMERS, "");
        SipRequest reinvite = Msgs.fromPeer(d, "INVITE", 11, "Contact: <sip:alice@10.9.9.9:5090>\r\n", Msgs.SDP);
        d.on(new RequestReceived(reinvite, responder));
        assertEquals("sip:alice@10.9.9.9:5090", d.remoteTarget().toString());
        assertEquals(List.of(reinvite), ctx.arrived);
        d.on(new Answer(reinvite, responder, 200, null, Dialog.SDP, Msgs.SDP.getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, responses.get(responses.size() - 1).status());
        assertEquals(500L, ctx.armedAt.get(DialogTimer.RETRANSMIT_2XX) - ctx.now, "the re-INVITE's 2xx is retransmitted too");
        d.on(new AckReceived(Msgs.fromPeer(d, "ACK", 11, "", null)));
        assertTrue(ctx.armedAt.isEmpty());
        assertEquals("sip:alice@10.9.9.9:5090", d.createRequest(SipMethod.BYE).requestUriText());
    }

    @Test
    void inDialogRequestTimeout_endsTheDialogWithBye() {
        Dialog d = confirmedUac(NO_TIMERS, "Contact: <sip:bob@10.0.0.3:5070>");
        CompletableFuture<SipResponse> result = new CompletableFuture<>();
        d.on(new SendRequest(SipMethod.INFO, null, null, result));
        SipRequest info = ctx.lastSent();
        d.on(new DialogEvent.RequestFailed(info, dev.dialtone.sip.transaction.TransactionFailure.TIMEOUT, "Timer F"));
        assertEquals(408, result.join().status());
        assertSame(SipMethod.BYE, ctx.lastSent().method());
        assertEquals(List.of(Termination.REQUEST_FAILED), ctx.terminations);
    }
}
