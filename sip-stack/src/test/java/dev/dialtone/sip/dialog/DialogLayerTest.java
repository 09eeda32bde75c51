package dev.dialtone.sip.dialog;

import dev.dialtone.sip.dialog.Network.Party;
import dev.dialtone.sip.dialog.Network.Sent;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.ServerTransaction;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two dialog layers over real transaction layers, joined by an in-memory UDP network. */
class DialogLayerTest {
    private final Network net = new Network();
    private final Party alice = net.party("alice", 5061);
    private final Party bob = net.party("bob", 5071);

    @AfterEach
    void quiet() {
        try {
            net.awaitQuiet();
        } finally {
            net.close();
        }
    }

    private DialogSet call(Party from, Party to) {
        SipRequest invite = from.dialogs.createInvite(SipUri.parse("sip:" + to.name + "@127.0.0.1:" + to.address.getPort()),
                Address.parse("<sip:" + from.name + "@example.com>"), Address.parse("<sip:" + to.name + "@example.com>"),
                Dialog.SDP, App.SDP);
        return from.dialogs.invite(invite, to.destination(), from.app);
    }

    private static boolean request(Sent s, Party from, String method) {
        return s.from() == from && s.isRequest(method);
    }

    @Test
    void fullCall_inviteRingingOkAckByeOk() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> {
            in.provisional(180, null);
            in.accept(App.SDP);
        };
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        assertEquals(1, alice.dialogs.activeDialogs());
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > 0, "ACK");
        Dialog a = alice.app.dialog;
        Dialog b = bob.app.dialog;
        assertEquals(a.id().callId(), b.id().callId());
        assertEquals(a.id().localTag(), b.id().remoteTag());
        assertEquals(a.id().remoteTag(), b.id().localTag());
        assertEquals(Dialog.State.CONFIRMED, a.state());
        assertTrue(alice.app.saw("provisional:180:early"));

        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE at alice");
        net.await(() -> net.count(s -> s.from() == bob && s.isResponse(200, "BYE")) > 0, "200 to BYE");

        List<String> flow = net.wire.stream().map(s -> s.from() + " " + describe(s.message())).distinct().toList();
        // Bob rings while handling the INVITE, so RFC 3261 17.2.1 owes no 100 Trying.
        assertEquals(List.of("alice INVITE", "bob 180 INVITE", "bob 200 INVITE", "alice ACK",
                "alice BYE", "bob 200 BYE"), flow);
        SipResponse ok = (SipResponse) net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        assertEquals("1800;refresher=uac", ok.header("Session-Expires"));
        assertEquals(List.of("timer"), ok.require());
    }

    @Test
    void anInviteCompletedForItsTransport_goesOutAsBuilt() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> in.accept(App.SDP);
        SipUri target = SipUri.parse("sip:bob@127.0.0.1:" + bob.address.getPort());
        Address from = Address.parse("<sip:alice@example.com>");
        Address to = Address.parse("<sip:bob@example.com>");
        SipRequest complete = alice.dialogs.createInvite(target, from, to, Dialog.SDP, App.SDP,
                bob.destination().transport());
        SipRequest plain = alice.dialogs.createInvite(target, from, to, Dialog.SDP, App.SDP);
        assertTrue(complete.topVia().hasRfc3261Branch());
        alice.dialogs.invite(complete, bob.destination(), alice.app);
        net.await(() -> alice.app.dialog != null, "answer");
        SipRequest sent = (SipRequest) net.matching(s -> request(s, alice, "INVITE")).get(0).message();
        assertEquals(new String(complete.toBytes(), java.nio.charset.StandardCharsets.UTF_8),
                new String(sent.toBytes(), java.nio.charset.StandardCharsets.UTF_8), "sent as built");
        // What the dialog layer would have added, in the order it adds it; the plain INVITE is left for invite().
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < complete.headerCount(); i++) {
            names.add(complete.headerName(i));
        }
        assertEquals(List.of("Via", "Max-Forwards", "From", "To", "Call-ID", "CSeq", "Content-Type",
                "Content-Length", "Contact", "Allow", "Supported", "Session-Expires", "Min-SE"), names);
        assertFalse(plain.hasHeader("Via"));
        assertEquals(complete.header("Contact"), alice.dialogs.createInvite(target, from, to, null, null,
                bob.destination().transport()).header("Contact"));
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > 0, "ACK");
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE at alice");
    }

    @Test
    void createdInvites_carryFromToAndRequestUriAsPrinted_withAFreshTagEachAfterTheFromsOwnParameters() {
        alice.withDialogs(alice.defaults());
        SipUri target = SipUri.parse("sip:bob@127.0.0.1:5071;transport=udp");
        Address from = Address.parse("\"Alice Smith\" <sip:alice@example.com>;x-team=blue");
        Address to = Address.parse("Bob <sip:bob@example.com;user=phone>");
        // The same Address and Uri objects for every call, as a load test passes them; the second call's text
        // comes from what the first printed.
        SipRequest first = alice.dialogs.createInvite(target, from, to, null, null);
        SipRequest second = alice.dialogs.createInvite(target, from, to, null, null);
        for (SipRequest invite : List.of(first, second)) {
            assertEquals("INVITE sip:bob@127.0.0.1:5071;transport=udp SIP/2.0", invite.startLine());
            String tag = invite.from().tag();
            assertEquals("Alice Smith <sip:alice@example.com>;x-team=blue;tag=" + tag, invite.header("From"));
            assertEquals(from.withTag(tag).toString(), invite.header("From"));
            assertEquals("blue", invite.from().params().get("x-team"));
            assertEquals("Bob <sip:bob@example.com;user=phone>", invite.header("To"));
            assertNull(invite.to().tag());
        }
        assertNotEquals(first.from().tag(), second.from().tag(), "a fresh From tag per INVITE");
        // A From that already has a tag gets a fresh one in its place, not a second tag.
        SipRequest retagged = alice.dialogs.createInvite(target, from.withTag("old"), to, null, null);
        assertNotEquals("old", retagged.from().tag());
        assertEquals(1, retagged.header("From").split(";tag=", -1).length - 1);
    }

    @Test
    void callerBehindNat_byeGoesToWhereItsInviteCameFrom_notItsPrivateContact() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> in.accept(App.SDP);
        // Alice's phone writes its LAN address in Contact; its INVITE reaches bob from 127.0.0.1.
        SipRequest invite = alice.dialogs.createInvite(SipUri.parse("sip:bob@127.0.0.1:" + bob.address.getPort()),
                Address.parse("<sip:alice@example.com>"), Address.parse("<sip:bob@example.com>"), Dialog.SDP, App.SDP)
                .toBuilder().setHeader("Contact", "<sip:alice@192.168.1.50:" + alice.address.getPort() + ">").build();
        alice.dialogs.invite(invite, bob.destination(), alice.app);
        net.await(() -> bob.app.dialog != null && alice.app.dialog != null, "answer");
        net.await(() -> bob.app.saw("ack:none") || net.count(s -> request(s, alice, "ACK")) > 0, "ACK");
        bob.dialogs.bye(bob.app.dialog);
        // RFC 3581: the BYE follows the INVITE's source (the NAT binding), so it reaches alice.
        net.await(() -> alice.app.saw("terminated:REMOTE_BYE"), "BYE at alice");
    }

    /** An INVITE without SDP: bob's 2xx carries the offer, alice's ACK the answer (RFC 3264). */
    private void lateOfferCall() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        SipRequest invite = alice.dialogs.createInvite(SipUri.parse("sip:bob@127.0.0.1:5071"),
                Address.parse("<sip:alice@example.com>"), Address.parse("<sip:bob@example.com>"), null, null);
        alice.dialogs.invite(invite, bob.destination(), alice.app);
        net.await(() -> alice.app.dialog != null, "answer with an offer");
        assertEquals(0, net.count(s -> request(s, alice, "ACK")));
        alice.dialogs.ack(alice.app.dialog, App.SDP);
        net.await(() -> bob.app.saw("ack:sdp"), "ACK with the answer at bob");
    }

    @Test
    void lateOffer_inviteWithoutSdp_theApplicationAnswersInTheAck() {
        lateOfferCall();
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void lateOffer_a2xxRetransmittedAfterTheCallEnded_getsTheAckWithTheAnswerAgain() {
        lateOfferCall();
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE done");
        SipMessage ok = net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        SipMessage first = net.matching(s -> request(s, alice, "ACK")).get(0).message();
        alice.transactions.receive(new Inbound(ok, dev.dialtone.sip.transport.Transport.UDP, bob.address,
                alice.address, null));
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > 1, "ACK again");
        SipMessage again = net.matching(s -> request(s, alice, "ACK")).get(1).message();
        assertTrue(again.bodyLength() > 0, "the answer goes again with it");
        assertEquals(new String(first.toBytes(), java.nio.charset.StandardCharsets.US_ASCII),
                new String(again.toBytes(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void lostAck_theCalleeRetransmits2xx_andTheCallerAcksEachCopy() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        net.drop = s -> request(s, alice, "ACK") && net.count(x -> request(x, alice, "ACK")) <= 2;
        call(alice, bob);
        net.await(() -> bob.app.dialog != null && net.count(s -> request(s, alice, "ACK")) >= 3, "third ACK");
        // RFC 3261 13.3.1.4 and 13.2.2.4: bob retransmits the 2xx until an ACK arrives; alice ACKs every copy.
        assertTrue(net.count(s -> s.from() == bob && s.isResponse(200, "INVITE")) >= 3);
        List<Sent> acks = net.matching(s -> request(s, alice, "ACK"));
        assertEquals(1, acks.stream().map(s -> new String(s.message().toBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                .distinct().count(), "the same ACK again, byte for byte");
        net.await(() -> bob.dialogs.armedTimers() == 1, "only the session timer is left at bob");
        assertEquals(Dialog.State.CONFIRMED, bob.app.dialog.state());
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void noAck_theCalleeGivesUpAfter64T1_andSendsBye() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        net.drop = s -> request(s, alice, "ACK");
        call(alice, bob);
        net.await(() -> bob.app.saw("terminated:NO_ACK"), "bob gives up");
        net.await(() -> alice.app.saw("terminated:REMOTE_BYE"), "alice hears BYE");
        assertEquals(1, net.distinct(s -> request(s, bob, "BYE")));
    }

    @Test
    void a2xxRetransmittedAfterTheCallEnded_isStillAcked_whileTheInviteTransactionLingers() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && net.count(s -> request(s, alice, "ACK")) > 0, "answer and ACK");
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE done");
        // The INVITE transaction is in Accepted (RFC 6026) for 64*T1; the call's objects are released, its ACK is
        // kept: a late copy of the 2xx still gets it (RFC 3261 13.2.2.4), the same ACK as before.
        assertTrue(alice.transactions.activeTransactions() > 0, "Timer M still running");
        SipMessage ok = net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        List<SipMessage> acksBefore = net.matching(s -> request(s, alice, "ACK")).stream().map(s -> s.message())
                .toList();
        alice.transactions.receive(new Inbound(ok, dev.dialtone.sip.transport.Transport.UDP, bob.address,
                alice.address, null));
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > acksBefore.size(), "ACK again");
        SipMessage again = net.matching(s -> request(s, alice, "ACK")).get(acksBefore.size()).message();
        assertEquals(new String(acksBefore.get(0).toBytes(), java.nio.charset.StandardCharsets.US_ASCII),
                new String(again.toBytes(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void answeredCall_keepsItsInviteAsBytes_andGivesItBackAsSent() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> { }; // answered below, once the caller's INVITE has been read
        DialogSet set = call(alice, bob);
        net.await(() -> bob.app.invite != null, "INVITE at bob");
        SipRequest sent = set.request();
        bob.app.invite.accept(App.SDP);
        net.await(() -> alice.app.dialog != null && net.count(s -> request(s, alice, "ACK")) > 0, "answer and ACK");
        // A call waiting on its BYE's answer keeps the INVITE's bytes only: the parsed message is made again.
        SipRequest now = set.request();
        assertNotSame(sent, now);
        assertEquals(new String(sent.toBytes(), java.nio.charset.StandardCharsets.US_ASCII),
                new String(now.toBytes(), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(sent.callId(), set.callId());
        assertEquals(sent.requestUri(), now.requestUri());
        // The BYE still goes the way the INVITE went.
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
        assertEquals(1, net.distinct(s -> request(s, alice, "BYE")));
    }

    @Test
    void afterTheCallEnded_a2xxOfAnotherFork_isNotAcked_andEachForksAckHasABranchOfItsOwn() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && net.count(s -> request(s, alice, "ACK")) > 0, "answer and ACK");
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE done");
        SipResponse ok = (SipResponse) net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        SipMessage invite = net.matching(s -> request(s, alice, "INVITE")).get(0).message();
        SipMessage ack = net.matching(s -> request(s, alice, "ACK")).get(0).message();
        // RFC 3261 13.2.2.4 and 8.1.1.7: the ACK of a 2xx is a transaction of its own, with a branch of its own.
        assertTrue(ack.topVia().hasRfc3261Branch());
        assertNotEquals(invite.topVia().branch(), ack.topVia().branch());
        assertTrue(ack.topVia().branch().startsWith(invite.topVia().branch()), ack.topVia().branch());
        SipResponse otherFork = ok.toBuilder().toTag("fork2").build();
        assertNotEquals(Dialog.ackBranch(ok), Dialog.ackBranch(otherFork));

        long acks = net.count(s -> request(s, alice, "ACK"));
        alice.transactions.receive(new Inbound(otherFork, dev.dialtone.sip.transport.Transport.UDP, bob.address,
                alice.address, null));
        // The 2xx of our own fork after it: if that is ACKed and the other was not, exactly one ACK follows.
        alice.transactions.receive(new Inbound(ok, dev.dialtone.sip.transport.Transport.UDP, bob.address,
                alice.address, null));
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > acks, "ACK of our fork's 2xx");
        assertEquals(0, net.count(s -> request(s, alice, "ACK") && "fork2".equals(s.message().to().tag())),
                "a 2xx of another fork after the call ended gets no ACK");
    }

    @Test
    void stray2xxAfterTheInviteTransactionEnded_isAckedAgain() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && net.count(s -> request(s, alice, "ACK")) > 0, "answer and ACK");
        // Timer M (64*T1) ends alice's INVITE transaction; a 2xx after that reaches the dialog layer as a stray.
        net.await(() -> alice.transactions.activeTransactions() == 0, "Timer M");
        SipMessage ok = net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        long acks = net.count(s -> request(s, alice, "ACK"));
        alice.transactions.receive(new Inbound(ok, dev.dialtone.sip.transport.Transport.UDP, bob.address,
                alice.address, null));
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > acks, "ACK again");
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void forkedInvite_secondForksLate2xxIsAckedAndReleasedWithBye() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        net.inject = s -> {
            if (s.from() == bob && s.isResponse(200, "INVITE") && !"fork2".equals(s.message().to().tag())) {
                SipMessage fork = ((SipResponse) s.message()).toBuilder().toTag("fork2").build();
                return net.count(x -> x.message().to().tag() != null && x.message().to().tag().equals("fork2")) == 0
                        ? List.of(fork) : List.of();
            }
            return List.of();
        };
        call(alice, bob);
        net.await(() -> net.count(s -> request(s, alice, "BYE") && "fork2".equals(s.message().to().tag())) > 0,
                "BYE to the second fork");
        assertEquals(1, net.distinct(s -> request(s, alice, "ACK") && "fork2".equals(s.message().to().tag())),
                "the second fork's 2xx is ACKed before the BYE");
        // bob knows no dialog with tag fork2, so that BYE gets 481.
        net.await(() -> net.count(s -> s.from() == bob && s.isResponse(481, "BYE")) > 0, "481");
        net.await(() -> alice.app.dialog != null, "answered");
        Dialog a = alice.app.dialog;
        assertNotEquals("fork2", a.id().remoteTag());
        assertEquals(1, alice.app.events.stream().filter(e -> e.startsWith("answered")).count());
        assertEquals(Dialog.State.CONFIRMED, a.state());
        net.await(() -> alice.dialogs.activeDialogs() == 1, "only the kept fork is left");

        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
        assertTrue(alice.app.events.stream().noneMatch(e -> e.startsWith("terminated") && !e.endsWith("LOCAL_BYE")),
                "the released fork is not reported: " + alice.app.events);
    }

    @Test
    void reInviteAndUpdate_bothWays() throws Exception {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > 0, "ACK");
        Dialog a = alice.app.dialog;
        Dialog b = bob.app.dialog;

        SipResponse ok = alice.dialogs.reinvite(a, App.SDP).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(200, ok.status());
        assertTrue(bob.app.saw("request:INVITE"));
        net.await(() -> net.count(s -> request(s, alice, "ACK") && s.message().cseq().seq() == 2) > 0,
                "ACK of the re-INVITE");
        SipRequest reinvite = (SipRequest) net.matching(s -> request(s, alice, "INVITE")).get(1).message();
        assertEquals(b.id().localTag(), reinvite.to().tag());
        assertEquals("sip:bob@127.0.0.1:5071", reinvite.requestUriText(), "sent to bob's Contact");
        assertEquals("1800;refresher=uac", reinvite.header("Session-Expires"), "a re-INVITE refreshes the session");

        assertEquals(200, alice.dialogs.update(a, null).toCompletableFuture().get(5, TimeUnit.SECONDS).status());
        assertTrue(bob.app.events.stream().noneMatch(e -> e.equals("request:UPDATE")), "a body-less UPDATE is a refresh");
        assertEquals(200, bob.dialogs.update(b, App.SDP).toCompletableFuture().get(5, TimeUnit.SECONDS).status());
        assertTrue(alice.app.saw("request:UPDATE"));
        SipRequest bobsUpdate = (SipRequest) net.matching(s -> request(s, bob, "UPDATE")).get(0).message();
        assertEquals(1, bobsUpdate.cseq().seq(), "bob's first request in the dialog");
        assertEquals("sip:alice@127.0.0.1:5061", bobsUpdate.requestUriText());

        bob.dialogs.bye(b);
        net.await(() -> alice.app.saw("terminated:REMOTE_BYE"), "BYE at alice");
        net.await(() -> bob.app.saw("terminated:LOCAL_BYE"), "bob's own end");
    }

    @Test
    void sessionTimer_refresherRefreshesWithUpdate_andTheSessionOutlivesItsInterval() {
        alice.withDialogs(alice.defaults().withSessionTimers(true, 2, 1));
        bob.withDialogs(bob.defaults().withSessionTimers(true, 1800, 1));
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        Dialog a = alice.app.dialog;
        // 2 s interval, refresher alice (she supports timers and asked no one else): UPDATE every second.
        net.await(() -> net.distinct(s -> request(s, alice, "UPDATE")) >= 3, Duration.ofSeconds(8), "three refreshes");
        assertEquals(Dialog.State.CONFIRMED, a.state());
        assertEquals(Dialog.State.CONFIRMED, bob.app.dialog.state());
        net.await(() -> net.distinct(s -> s.from() == bob && s.isResponse(200, "UPDATE")) >= 2, "refreshes answered");
        SipRequest refresh = (SipRequest) net.matching(s -> request(s, alice, "UPDATE")).get(0).message();
        assertEquals("2;refresher=uac", refresh.header("Session-Expires"));
        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void sessionTimer_calleeRefreshes_whenTheCallerDoesNotSupportTimers() {
        alice.withDialogs(alice.defaults().withSessionTimers(false, 1800, 90));
        bob.withDialogs(bob.defaults().withSessionTimers(true, 2, 1));
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        SipResponse ok = (SipResponse) net.matching(s -> s.isResponse(200, "INVITE")).get(0).message();
        assertEquals("2;refresher=uas", ok.header("Session-Expires"));
        assertTrue(ok.require().isEmpty(), "no Require: timer for a peer that does not support it");
        // alice's 200s to the refreshes carry no Session-Expires; bob goes on refreshing (RFC 4028 9, 7.2).
        net.await(() -> net.distinct(s -> request(s, bob, "UPDATE")) >= 3, Duration.ofSeconds(8), "three refreshes");
        assertEquals(Dialog.State.CONFIRMED, bob.app.dialog.state());
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void forkedInvite_twoEarlyDialogs_theOneThatAnswersStays_theOtherEnds() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> in.provisional(180, null);
        net.inject = s -> s.from() == bob && s.isResponse(180, "INVITE") && !"fork2".equals(s.message().to().tag())
                && net.count(x -> "fork2".equals(x.message().to().tag())) == 0
                ? List.of(((SipResponse) s.message()).toBuilder().toTag("fork2").build()) : List.of();
        call(alice, bob);
        net.await(() -> alice.app.count("provisional:180:early") == 2, "two early dialogs");
        assertEquals(2, alice.dialogs.activeDialogs());
        bob.app.invite.accept(App.SDP);
        net.await(() -> alice.app.dialog != null, "answer");
        net.await(() -> alice.dialogs.activeDialogs() == 1, "the other early dialog ends");
        assertNotEquals("fork2", alice.app.dialog.id().remoteTag());
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
        assertEquals(0, net.count(s -> request(s, alice, "BYE") && "fork2".equals(s.message().to().tag())),
                "an early dialog that never answered gets no BYE");
    }

    @Test
    void sessionTimer_noRefreshArrives_nonRefresherSendsBye() {
        alice.withDialogs(alice.defaults().withSessionTimers(true, 2, 1));
        bob.withDialogs(bob.defaults().withSessionTimers(true, 1800, 1));
        net.drop = s -> s.from() == alice && s.isRequest("UPDATE");
        call(alice, bob);
        // bob waits for refreshes and gives up at 2 - min(32, 2/3) s = 1.33 s.
        net.await(() -> bob.app.saw("terminated:SESSION_EXPIRED"), Duration.ofSeconds(5), "expiry at bob");
        net.await(() -> alice.app.saw("terminated:REMOTE_BYE"), "BYE at alice");
        assertEquals(1, net.distinct(s -> request(s, bob, "BYE")));
        assertEquals(0, net.count(s -> request(s, alice, "BYE")));
    }

    @Test
    void sessionIntervalTooSmall_422_isRetriedWithTheLargerMinSe() {
        alice.withDialogs(alice.defaults().withSessionTimers(true, 600, 90));
        bob.withDialogs(bob.defaults().withSessionTimers(true, 1800, 1000));
        call(alice, bob);
        net.await(() -> alice.app.dialog != null, "answer after the retry");
        List<Sent> invites = net.matching(s -> request(s, alice, "INVITE"));
        SipRequest first = (SipRequest) invites.get(0).message();
        SipRequest second = (SipRequest) invites.get(invites.size() - 1).message();
        assertEquals("600", first.header("Session-Expires"));
        SipResponse tooSmall = (SipResponse) net.matching(s -> s.isResponse(422, "INVITE")).get(0).message();
        assertEquals(1000, tooSmall.minSe());
        assertEquals("1000", second.header("Session-Expires"));
        assertEquals("1000", second.header("Min-SE"));
        assertEquals(first.cseq().seq() + 1, second.cseq().seq());
        assertEquals(first.callId(), second.callId());
        assertEquals(first.from().tag(), second.from().tag());
        assertEquals(1000, alice.app.dialog.sessionInterval());
        assertNull(alice.app.failure);
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void glare_bothReInvitesGet491_andBothSucceedOnRetry_theNonOwnerFirst() throws Exception {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        net.await(() -> net.count(s -> request(s, alice, "ACK")) > 0, "ACK");
        Dialog a = alice.app.dialog;
        Dialog b = bob.app.dialog;

        net.hold();
        var fromAlice = alice.dialogs.reinvite(a, App.SDP).toCompletableFuture();
        var fromBob = bob.dialogs.reinvite(b, App.SDP).toCompletableFuture();
        net.await(() -> net.count(s -> request(s, alice, "INVITE") && s.message().cseq().seq() == 2) > 0
                && net.count(s -> request(s, bob, "INVITE")) > 0, "both re-INVITEs on the wire");
        // Both arrive before either side hears an answer, so each finds its own re-INVITE pending.
        net.deliverHeld();
        net.await(() -> net.count(s -> s.from() == alice && s.isResponse(491, "INVITE")) > 0
                && net.count(s -> s.from() == bob && s.isResponse(491, "INVITE")) > 0, "491 both ways");
        net.release();

        assertEquals(200, fromAlice.get(10, TimeUnit.SECONDS).status());
        assertEquals(200, fromBob.get(10, TimeUnit.SECONDS).status());
        assertEquals(1, net.matching(s -> s.from() == alice && s.isResponse(491, "INVITE")).stream()
                .map(s -> s.message().cseq().seq()).distinct().count());
        assertEquals(1, net.matching(s -> s.from() == bob && s.isResponse(491, "INVITE")).stream()
                .map(s -> s.message().cseq().seq()).distinct().count());
        // RFC 3261 14.1: bob (who did not choose the Call-ID) waits 0-2 s, alice 2.1-4 s, so bob goes first.
        List<Sent> retries = net.matching(s -> s.isRequest("INVITE")
                && s.message().cseq().seq() == (s.from() == alice ? 3 : 2));
        assertEquals(bob, retries.get(0).from());
        assertEquals(alice, retries.get(retries.size() - 1).from());

        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    @Test
    void cancel_ringingCallIsCanceled_andTheCallerSeesCanceled() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> in.provisional(180, null);
        DialogSet set = call(alice, bob);
        net.await(() -> alice.app.saw("provisional:180:early"), "ringing");
        assertEquals(1, alice.dialogs.activeDialogs(), "the early dialog");
        set.cancel();
        net.await(() -> alice.app.failure != null, "failure");
        assertEquals(InviteFailure.Kind.CANCELED, alice.app.failure.kind());
        assertEquals(487, alice.app.failure.status());
        net.await(() -> bob.app.saw("cancel"), "bob hears the CANCEL");
        assertEquals(1, net.distinct(s -> s.from() == bob && s.isResponse(200, "CANCEL")));
        assertTrue(alice.app.events.stream().noneMatch(e -> e.startsWith("terminated")));
    }

    @Test
    void byeOnTheEarlyDialog_calleeAnswers487_andHearsTheCallerGaveUp() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        bob.app.onInvite = in -> in.provisional(180, null);
        call(alice, bob);
        net.await(() -> alice.app.early != null, "ringing");
        alice.dialogs.bye(alice.app.early);
        net.await(() -> bob.app.saw("cancel"), "bob hears the caller gave up");
        net.await(() -> alice.app.failure != null, "INVITE failed");
        assertEquals(487, alice.app.failure.status());
        assertEquals(1, net.distinct(s -> s.from() == bob && s.isResponse(200, "BYE")));
        assertEquals(0, bob.dialogs.pendingInvites());
        // bob's answer after the fact goes nowhere.
        bob.app.invite.accept(App.SDP);
        bob.executor.submit(() -> { }).syncUninterruptibly(); // the accept ran before this
        assertEquals(0, net.count(s -> s.isResponse(200, "INVITE")));
    }

    @Test
    void prack_reliableProvisionalIsPrackedOnce_retransmissionIgnored() {
        alice.withDialogs(alice.defaults());
        // bob is a bare transaction user that sends a reliable 183 twice (a retransmission), then 200 after PRACK.
        bob.transactions.setUser(new TransactionLayer.User() {
            ServerTransaction invite;

            @Override
            public void onRequest(ServerTransaction txn) {
                SipRequest r = txn.request();
                if (r.method() == SipMethod.INVITE) {
                    invite = txn;
                    SipResponse progress = r.responseBuilder(183, "Session Progress").toTag("b-raw")
                            .header("Require", "100rel").header("RSeq", "1")
                            .header("Contact", "<sip:bob@127.0.0.1:5071>").build();
                    txn.respond(progress);
                    txn.respond(progress);
                } else if (r.method() == SipMethod.PRACK) {
                    txn.respond(r.createResponse(200));
                    invite.respond(invite.request().responseBuilder(200, "OK").toTag("b-raw")
                            .header("Contact", "<sip:bob@127.0.0.1:5071>").build());
                } else {
                    txn.respond(r.createResponse(200));
                }
            }

            @Override
            public void onCancel(ServerTransaction invite, SipRequest cancel) {
            }

            @Override
            public void onAck(Inbound ack) {
            }

            @Override
            public void onStrayResponse(Inbound response) {
            }
        });
        call(alice, bob);
        net.await(() -> alice.app.dialog != null, "answer");
        SipRequest invite = (SipRequest) net.matching(s -> request(s, alice, "INVITE")).get(0).message();
        assertTrue(invite.supported().contains("100rel"));
        List<Sent> pracks = net.matching(s -> request(s, alice, "PRACK"));
        assertEquals(1, net.distinct(s -> request(s, alice, "PRACK")));
        SipRequest prack = (SipRequest) pracks.get(0).message();
        assertEquals("1 1 INVITE", prack.header("RAck"));
        assertEquals("b-raw", prack.to().tag());
        assertEquals(1, alice.app.count("provisional:183:early"));
        alice.dialogs.bye(alice.app.dialog);
        net.await(() -> alice.app.saw("terminated:LOCAL_BYE"), "BYE");
    }

    @Test
    void afterBye_requestsInTheDialogGet481_andTheEndedDialogSendsNothing() {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        Dialog a = alice.app.dialog;
        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE");
        // A request built on the ended dialog and sent anyway finds no dialog at bob.
        alice.transactions.request(a.createRequest(SipMethod.INFO), bob.destination(), null);
        net.await(() -> net.count(s -> s.from() == bob && s.isResponse(481, "INFO")) > 0, "481");
        var info = alice.dialogs.request(a, SipMethod.INFO, null, null).toCompletableFuture();
        net.await(info::isDone, "INFO refused");
        assertTrue(info.isCompletedExceptionally(), "a terminated dialog sends nothing");
        assertEquals(1, net.distinct(s -> request(s, alice, "INFO")));
    }

    @Test
    void malformedHeaderInADialogRequest_is400_andTheDialogLivesOn() throws Exception {
        alice.withDialogs(alice.defaults());
        bob.withDialogs(bob.defaults());
        call(alice, bob);
        net.await(() -> alice.app.dialog != null && bob.app.dialog != null, "answer");
        Dialog a = alice.app.dialog;
        SipRequest bad = alice.executor.submit(() -> a.createRequest(SipMethod.UPDATE)).get(5, TimeUnit.SECONDS)
                .toBuilder().header("Session-Expires", "soon").build();
        alice.transactions.request(bad, bob.destination(), null);
        net.await(() -> net.count(s -> s.from() == bob && s.isResponse(400, "UPDATE")) > 0, "400");
        assertEquals(Dialog.State.CONFIRMED, bob.app.dialog.state());
        alice.dialogs.bye(a);
        net.await(() -> bob.app.saw("terminated:REMOTE_BYE"), "BYE at bob");
    }

    private static String describe(SipMessage m) {
        return m instanceof SipRequest r ? r.method().name()
                : ((SipResponse) m).status() + " " + m.cseq().method();
    }
}
