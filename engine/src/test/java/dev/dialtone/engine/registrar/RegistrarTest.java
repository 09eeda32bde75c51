package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.Binding;
import dev.dialtone.engine.store.BindingStore;
import dev.dialtone.engine.store.Database;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.Challenge;
import dev.dialtone.sip.auth.DigestChallenge;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Flow;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registrar driven with literal REGISTERs over a real H2 store in a temporary data directory. */
class RegistrarTest {
    static final String REALM = "sip.example.test";
    static final String AOR = "sip:alice@" + REALM;
    static final Instant T0 = Instant.parse("2026-11-23T18:00:00Z");
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
    static final InetSocketAddress NAT = new InetSocketAddress("203.0.113.5", 40000);
    static final Inbound UDP = new Inbound(null, Transport.UDP, NAT, LOCAL, null);
    static final String CONTACT = "Contact: <sip:alice@192.168.1.20:5062>";

    @TempDir
    Path dataDir;

    ManualClock clock;
    Database db;
    SipEndpointStore endpoints;
    BindingStore bindings;
    Registrar registrar;
    SipEndpoint alice;

    @BeforeEach
    void open() {
        clock = new ManualClock(T0);
        db = Database.open(Database.h2FileUrl(dataDir));
        endpoints = new SipEndpointStore(db, REALM, clock);
        bindings = new BindingStore(db);
        alice = endpoints.create(SipEndpoint.builder().username("alice").build(), "alice-secret-1");
        endpoints.create(SipEndpoint.builder().username("bob").build(), "bob-secret-2");
        registrar = newRegistrar();
    }

    Registrar newRegistrar() {
        return Registrar.builder(endpoints, bindings).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).build()).build();
    }

    @AfterEach
    void close() {
        registrar.close();
        db.close();
    }

    Phone alice(String callId) {
        return new Phone("alice", "alice-secret-1", REALM, callId);
    }

    static List<DigestChallenge> challenges(SipResponse r, String header) throws Exception {
        List<DigestChallenge> out = new java.util.ArrayList<>();
        for (String v : r.headers(header)) {
            out.add((DigestChallenge) Challenge.parse(v));
        }
        return out;
    }

    List<Reachable> lookup(String user) throws Exception {
        return registrar.lookup(user).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void firstRegister_isChallenged_withSha256ThenMd5_underOneNonce() throws Exception {
        SipResponse r = Phone.send(registrar, alice("c1").request(CONTACT), UDP);
        assertEquals(401, r.status());
        assertNotNull(r.to().tag(), "a UAS adds a To tag (RFC 3261 8.2.6.2)");
        List<DigestChallenge> c = challenges(r, HeaderName.WWW_AUTHENTICATE);
        assertEquals(List.of("SHA-256", "MD5"), c.stream().map(DigestChallenge::algorithm).toList());
        assertEquals(c.get(0).nonce(), c.get(1).nonce());
        for (DigestChallenge d : c) {
            assertEquals(REALM, d.realm());
            assertEquals(List.of("auth"), d.qop());
            assertFalse(d.stale());
        }
        assertEquals(List.of(), bindings.list(AOR, T0));
    }

    @Test
    void wrongPassword_isForbidden_andBindsNothing() throws Exception {
        Phone guesser = new Phone("alice", "wrong", REALM, "c1");
        SipResponse challenge = Phone.send(registrar, guesser.request(CONTACT), UDP);
        SipResponse r = Phone.send(registrar, guesser.answer(challenge, CONTACT), UDP);
        assertEquals(403, r.status());
        assertTrue(r.headers(HeaderName.WWW_AUTHENTICATE).isEmpty());
        assertEquals(List.of(), bindings.list(AOR, T0));
    }

    @Test
    void rightPassword_registers_andTheOkListsTheBindingWithDate() throws Exception {
        SipResponse r = alice("c1").register(registrar, UDP, CONTACT);
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@192.168.1.20:5062>;expires=3600"), r.headers(HeaderName.CONTACT));
        assertEquals("Mon, 23 Nov 2026 18:00:00 GMT", r.header(HeaderName.DATE));
        Binding b = bindings.find(AOR, "sip:alice@192.168.1.20:5062").orElseThrow();
        assertEquals(alice.id(), b.endpointId());
        assertEquals(T0.plusSeconds(3600), b.expiresAt());
        assertEquals("c1", b.callId());
        assertEquals(2, b.cseq(), "the authenticated retry is CSeq 2");
    }

    @Test
    void sha256IsAnswered_whenThePhonePrefersIt() throws Exception {
        Phone phone = alice("c1");
        SipRequest retry = phone.answer(Phone.send(registrar, phone.request(CONTACT), UDP), CONTACT);
        assertTrue(retry.header(HeaderName.AUTHORIZATION).contains("algorithm=SHA-256"));
        assertEquals(200, Phone.send(registrar, retry, UDP).status());
    }

    @Test
    void md5Credentials_areAcceptedToo() throws Exception {
        Phone phone = alice("c1");
        SipResponse challenge = Phone.send(registrar, phone.request(CONTACT), UDP);
        // An MD5-only phone sees only the MD5 challenge.
        SipResponse md5Only = challenge.toBuilder().removeHeader(HeaderName.WWW_AUTHENTICATE)
                .header(HeaderName.WWW_AUTHENTICATE, challenge.headers(HeaderName.WWW_AUTHENTICATE).get(1)).build();
        SipRequest retry = phone.answer(md5Only, CONTACT);
        assertTrue(retry.header(HeaderName.AUTHORIZATION).contains("algorithm=MD5"));
        assertEquals(200, Phone.send(registrar, retry, UDP).status());
    }

    @Test
    void expiredNonce_getsStaleChallenge_andTheRetryRegisters() throws Exception {
        Phone phone = alice("c1");
        SipResponse first = Phone.send(registrar, phone.request(CONTACT), UDP);
        clock.advance(Duration.ofSeconds(301));
        SipResponse stale = Phone.send(registrar, phone.answer(first, CONTACT), UDP);
        assertEquals(401, stale.status());
        List<DigestChallenge> c = challenges(stale, HeaderName.WWW_AUTHENTICATE);
        assertEquals(2, c.size());
        assertTrue(c.stream().allMatch(DigestChallenge::stale), "stale=true on every challenge");
        SipResponse ok = Phone.send(registrar, phone.answer(stale, CONTACT), UDP);
        assertEquals(200, ok.status());
    }

    @Test
    void refresh_withTheSameNonceAndAHigherNonceCount_isAcceptedWithoutChallenge() throws Exception {
        Phone phone = alice("c1");
        assertEquals(200, phone.register(registrar, UDP, CONTACT).status());
        clock.advance(Duration.ofSeconds(60));
        SipResponse r = Phone.send(registrar, phone.request(CONTACT), UDP);
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@192.168.1.20:5062>;expires=3600"), r.headers(HeaderName.CONTACT));
    }

    @Test
    void tooBriefExpiry_is423WithMinExpires_andBindsNothing() throws Exception {
        SipResponse r = alice("c1").register(registrar, UDP, CONTACT, "Expires: 30");
        assertEquals(423, r.status());
        assertEquals("60", r.header(HeaderName.MIN_EXPIRES));
        assertEquals(List.of(), bindings.list(AOR, T0));
        SipResponse param = alice("c2").register(registrar, UDP, CONTACT + ";expires=59", "Expires: 600");
        assertEquals(423, param.status(), "the contact's expires parameter wins over the header");
    }

    @Test
    void expiry_isCappedAtTheMaximum_andTheParameterWinsOverTheHeader() throws Exception {
        SipResponse r = alice("c1").register(registrar, UDP,
                "Contact: <sip:alice@192.168.1.20:5062>;expires=7200",
                "Contact: <sip:alice@192.168.1.21:5062>", "Expires: 120");
        assertEquals(200, r.status());
        assertEquals(Map.of("<sip:alice@192.168.1.20:5062>", "3600", "<sip:alice@192.168.1.21:5062>", "120"),
                expiresByContact(r));
    }

    static Map<String, String> expiresByContact(SipResponse r) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String c : r.headers(HeaderName.CONTACT)) {
            int semi = c.indexOf(";expires=");
            String rest = c.substring(semi + 9);
            out.put(c.substring(0, semi), rest.contains(";") ? rest.substring(0, rest.indexOf(';')) : rest);
        }
        return out;
    }

    @Test
    void severalContacts_fromSeveralPhones_areAllListed_highestQFirst() throws Exception {
        assertEquals(200, alice("desk").register(registrar, UDP,
                "Contact: <sip:alice@192.168.1.20:5062>;q=0.5, <sip:alice@192.168.1.21:5062>;q=0.9").status());
        clock.advance(Duration.ofSeconds(10));
        Inbound mobile = new Inbound(null, Transport.UDP, new InetSocketAddress("198.51.100.7", 5060), LOCAL, null);
        SipResponse r = alice("mobile").register(registrar, mobile, "Contact: <sip:alice@10.1.2.3:5060>",
                "Expires: 300");
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@10.1.2.3:5060>;expires=300",
                "<sip:alice@192.168.1.21:5062>;expires=3590;q=0.9",
                "<sip:alice@192.168.1.20:5062>;expires=3590;q=0.5"), r.headers(HeaderName.CONTACT));
        List<Reachable> found = lookup("alice");
        assertEquals(List.of("sip:alice@10.1.2.3:5060", "sip:alice@192.168.1.21:5062", "sip:alice@192.168.1.20:5062"),
                found.stream().map(x -> x.contact().toString()).toList());
        assertEquals(new InetSocketAddress("198.51.100.7", 5060), found.get(0).source());
    }

    @Test
    void query_withoutContact_listsBindingsAndChangesNothing() throws Exception {
        Phone phone = alice("c1");
        phone.register(registrar, UDP, CONTACT);
        clock.advance(Duration.ofSeconds(100));
        SipResponse r = Phone.send(registrar, phone.request(), UDP);
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@192.168.1.20:5062>;expires=3500"), r.headers(HeaderName.CONTACT));
    }

    @Test
    void wildcard_withExpiresZero_removesEveryBinding() throws Exception {
        alice("desk").register(registrar, UDP, CONTACT);
        alice("mobile").register(registrar, UDP, "Contact: <sip:alice@10.1.2.3:5060>");
        assertEquals(2, bindings.list(AOR, T0).size());
        SipResponse r = alice("other").register(registrar, UDP, "Contact: *", "Expires: 0");
        assertEquals(200, r.status());
        assertTrue(r.headers(HeaderName.CONTACT).isEmpty());
        assertEquals(List.of(), bindings.list(AOR, T0));
        assertEquals(List.of(), lookup("alice"));
    }

    @Test
    void wildcard_withNonZeroOrNoExpires_orBesideOtherContacts_isBadRequest() throws Exception {
        alice("desk").register(registrar, UDP, CONTACT);
        assertEquals(400, Phone.send(registrar, alice("x").request("Contact: *", "Expires: 60"), UDP).status());
        assertEquals(400, Phone.send(registrar, alice("x").request("Contact: *"), UDP).status());
        assertEquals(400, Phone.send(registrar, alice("x").request("Contact: *", CONTACT, "Expires: 0"), UDP)
                .status());
        assertEquals(1, bindings.list(AOR, T0).size());
    }

    @Test
    void expiresZero_removesThatContactOnly() throws Exception {
        Phone phone = alice("c1");
        phone.register(registrar, UDP, CONTACT, "Contact: <sip:alice@10.1.2.3:5060>");
        SipResponse r = Phone.send(registrar, phone.request("Contact: <sip:alice@10.1.2.3:5060>;expires=0"), UDP);
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:alice@192.168.1.20:5062>;expires=3600"), r.headers(HeaderName.CONTACT));
        assertEquals(Optional.empty(), bindings.find(AOR, "sip:alice@10.1.2.3:5060"));
    }

    @Test
    void sameCallId_withCSeqNotHigher_is500_andLeavesTheBinding() throws Exception {
        Phone phone = alice("c1");
        phone.register(registrar, UDP, CONTACT);
        assertEquals(200, Phone.send(registrar, phone.request(CONTACT, "Expires: 600"), UDP).status());
        long newest = phone.cseq;
        // A delayed older REGISTER (lower CSeq) or one reusing the CSeq must not undo the newer one; each carries
        // fresh credentials, so only RFC 3261 10.3 step 7 stops it.
        phone.cseq = newest - 2;
        assertEquals(500, Phone.send(registrar, phone.request(CONTACT + ";expires=0"), UDP).status());
        phone.cseq = newest - 1;
        assertEquals(500, Phone.send(registrar, phone.request(CONTACT + ";expires=0"), UDP).status());
        phone.cseq = newest - 1;
        assertEquals(500, Phone.send(registrar, phone.request("Contact: *", "Expires: 0"), UDP).status());
        assertEquals(T0.plusSeconds(600), bindings.find(AOR, "sip:alice@192.168.1.20:5062").orElseThrow().expiresAt());
        assertEquals(200, Phone.send(registrar, phone.request(CONTACT + ";expires=0"), UDP).status());
        assertEquals(List.of(), bindings.list(AOR, T0));
    }

    @Test
    void anotherCallId_mayRefreshOrRemove_whateverItsCSeq() throws Exception {
        Phone first = alice("c1");
        first.register(registrar, UDP, CONTACT);
        first.register(registrar, UDP, CONTACT);
        Phone rebooted = alice("c2");
        SipResponse r = rebooted.register(registrar, UDP, CONTACT + ";expires=0");
        assertEquals(200, r.status());
        assertEquals(List.of(), bindings.list(AOR, T0));
    }

    @Test
    void bindings_expireOnTime_onReadAndBySweep() throws Exception {
        alice("c1").register(registrar, UDP, CONTACT, "Expires: 60");
        clock.advance(Duration.ofMillis(59_999));
        assertEquals(1, lookup("alice").size());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(), lookup("alice"));
        assertTrue(bindings.find(AOR, "sip:alice@192.168.1.20:5062").isPresent(), "still stored until swept");
        assertEquals(1, registrar.sweep().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), bindings.find(AOR, "sip:alice@192.168.1.20:5062"));
    }

    @Test
    void periodicSweep_deletesExpiredBindings() throws Exception {
        registrar.close();
        registrar = Registrar.builder(endpoints, bindings).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ofMillis(20)).build()).build();
        alice("c1").register(registrar, UDP, CONTACT, "Expires: 60");
        clock.advance(Duration.ofSeconds(61));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bindings.find(AOR, "sip:alice@192.168.1.20:5062").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Optional.empty(), bindings.find(AOR, "sip:alice@192.168.1.20:5062"));
    }

    @Test
    void restart_keepsBindings() throws Exception {
        alice("c1").register(registrar, UDP, CONTACT);
        registrar.close();
        db.close();
        db = Database.open(Database.h2FileUrl(dataDir));
        endpoints = new SipEndpointStore(db, REALM, clock);
        bindings = new BindingStore(db);
        registrar = newRegistrar();
        clock.advance(Duration.ofSeconds(10));
        List<Reachable> found = lookup("alice");
        assertEquals(1, found.size());
        assertEquals("sip:alice@192.168.1.20:5062", found.get(0).contact().toString());
        assertEquals(T0.plusSeconds(3600), found.get(0).expiresAt());
    }

    @Test
    void natUdp_recordsTheSourceAddress_andCallsGoThere() throws Exception {
        alice("c1").register(registrar, UDP, CONTACT);
        Binding b = bindings.find(AOR, "sip:alice@192.168.1.20:5062").orElseThrow();
        assertEquals("203.0.113.5:40000", b.received());
        assertEquals("udp", b.transport());
        assertNull(b.flowId());
        Reachable r = lookup("alice").get(0);
        assertEquals(Transport.UDP, r.transport());
        assertEquals(NAT, r.source());
        assertEquals(Optional.of(Destination.of(Transport.UDP, NAT)), r.destination(id -> Optional.empty()));
    }

    @Test
    void tcp_recordsTheFlow_andCallsReuseItWhileOpen() throws Exception {
        TestFlow flow = new TestFlow("tcp-7");
        InetSocketAddress source = new InetSocketAddress("203.0.113.5", 40123);
        Inbound tcp = new Inbound(null, Transport.TCP, source, LOCAL, flow);
        alice("c1").register(registrar, tcp, "Contact: <sip:alice@192.168.1.20:5062;transport=tcp>");
        Binding b = bindings.find(AOR, "sip:alice@192.168.1.20:5062;transport=tcp").orElseThrow();
        assertEquals("tcp-7", b.flowId());
        assertEquals("203.0.113.5:40123", b.received());
        Reachable r = lookup("alice").get(0);
        assertEquals("tcp-7", r.flowId());
        assertEquals(Transport.TCP, r.transport());
        assertEquals(source, r.source());
        Function<String, Optional<Flow>> flows = id -> id.equals(flow.id()) ? Optional.of(flow) : Optional.empty();
        assertEquals(Optional.of(new Destination(Transport.TCP, source, flow)), r.destination(flows));
        flow.close();
        assertEquals(Optional.empty(), r.destination(flows), "behind NAT a closed flow leaves no way in");
    }

    @Test
    void tcpWithoutNat_whoseFlowIsGone_isReachedAtItsContact() throws Exception {
        TestFlow flow = new TestFlow("tcp-8");
        InetSocketAddress source = new InetSocketAddress("198.51.100.7", 50999);
        alice("c1").register(registrar, new Inbound(null, Transport.TLS, source, LOCAL, flow),
                "Contact: <sip:alice@198.51.100.7;transport=tls>");
        Reachable r = lookup("alice").get(0);
        flow.close();
        assertEquals(Optional.of(Destination.of(Transport.TLS, new InetSocketAddress("198.51.100.7", 5061))),
                r.destination(id -> Optional.empty()));
    }

    @Test
    void lookup_ofUnknownUser_isEmpty() throws Exception {
        assertEquals(List.of(), lookup("carol"));
        assertEquals(List.of(), lookup("bob"));
    }

    @Test
    void reachable_requestUri_isTheContactAsRegistered() throws Exception {
        alice("c1").register(registrar, UDP, "Contact: \"Alice\" <sip:alice@192.168.1.20:5062;line=abc>;q=0.7");
        Reachable r = lookup("alice").get(0);
        assertEquals(SipUri.parse("sip:alice@192.168.1.20:5062;line=abc"), r.contact());
        assertEquals(new BigDecimal("0.700"), r.q());
    }

    @Test
    void credentialsOfOneEndpoint_cannotRegisterAnother_andUnknownUsersAre404() throws Exception {
        Phone aliceAsBob = alice("c1");
        aliceAsBob.toUser = "bob";
        SipResponse challenge = Phone.send(registrar, aliceAsBob.request(CONTACT), UDP);
        assertEquals(401, challenge.status());
        assertEquals(403, Phone.send(registrar, aliceAsBob.answer(challenge, CONTACT), UDP).status());
        aliceAsBob.toUser = "carol";
        assertEquals(404, Phone.send(registrar, aliceAsBob.request(CONTACT), UDP).status());
        assertEquals(List.of(), bindings.list("sip:bob@" + REALM, T0));
    }

    @Test
    void credentialsOfAnUnknownUser_areForbidden() throws Exception {
        Phone carol = new Phone("carol", "whatever", REALM, "c1");
        SipResponse challenge = Phone.send(registrar, carol.request(CONTACT), UDP);
        assertEquals(401, challenge.status());
        assertEquals(403, Phone.send(registrar, carol.answer(challenge, CONTACT), UDP).status());
    }

    @Test
    void requiredExtension_is420WithUnsupported() throws Exception {
        SipResponse r = Phone.send(registrar, alice("c1").request(CONTACT, "Require: gruu"), UDP);
        assertEquals(420, r.status());
        assertEquals("gruu", r.header(HeaderName.UNSUPPORTED));
    }

    @Test
    void tooManyContacts_isForbidden_andChangesNothing() throws Exception {
        registrar.close();
        registrar = Registrar.builder(endpoints, bindings).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).maxContacts(2).build()).build();
        Phone phone = alice("c1");
        assertEquals(200, phone.register(registrar, UDP, CONTACT, "Contact: <sip:alice@10.0.0.2>").status());
        SipResponse r = Phone.send(registrar, phone.request("Contact: <sip:alice@10.0.0.3>"), UDP);
        assertEquals(403, r.status());
        assertEquals(2, bindings.list(AOR, T0).size());
        // Replacing one contact in the same request keeps the count and is fine.
        SipResponse swap = Phone.send(registrar, phone.request("Contact: <sip:alice@10.0.0.2>;expires=0",
                "Contact: <sip:alice@10.0.0.3>"), UDP);
        assertEquals(200, swap.status());
    }

    @Test
    void saturatedStore_is503WithRetryAfter() throws Exception {
        registrar.close();
        registrar = Registrar.builder(endpoints, bindings).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).build())
                .storeExecutor(task -> {
                    throw new RejectedExecutionException("full");
                }).build();
        Phone phone = alice("c1");
        SipResponse challenge = Phone.send(registrar, phone.request(CONTACT), UDP);
        assertEquals(401, challenge.status(), "a challenge needs no store");
        SipResponse r = Phone.send(registrar, phone.answer(challenge, CONTACT), UDP);
        assertEquals(503, r.status());
        assertEquals("5", r.header(HeaderName.RETRY_AFTER));
    }

    @Test
    void storeCalls_runOnTheStoreExecutor_notTheCallersThread() throws Exception {
        registrar.close();
        java.util.concurrent.ExecutorService store = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "test-store"));
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            registrar = Registrar.builder(endpoints, bindings).clock(clock)
                    .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).build())
                    .storeExecutor(task -> store.execute(() -> {
                        threads.add(Thread.currentThread().getName());
                        task.run();
                    })).build();
            assertEquals(200, alice("c1").register(registrar, UDP, CONTACT).status());
            assertEquals(1, lookup("alice").size());
            assertEquals(java.util.Set.of("test-store"), threads);
        } finally {
            store.shutdownNow();
        }
    }

    @Test
    void concurrentRegisters_forOneAddressOfRecord_allLand() throws Exception {
        List<Phone> phones = new java.util.ArrayList<>();
        List<SipRequest> authenticated = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Phone p = alice("phone-" + i);
            String contact = "Contact: <sip:alice@10.0.0." + (i + 1) + ">";
            SipResponse challenge = Phone.send(registrar, p.request(contact), UDP);
            phones.add(p);
            authenticated.add(p.answer(challenge, contact));
        }
        List<java.util.concurrent.CompletableFuture<SipResponse>> sent = new java.util.ArrayList<>();
        for (SipRequest r : authenticated) {
            sent.add(registrar.handle(r, new Inbound(r, Transport.UDP, NAT, LOCAL, null)).toCompletableFuture());
        }
        for (var f : sent) {
            assertEquals(200, f.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(8, bindings.list(AOR, T0).size());
        assertEquals(8, lookup("alice").size());
    }

    @Test
    void ipv6Source_isStoredBracketed_andReadBack() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::5", 40000);
        alice("c1").register(registrar, new Inbound(null, Transport.UDP, v6, LOCAL, null),
                "Contact: <sip:alice@[2001:db8::5]:5062>");
        assertEquals("[2001:db8::5]:40000", bindings.find(AOR, "sip:alice@[2001:db8::5]:5062").orElseThrow().received());
        Reachable r = lookup("alice").get(0);
        assertEquals(v6, r.source());
        assertEquals(Optional.of(Destination.of(Transport.UDP, v6)), r.destination(id -> Optional.empty()));
    }
}
