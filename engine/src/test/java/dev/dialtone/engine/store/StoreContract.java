package dev.dialtone.engine.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's behaviour, run against each database it supports (H2 always, PostgreSQL when configured). */
abstract class StoreContract {
    static final String REALM = "sip.example.test";
    static final Instant T0 = Instant.parse("2026-11-23T17:00:00Z");

    Database db;
    SipEndpointStore endpoints;
    BindingStore bindings;

    /** A URL of an empty database, or of one whose Dialtone tables {@link #reset} can drop. */
    abstract String jdbcUrl();

    /** Reopens the database the current test uses, to show what survives a restart. */
    Database reopen() {
        db.close();
        db = Database.open(jdbcUrl());
        return db;
    }

    @BeforeEach
    void open() throws Exception {
        db = Database.open(jdbcUrl());
        endpoints = new SipEndpointStore(db, REALM, Clock.fixed(T0, ZoneOffset.UTC));
        bindings = new BindingStore(db);
    }

    @AfterEach
    void close() throws Exception {
        reset(db);
        db.close();
    }

    /** Drops what the migrations created, so the next test starts from an empty database. */
    static void reset(Database db) throws Exception {
        try (var c = db.connection(); var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS registration_bindings");
            s.execute("DROP TABLE IF EXISTS sip_endpoints");
            s.execute("DROP TABLE IF EXISTS schema_version");
        }
    }

    static SipEndpoint draft(String username) {
        return SipEndpoint.builder().username(username).build();
    }

    static String hex(String algorithm, String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void migrations_recordEachScriptOnce_andReopeningAppliesNothing() throws Exception {
        assertEquals(Migrations.SCRIPTS.size(), db.schemaVersion());
        endpoints.create(draft("alice"), "secret-1234");
        Database again = reopen();
        assertEquals(Migrations.SCRIPTS.size(), again.schemaVersion());
        try (var c = again.connection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*), MIN(version), MAX(version) FROM schema_version")) {
            rs.next();
            assertEquals(Migrations.SCRIPTS.size(), rs.getInt(1));
            assertEquals(1, rs.getInt(2));
            assertEquals(Migrations.SCRIPTS.size(), rs.getInt(3));
        }
        assertTrue(new SipEndpointStore(again, REALM, Clock.systemUTC()).findByUsername("alice").isPresent());
    }

    @Test
    void migrations_refuseADatabaseNewerThanThisBuild() throws Exception {
        try (var c = db.connection(); var s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 0)");
        }
        db.close();
        StoreException e = assertThrows(StoreException.class, () -> Database.open(jdbcUrl()));
        assertTrue(e.getMessage().contains("newer than this Dialtone"), e.getMessage());
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl()); var s = c.createStatement()) {
            s.execute("DELETE FROM schema_version WHERE version = 99");
        }
        db = Database.open(jdbcUrl());
    }

    @Test
    void create_thenFind_returnsEverySetting() {
        UUID room = UUID.randomUUID();
        SipEndpoint created = endpoints.create(draft("alice").toBuilder()
                .callerId("Alice").sendAs("+15550100").ciphers(List.of("AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM_8"))
                .codecs(List.of("PCMU", "OPUS")).encryption("required").callHandler("laml_webhooks")
                .callRequestUrl("https://example.test/cxml").callRequestMethod("GET")
                .callVideoRoomId(room).callRelayContext("office").build(), "secret-1234");
        assertEquals(T0, created.createdAt());
        assertEquals(created, endpoints.find(created.id()).orElseThrow());
        assertEquals(created, endpoints.findByUsername("alice").orElseThrow());
        assertEquals(List.of("PCMU", "OPUS"), created.codecs());
        assertEquals(Optional.empty(), endpoints.findByUsername("ALICE"));
    }

    @Test
    void create_duplicateUsername_isUsernameTaken() {
        endpoints.create(draft("alice"), "secret-1234");
        assertThrows(UsernameTakenException.class, () -> endpoints.create(draft("alice"), "other-5678"));
        assertEquals(1, endpoints.count());
    }

    @Test
    void ha1_isTheDigestOfUsernameRealmPassword_forMd5AndSha256() throws Exception {
        endpoints.create(draft("alice"), "secret-1234");
        String a1 = "alice:" + REALM + ":secret-1234";
        assertEquals(Optional.of(hex("MD5", a1)), endpoints.ha1("alice", REALM, "MD5"));
        assertEquals(Optional.of(hex("MD5", a1)), endpoints.ha1("alice", REALM, "md5-sess"));
        assertEquals(Optional.of(hex("SHA-256", a1)), endpoints.ha1("alice", REALM, "SHA-256"));
        assertEquals(Optional.empty(), endpoints.ha1("alice", "other.realm", "MD5"));
        assertEquals(Optional.empty(), endpoints.ha1("alice", REALM, "SHA-512-256"));
        assertEquals(Optional.empty(), endpoints.ha1("bob", REALM, "MD5"));
    }

    @Test
    void ha1_rfc2617Example_matches() {
        // RFC 2617 3.5: Mufasa / testrealm@host.com / "Circle Of Life".
        SipEndpointStore store = new SipEndpointStore(db, "testrealm@host.com", Clock.systemUTC());
        store.create(draft("Mufasa"), "Circle Of Life");
        assertEquals(Optional.of("939e7578ed9e3c518a452acee763bce9"), store.ha1("Mufasa", "testrealm@host.com", "MD5"));
    }

    @Test
    void update_withPassword_recomputesHa1_andWithoutKeepsIt() throws Exception {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        endpoints.update(e.toBuilder().callerId("Alice").build(), null).orElseThrow();
        assertEquals(Optional.of(hex("MD5", "alice:" + REALM + ":secret-1234")), endpoints.ha1("alice", REALM, "MD5"));
        SipEndpoint renamed = endpoints.update(e.toBuilder().username("alice2").build(), "new-secret-99").orElseThrow();
        assertEquals("alice2", renamed.username());
        assertEquals(e.createdAt(), renamed.createdAt());
        assertEquals(Optional.empty(), endpoints.ha1("alice", REALM, "MD5"));
        assertEquals(Optional.of(hex("SHA-256", "alice2:" + REALM + ":new-secret-99")),
                endpoints.ha1("alice2", REALM, "SHA-256"));
    }

    @Test
    void update_usernameWithoutPassword_isRefused() {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        assertThrows(IllegalArgumentException.class, () -> endpoints.update(e.toBuilder().username("bob").build(), null));
        assertEquals("alice", endpoints.find(e.id()).orElseThrow().username());
    }

    @Test
    void update_toTakenUsername_isUsernameTaken_andUnknownIdIsEmpty() {
        endpoints.create(draft("alice"), "secret-1234");
        SipEndpoint bob = endpoints.create(draft("bob"), "secret-1234");
        assertThrows(UsernameTakenException.class,
                () -> endpoints.update(bob.toBuilder().username("alice").build(), "secret-5678"));
        assertEquals(Optional.empty(), endpoints.update(bob.toBuilder().id(UUID.randomUUID()).build(), null));
    }

    @Test
    void realmChange_makesOldCredentialsUnusable_untilPasswordIsSet() throws Exception {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        SipEndpointStore moved = new SipEndpointStore(db, "new.realm", Clock.systemUTC());
        assertEquals(Optional.empty(), moved.ha1("alice", "new.realm", "MD5"));
        moved.update(e, "secret-1234");
        assertEquals(Optional.of(hex("MD5", "alice:new.realm:secret-1234")), moved.ha1("alice", "new.realm", "MD5"));
    }

    @Test
    void list_newestFirst_filtersSubstringsCaseInsensitively_andPagesFromAnAnchor() {
        Clock ticking = new Clock() {
            long ms = T0.toEpochMilli();
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(ms++); }
        };
        SipEndpointStore store = new SipEndpointStore(db, REALM, ticking);
        store.create(draft("alice").toBuilder().callerId("Front Desk").build(), "secret-1234");
        store.create(draft("bob").toBuilder().callerId("Back Office").build(), "secret-1234");
        store.create(draft("alicia"), "secret-1234");
        store.create(draft("x_ray%"), "secret-1234");
        long anchor = store.latest();
        store.create(draft("alina"), "secret-1234");

        assertEquals(List.of("x_ray%", "alicia", "bob", "alice"), names(store.list(null, null, anchor, 0, 10)));
        assertEquals(List.of("alicia", "alice"), names(store.list("ALI", null, anchor, 0, 10)));
        assertEquals(List.of("bob"), names(store.list(null, "office", anchor, 0, 10)));
        assertEquals(List.of("x_ray%"), names(store.list("_", null, anchor, 0, 10)));
        assertEquals(List.of("x_ray%"), names(store.list("y%", null, anchor, 0, 10)));
        assertEquals(List.of("bob"), names(store.list(null, null, anchor, 2, 1)));
        assertEquals(List.of("alina", "x_ray%"), names(store.list(null, null, store.latest(), 0, 2)));
        assertEquals(5, store.count());
    }

    @Test
    void delete_removesEndpointAndItsBindings() {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        assertTrue(bindings.insert(binding(e.id(), "sip:alice@10.0.0.1:5060", T0.plusSeconds(60))));
        assertTrue(endpoints.delete(e.id()));
        assertFalse(endpoints.delete(e.id()));
        assertEquals(Optional.empty(), endpoints.find(e.id()));
        assertEquals(List.of(), bindings.list("sip:alice@" + REALM, T0));
    }

    static Binding binding(UUID endpoint, String contact, Instant expires) {
        return new Binding("sip:alice@" + REALM, contact, endpoint, "192.0.2.10:5060", "udp", null,
                expires, "call-1@host", 1, null);
    }

    @Test
    void bindings_insertFindRefreshRemove() {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        Binding b = new Binding("sip:alice@" + REALM, "sip:alice@192.0.2.10:5060;transport=tcp", e.id(),
                "192.0.2.10:40123", "tcp", "flow-7", T0.plusSeconds(3600), "abc@192.0.2.10", 1, new BigDecimal("0.7"));
        assertTrue(bindings.insert(b));
        assertFalse(bindings.insert(b), "a second insert of the same AOR and Contact is refused");
        assertEquals(Optional.of(b), bindings.find(b.aor(), b.contactUri()));

        Binding refreshed = new Binding(b.aor(), b.contactUri(), e.id(), "192.0.2.10:40999", "tcp", null,
                T0.plusSeconds(7200), "abc@192.0.2.10", 2, null);
        assertTrue(bindings.refresh(refreshed));
        assertEquals(Optional.of(refreshed), bindings.find(b.aor(), b.contactUri()));
        assertFalse(bindings.refresh(new Binding(b.aor(), "sip:other@192.0.2.11", e.id(), "x:1", "udp", null,
                T0, "c", 1, null)));

        assertTrue(bindings.remove(b.aor(), b.contactUri()));
        assertFalse(bindings.remove(b.aor(), b.contactUri()));
        assertEquals(Optional.empty(), bindings.find(b.aor(), b.contactUri()));
    }

    @Test
    void bindings_listSkipsExpired_ordersByQ_andExpireDeletesOnlyExpired() {
        SipEndpoint e = endpoints.create(draft("alice"), "secret-1234");
        String aor = "sip:alice@" + REALM;
        Binding low = new Binding(aor, "sip:a@192.0.2.1", e.id(), "192.0.2.1:5060", "udp", null,
                T0.plusSeconds(100), "c1", 1, new BigDecimal("0.1"));
        Binding none = new Binding(aor, "sip:a@192.0.2.2", e.id(), "192.0.2.2:5060", "udp", null,
                T0.plusSeconds(200), "c2", 1, null);
        Binding old = new Binding(aor, "sip:a@192.0.2.3", e.id(), "192.0.2.3:5060", "udp", null,
                T0.minusSeconds(1), "c3", 1, new BigDecimal("1"));
        bindings.insert(low);
        bindings.insert(none);
        bindings.insert(old);

        assertEquals(List.of(none, low), bindings.list(aor, T0));
        assertEquals(List.of(low, none), bindings.listByEndpoint(e.id(), T0).stream()
                .sorted(java.util.Comparator.comparing(Binding::contactUri)).toList());
        assertEquals(2, bindings.count(T0));
        assertEquals(1, bindings.expire(T0));
        assertEquals(Optional.empty(), bindings.find(aor, old.contactUri()));
        assertEquals(List.of(none), bindings.list(aor, T0.plus(Duration.ofSeconds(100))));
        assertEquals(2, bindings.removeAll(aor));
        assertEquals(0, bindings.count(T0));
    }

    @Test
    void bindings_forUnknownEndpoint_areRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> bindings.insert(binding(UUID.randomUUID(), "sip:x@192.0.2.1", T0)));
    }

    @Test
    void closedDatabase_failsWithStoreException() {
        db.close();
        assertThrows(StoreException.class, () -> endpoints.count());
        db = Database.open(jdbcUrl());
    }

    static List<String> names(List<SipEndpoint> list) {
        return list.stream().map(SipEndpoint::username).toList();
    }
}
