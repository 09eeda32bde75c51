package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.Transport;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client transaction past its final response keeps only its key (and, after an INVITE's 2xx, its listener) until
 * Timer M or K: what the transaction user and the peer see must be what the whole transaction gave.
 */
class RetiredTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5070);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
    // T1 = 20 ms: Timer M (64*T1) is 1.28 s, as is Timer F; T4 = 1 s is Timer K.
    private static final TimerConfig FAST = new TimerConfig(20, 80, 1000);

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LoopTimer wheel = new LoopTimer(group, 1, TimeUnit.MILLISECONDS);
    private final EventExecutor loop = group.next();
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> wire = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final List<String> strays = Collections.synchronizedList(new ArrayList<>());
    private final List<Destination> sentTo = Collections.synchronizedList(new ArrayList<>());
    private final TransactionLayer layer = new TransactionLayer(FAST, (m, d) -> {
        sentTo.add(d);
        sent.add(m.startLine());
        wire.add(new String(m.toBytes(), java.nio.charset.StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(null);
    }, wheel, List.of(loop));

    RetiredTest() {
        layer.setUser(new TransactionLayer.User() {
            @Override
            public void onRequest(ServerTransaction transaction) {
                SipRequest r = transaction.request();
                requests.add(r.method().name());
                if (r.method() != dev.dialtone.sip.message.SipMethod.ACK) {
                    transaction.respond(Messages.response(r, 200, "uas"));
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
                strays.add(((SipResponse) response.message()).status() + " " + response.message().callId());
            }
        });
    }

    @AfterEach
    void close() {
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ClientTransaction.Listener listener(String name) {
        return new ClientTransaction.Listener() {
            @Override
            public void onResponse(SipResponse response) {
                heard.add(name + " " + response.status() + (loop.inEventLoop() ? "" : " off the loop"));
            }

            @Override
            public void onFailure(TransactionFailure failure, String reason) {
                heard.add(name + " failed " + failure);
            }
        };
    }

    private void receive(SipRequest request) throws Exception {
        loop.submit(() -> layer.receive(new Inbound(request, Transport.UDP, PEER, LOCAL, null)))
                .get(5, TimeUnit.SECONDS);
    }

    private void receive(SipResponse response) throws Exception {
        loop.submit(() -> layer.receive(new Inbound(response, Transport.UDP, PEER, LOCAL, null)))
                .get(5, TimeUnit.SECONDS);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(2);
        }
    }

    @Test
    void anInvitesLater2xxStillReachTheUserUntilTimerMAndThenAreStray() throws Exception {
        SipRequest invite = Messages.invite("z9hG4bK-inv1");
        layer.request(invite, Destination.of(Transport.UDP, PEER), listener("inv"));
        awaitTrue(() -> !sent.isEmpty());
        SipResponse ok = Messages.response(invite, 200, "callee-1");
        receive(ok);
        int sentBy2xx = sent.size(); // Timer A (T1 = 20 ms) may have resent the INVITE before the 2xx came
        receive(ok); // retransmitted
        receive(Messages.response(invite, 200, "callee-2")); // another fork
        receive(Messages.response(invite, 486, "callee-3")); // absorbed (RFC 6026 7.2)
        assertEquals(List.of("inv 200", "inv 200", "inv 200"), heard);
        assertEquals(1, layer.activeTransactions(), "retired, not ended, until Timer M");
        assertEquals(1, layer.armedTimers(), "Timer M still counts as armed");
        assertEquals(List.of(), strays);
        awaitTrue(() -> layer.activeTransactions() == 0);
        assertEquals(0, layer.activeTransactions());
        assertEquals(0, layer.armedTimers());
        receive(ok);
        assertEquals(List.of("200 call-z9hG4bK-inv1"), strays, "after Timer M a 2xx belongs to no transaction");
        assertEquals(3, heard.size());
        assertEquals(sentBy2xx, sent.size(), "no INVITE retransmission after the 2xx");
    }

    @Test
    void aResponseWithTheInvitesBranchButAnotherMethod_neverReachesTheInvitesListener() throws Exception {
        // RFC 3261 17.1.3: branch and CSeq method both. The table is keyed by branch; the method is checked on the
        // transaction found, and a retired one hands only an INVITE's 2xx on.
        SipRequest invite = Messages.invite("z9hG4bK-mm1");
        layer.request(invite, Destination.of(Transport.UDP, PEER), listener("inv"));
        awaitTrue(() -> !sent.isEmpty());
        SipResponse byeOk = Messages.response(Messages.request("BYE", "z9hG4bK-mm1"), 200, "callee-1");
        receive(byeOk);
        assertEquals(List.of(), heard, "not this transaction's");
        assertEquals(List.of("200 call-z9hG4bK-mm1"), strays);
        receive(Messages.response(invite, 200, "callee-1"));
        assertEquals(List.of("inv 200"), heard);
        receive(byeOk);
        assertEquals(List.of("inv 200"), heard, "nor the retired transaction's");
        receive(Messages.response(invite, 200, "callee-1"));
        assertEquals(List.of("inv 200", "inv 200"), heard, "its own 2xx still is");
    }

    @Test
    void anInviteRelistened_handsItsLater2xxToTheNewListenerWithItsDestinationAndMark_untilTimerM() throws Exception {
        SipRequest invite = Messages.invite("z9hG4bK-inv2");
        ClientTransaction txn = layer.request(invite, Destination.of(Transport.UDP, PEER), listener("inv"));
        awaitTrue(() -> !sent.isEmpty());
        SipResponse ok = Messages.response(invite, 200, "callee-1");
        receive(ok);
        Destination ackTo = Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5099));
        List<String> after = Collections.synchronizedList(new ArrayList<>());
        loop.submit(() -> txn.relisten((r, d, mark) -> after.add(r.status() + " " + d.address().getPort() + " " + mark
                + (loop.inEventLoop() ? "" : " off the loop")), ackTo, 42)).get(5, TimeUnit.SECONDS);
        receive(ok); // retransmitted
        receive(Messages.response(invite, 486, "callee-3")); // absorbed (RFC 6026 7.2)
        assertEquals(List.of("inv 200"), heard, "the first listener hears nothing more");
        assertEquals(List.of("200 5099 42"), after);
        awaitTrue(() -> layer.activeTransactions() == 0);
        receive(ok);
        assertEquals(List.of("200 call-z9hG4bK-inv2"), strays, "after Timer M a 2xx belongs to no transaction");
        assertEquals(1, after.size());
    }

    @Test
    void anInviteRelistenedFromItsOwn2xx_handsItsLater2xxToTheNewListener() throws Exception {
        // A caller that hangs up as soon as it is answered ends its call inside the 2xx's delivery, before the
        // transaction has armed Timer M.
        SipRequest invite = Messages.invite("z9hG4bK-inv3");
        List<String> after = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<ClientTransaction> txn = new AtomicReference<>();
        ClientTransaction.Listener first = listener("inv");
        txn.set(layer.request(invite, Destination.of(Transport.UDP, PEER), new ClientTransaction.Listener() {
            @Override
            public void onResponse(SipResponse response) {
                first.onResponse(response);
                txn.get().relisten((r, d, mark) -> after.add(r.status() + " " + mark), null, 7);
            }

            @Override
            public void onFailure(TransactionFailure failure, String reason) {
                first.onFailure(failure, reason);
            }
        }));
        awaitTrue(() -> !sent.isEmpty());
        SipResponse ok = Messages.response(invite, 200, "callee-1");
        receive(ok);
        receive(ok); // retransmitted
        receive(ok);
        assertEquals(List.of("inv 200"), heard);
        assertEquals(List.of("200 7", "200 7"), after);
        assertEquals(1, layer.activeTransactions(), "retired until Timer M");
    }

    @Test
    void manyInvitesRelistenedFromTheir2xx_eachKeepsItsMark_whileTheLaneGrows() throws Exception {
        // More than a lane's first 64 entries: some of these adds grow its arrays.
        int n = 150;
        List<String> after = Collections.synchronizedList(new ArrayList<>());
        List<SipResponse> oks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SipRequest invite = Messages.invite("z9hG4bK-many" + i);
            int mark = i;
            AtomicReference<ClientTransaction> txn = new AtomicReference<>();
            txn.set(layer.request(invite, Destination.of(Transport.UDP, PEER), new ClientTransaction.Listener() {
                @Override
                public void onResponse(SipResponse response) {
                    txn.get().relisten((r, d, m) -> after.add(r.topVia().branch() + " " + m), null, mark);
                }

                @Override
                public void onFailure(TransactionFailure failure, String reason) {
                    heard.add("failed " + reason);
                }
            }));
            oks.add(Messages.response(invite, 200, "callee"));
        }
        awaitTrue(() -> sent.size() >= n);
        for (SipResponse ok : oks) {
            receive(ok);
        }
        for (SipResponse ok : oks) {
            receive(ok); // retransmitted: goes to the Retransmissions with its own mark
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("z9hG4bK-many" + i + " " + i);
        }
        assertEquals(expected, after);
        assertEquals(List.of(), heard);
    }

    @Test
    void aNonInvitesRetransmittedFinalResponsesAreAbsorbedUntilTimerK() throws Exception {
        SipRequest bye = Messages.request("BYE", "z9hG4bK-bye1");
        layer.request(bye, Destination.of(Transport.UDP, PEER), listener("bye"));
        awaitTrue(() -> !sent.isEmpty());
        SipResponse ok = Messages.response(bye, 200, "t");
        receive(ok);
        receive(ok);
        assertEquals(List.of("bye 200"), heard);
        assertEquals(List.of(), strays);
        awaitTrue(() -> layer.activeTransactions() == 0);
        assertEquals(0, layer.armedTimers());
        receive(ok);
        assertEquals(List.of("200 call-z9hG4bK-bye1"), strays);
    }

    @Test
    void manyRetiredTransactionsAreEachFoundAndLeaveInTheirOrder() throws Exception {
        // Enough to grow the ring and its index several times; every one stays reachable as others leave.
        int n = 300;
        List<SipRequest> byes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SipRequest bye = Messages.request("BYE", "z9hG4bK-many" + i);
            byes.add(bye);
            layer.request(bye, Destination.of(Transport.UDP, PEER), listener("b" + i));
        }
        awaitTrue(() -> sent.size() >= n);
        for (SipRequest bye : byes) {
            receive(Messages.response(bye, 200, "t"));
        }
        assertEquals(n, heard.size());
        assertEquals(n, layer.activeTransactions());
        for (int i = n - 1; i >= 0; i -= 7) {
            receive(Messages.response(byes.get(i), 200, "t"));
        }
        assertEquals(n, heard.size(), "retransmissions are absorbed, not passed up");
        assertEquals(List.of(), strays);
        awaitTrue(() -> layer.activeTransactions() == 0);
        assertEquals(0, layer.armedTimers());
        assertFalse(heard.stream().anyMatch(h -> h.contains("off the loop")));
        assertTrue(heard.stream().allMatch(h -> h.endsWith(" 200")));
    }

    @Test
    void aLayerSizedAheadForItsRate_keepsWhatComesAtThatRateWithoutGrowing_andWorksAsOneThatGrows() throws Exception {
        // 5,000 a second for Timer J (64*T1 = 1.28 s): 6,400 kept at once, sized before the first one comes.
        layer.expectRate(5_000);
        int sized = loop.submit(layer::retiredServerCapacity).get(5, TimeUnit.SECONDS);
        assertEquals(0, sized, "no lane yet: each is sized as it is made");
        List<SipRequest> byes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byes.add(Messages.request("BYE", "z9hG4bK-sized" + i));
        }
        for (SipRequest r : byes) {
            receive(r);
        }
        awaitTrue(() -> wire.size() == byes.size());
        // Made off the loop (see the test below), then moved in.
        awaitTrue(() -> capacityNow() >= 6_400);
        int capacity = capacityNow();
        assertTrue(capacity <= 2 * 6_400, "capacity " + capacity);
        long pageBytes = loop.submit(layer::retiredServerPageBytes).get(5, TimeUnit.SECONDS);
        assertTrue(pageBytes >= 64L * capacity, "the keys' bytes are made ahead too: " + pageBytes);
        List<String> firstResponses = new ArrayList<>(wire);
        wire.clear();
        for (SipRequest r : byes) {
            receive(r);
        }
        awaitTrue(() -> wire.size() == byes.size());
        assertEquals(byes.size(), requests.size(), "the retransmissions are not new requests");
        assertEquals(firstResponses, wire, "RFC 3261 17.2.2: the same responses, in the same order");
        assertEquals(capacity, (int) loop.submit(layer::retiredServerCapacity).get(5, TimeUnit.SECONDS));
        assertEquals(pageBytes, (long) loop.submit(layer::retiredServerPageBytes).get(5, TimeUnit.SECONDS),
                "no page made while the calls came");
    }

    @Test
    void aLaneFirstNeededWhileCallsCome_isSizedForTheRateOffTheLoop() throws Exception {
        // 200,000 a second for 64*T1 = 1.28 s: 256,000 kept at once, a ring of 2^18 with 16 MB of pages for the keys.
        layer.expectRate(200_000);
        SipRequest first = Messages.request("BYE", "z9hG4bK-first");
        int atFirst = loop.submit(() -> {
            layer.receive(new Inbound(first, Transport.UDP, PEER, LOCAL, null));
            return layer.retiredServerCapacity();
        }).get(5, TimeUnit.SECONDS);
        assertEquals(1, wire.size(), "answered");
        assertTrue(atFirst > 0 && atFirst < 4_096, "the loop took the first entry in a small ring: " + atFirst);
        awaitTrue(() -> capacityNow() >= 256_000);
        long pageBytes = loop.submit(layer::retiredServerPageBytes).get(5, TimeUnit.SECONDS);
        assertTrue(pageBytes >= 64L * capacityNow(), "the keys' pages came with it: " + pageBytes);
        wire.clear();
        receive(first);
        assertEquals(1, wire.size(), "the retransmitted BYE is answered again from what was kept");
        assertEquals(List.of("BYE"), requests, "not a new request");
    }

    private int capacityNow() {
        try {
            return loop.submit(layer::retiredServerCapacity).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keysOfOneHashAreFoundWhileTheOldestLeave() throws Exception {
        // "Aa" and "BB" hash alike, so every word of them does too: one probe chain, emptied from its start.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            StringBuilder k = new StringBuilder();
            for (int bit = 0; bit < 6; bit++) {
                k.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(k.toString());
        }
        TransactionLayer.Shard shard = new TransactionLayer.Shard(layer, loop);
        // The second half is queued 150 ms after the first, so it is still there for 150 ms once the first is gone.
        Retired lane = new Retired(layer, shard, 300, false);
        SipResponse ok = Messages.response(Messages.request("BYE", "z9hG4bK-x"), 200, "t");
        loop.submit(() -> keys.subList(0, 32).forEach(k -> lane.add(k, (ClientTransaction.Listener) null))).get(5, TimeUnit.SECONDS);
        Thread.sleep(150);
        loop.submit(() -> keys.subList(32, 64).forEach(k -> lane.add(k, (ClientTransaction.Listener) null))).get(5, TimeUnit.SECONDS);
        awaitTrue(() -> lane.size() <= 32);
        List<Boolean> found = loop.submit(() -> keys.stream().map(k -> lane.absorb(k, ok)).toList())
                .get(5, TimeUnit.SECONDS);
        assertEquals(32, lane.size());
        for (int i = 0; i < 64; i++) {
            assertEquals(i >= 32, found.get(i), keys.get(i));
        }
        awaitTrue(() -> lane.size() == 0);
        assertFalse(loop.submit(() -> lane.absorb(keys.get(63), ok)).get(5, TimeUnit.SECONDS));
    }

    @Test
    void entriesWithEqualDestinations_keepOneOfThem_andADifferentOneStaysItsOwn() throws Exception {
        TransactionLayer.Shard shard = new TransactionLayer.Shard(layer, loop);
        Retired lane = new Retired(layer, shard, 300, false);
        Destination first = Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070));
        Destination equal = Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070));
        Destination other = Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5071));
        List<Destination> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> marks = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClientTransaction.Retransmissions r = (response, destination, mark) -> {
            heard.add(destination);
            marks.add(mark);
        };
        SipResponse ok = Messages.response(Messages.invite("z9hG4bK-d"), 200, "t");
        loop.submit(() -> {
            lane.add("k1", r, first, 1);
            lane.add("k2", r, equal, 2);
            lane.add("k3", r, other, 3);
            lane.add("k4", r, Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070)), 4);
            for (String k : List.of("k1", "k2", "k3", "k4")) {
                assertTrue(lane.absorb(k, ok), k);
            }
        }).get(5, TimeUnit.SECONDS);
        assertEquals(List.of(1, 2, 3, 4), marks);
        assertEquals(List.of(first, first, other, first), heard, "each entry's own destination, by value");
        assertSame(heard.get(0), heard.get(1), "the second entry keeps the first's object, not its own");
        assertSame(other, heard.get(2));
        assertTrue(heard.get(3) != first, "after a different one, an equal destination is kept anew");
    }

    @Test
    void aRetransmittedNonInviteGetsTheSameFinalResponseUntilTimerJ() throws Exception {
        SipRequest bye = Messages.request("BYE", "z9hG4bK-uas-bye");
        receive(bye);
        awaitTrue(() -> wire.size() == 1);
        receive(bye);
        awaitTrue(() -> wire.size() == 2);
        assertEquals(List.of("BYE"), requests, "the retransmission is not a new request");
        assertEquals(wire.get(0), wire.get(1), "the same response, byte for byte (RFC 3261 17.2.2)");
        assertTrue(wire.get(0).startsWith("SIP/2.0 200 "), wire.get(0));
        assertEquals(1, layer.activeTransactions());
        awaitTrue(() -> layer.activeTransactions() == 0);
        assertEquals(0, layer.armedTimers());
        receive(bye);
        awaitTrue(() -> requests.size() == 2);
        assertEquals(List.of("BYE", "BYE"), requests, "after Timer J the request is new to the layer");
    }

    @Test
    void aRetransmittedNonInvitesResponse_goesWhereTheRetransmissionsViaAndSourceSay() throws Exception {
        // The Via asks for rport (RFC 3581): the response goes to the request's source port. A retransmission that
        // comes from another port (a NAT that rebound) gets the same response at its own.
        SipRequest bye = Messages.request("BYE", "z9hG4bK-uas-moved");
        receive(bye);
        awaitTrue(() -> wire.size() == 1);
        InetSocketAddress rebound = new InetSocketAddress("127.0.0.1", 5071);
        loop.submit(() -> layer.receive(new Inbound(bye, Transport.UDP, rebound, LOCAL, null))).get(5, TimeUnit.SECONDS);
        receive(bye);
        awaitTrue(() -> wire.size() == 3);
        assertEquals(List.of("BYE"), requests);
        assertEquals(wire.get(0), wire.get(1));
        assertEquals(wire.get(0), wire.get(2));
        assertEquals(List.of(Destination.of(Transport.UDP, PEER), Destination.of(Transport.UDP, rebound),
                Destination.of(Transport.UDP, PEER)), sentTo);
    }

    @Test
    void finalResponsesKeptAcrossAPageBoundary_goOutAgainByteForByte() throws Exception {
        // About 280 bytes kept per BYE (its key and its 200): the first two waves share the first 64 KiB page,
        // and the third runs on into a second, an entry split between the two.
        threeWavesThenRetransmitted("w", 13, 60, 60, 160);
    }

    @Test
    void finalResponsesKeptOnManyPages_goOutAgainByteForByte_afterTheOldestPagesAreWrittenAgain() throws Exception {
        // 500 BYEs fill more than two pages; the third wave (1,200, some five pages) is written onto the first's.
        threeWavesThenRetransmitted("p", 17, 500, 500, 1200);
    }

    /**
     * Three waves of BYEs whose 200s (each naming its branch, the branches of varied length) are kept until Timer
     * J: the second half a Timer J after the first, the third once the first has left. Then the BYEs of the last
     * two are sent again, and each must get its first response again, byte for byte, in the order asked.
     */
    private void threeWavesThenRetransmitted(String tag, int padEvery, int na, int nb, int nc) throws Exception {
        java.util.function.BiFunction<Integer, Integer, List<SipRequest>> wave = (w, n) -> {
            List<SipRequest> byes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byes.add(Messages.request("BYE", "z9hG4bK-" + tag + w + "-" + "x".repeat(i % padEvery) + i));
            }
            return byes;
        };
        List<SipRequest> a = wave.apply(0, na);
        List<SipRequest> b = wave.apply(1, nb);
        List<SipRequest> c = wave.apply(2, nc);
        for (SipRequest r : a) {
            receive(r);
        }
        Thread.sleep(640); // half of Timer J (64*T1)
        for (SipRequest r : b) {
            receive(r);
        }
        awaitTrue(() -> layer.activeTransactions() == b.size());
        for (SipRequest r : c) {
            receive(r);
        }
        int total = na + nb + nc;
        awaitTrue(() -> wire.size() == total);
        java.util.Map<String, String> first = new java.util.HashMap<>();
        synchronized (wire) {
            for (String response : wire.subList(na, total)) {
                first.put(branchOf(response), response);
            }
            wire.clear();
        }
        assertEquals(nb + nc, first.size(), "one response per branch");
        List<SipRequest> again = new ArrayList<>(b); // b first: it leaves first
        again.addAll(c);
        for (SipRequest r : again) {
            receive(r);
        }
        awaitTrue(() -> wire.size() == again.size());
        assertEquals(total, requests.size(), "the retransmissions are not new requests");
        synchronized (wire) {
            for (int i = 0; i < again.size(); i++) {
                String response = wire.get(i);
                String branch = branchOf(response);
                assertEquals(branchOf(new String(again.get(i).toBytes(), java.nio.charset.StandardCharsets.UTF_8)),
                        branch, "answered in the order asked");
                assertEquals(first.get(branch), response, "RFC 3261 17.2.2: the same response");
            }
        }
    }

    private static String branchOf(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("branch=([^;\r]+)").matcher(message);
        assertTrue(m.find(), message);
        return m.group(1);
    }

    @Test
    void anAcceptedInvitesRetransmissionsAreAbsorbedAndItsCancelAnswered200() throws Exception {
        SipRequest invite = Messages.invite("z9hG4bK-uas-inv");
        receive(invite);
        awaitTrue(() -> wire.size() == 1);
        receive(invite);
        receive(invite);
        SipRequest cancel = Messages.request("CANCEL", "z9hG4bK-uas-inv");
        receive(cancel);
        awaitTrue(() -> wire.size() == 2);
        Thread.sleep(50);
        assertEquals(List.of("INVITE"), requests);
        assertEquals(List.of("SIP/2.0 200 OK", "SIP/2.0 200 OK"), sent, "the 2xx once, then the CANCEL's 200");
        assertTrue(wire.get(1).contains("CSeq: 7 CANCEL"), wire.get(1));
        awaitTrue(() -> layer.activeTransactions() == 0);
        assertEquals(0, layer.armedTimers());
        receive(Messages.request("CANCEL", "z9hG4bK-uas-inv"));
        awaitTrue(() -> wire.size() == 3);
        assertTrue(wire.get(2).startsWith("SIP/2.0 481 "), "after Timer L there is nothing to cancel: " + wire.get(2));
    }
}
