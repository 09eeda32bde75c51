package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.BindingStore;
import dev.dialtone.engine.store.Database;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The REGISTER messages of RFC 4475 (SIP torture tests), byte for byte, and what a registrar must answer
 * (section 3.3's notes). The realm is the messages' domain, example.com.
 */
class Rfc4475RegisterTest {
    static final String REALM = "example.com";
    static final String PASSWORD = "torture-1234";
    static final Inbound FROM = new Inbound(null, Transport.UDP, new InetSocketAddress("192.0.2.21", 5060),
            new InetSocketAddress("127.0.0.1", 5060), null);

    @TempDir
    Path dataDir;

    Database db;
    BindingStore bindings;
    Registrar registrar;

    @BeforeEach
    void open() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-23T18:00:00Z"));
        db = Database.open(Database.h2FileUrl(dataDir));
        SipEndpointStore endpoints = new SipEndpointStore(db, REALM, clock);
        for (String user : List.of("user", "j.user", "watson")) {
            endpoints.create(SipEndpoint.builder().username(user).build(), PASSWORD);
        }
        bindings = new BindingStore(db);
        registrar = Registrar.builder(endpoints, bindings).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).build()).build();
    }

    @AfterEach
    void close() {
        registrar.close();
        db.close();
    }

    static SipRequest fixture(String name) throws Exception {
        try (InputStream in = Rfc4475RegisterTest.class.getResourceAsStream("/registrar/rfc4475/" + name + ".dat")) {
            assertNotNull(in, name);
            return (SipRequest) SipParser.parse(in.readAllBytes());
        }
    }

    SipResponse send(SipRequest request) throws Exception {
        return registrar.handle(request, new Inbound(request, FROM.transport(), FROM.remote(), FROM.local(), null))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The fixture as sent, then with the credentials a phone computes for the 401 it got. */
    SipResponse sendAuthenticated(String name, String user) throws Exception {
        SipRequest request = fixture(name);
        SipResponse challenge = send(request);
        assertEquals(401, challenge.status(), name + " is challenged first");
        DigestClient client = new DigestClient(user, PASSWORD);
        ChallengeAnswer a = client.onChallenge(401, challenge.headers(HeaderName.WWW_AUTHENTICATE), "REGISTER",
                request.requestUriText(), new byte[0]);
        AuthorizationHeader h = assertInstanceOf(ChallengeAnswer.Retry.class, a).headers().get(0);
        return send(request.toBuilder().header(h.name(), h.value()).build());
    }

    @Test
    void unksm2_nonSipTo_isBadRequest() throws Exception {
        // RFC 4475 3.3.4: the AOR in To must be a sip or sips URI, so a registrar rejects isbn: with 400.
        assertEquals(400, send(fixture("unksm2")).status());
    }

    @Test
    void regaut01_unknownAuthorizationScheme_isIgnored_andChallenged() throws Exception {
        // RFC 4475 3.3.7: a registrar ignores the unknown scheme and challenges with one it knows.
        SipResponse r = send(fixture("regaut01"));
        assertEquals(401, r.status());
        assertEquals(2, r.headers(HeaderName.WWW_AUTHENTICATE).size());
    }

    @Test
    void regbadct_uriWithHeadersOutsideAngleBrackets_isBadRequest() throws Exception {
        // RFC 4475 3.1.2.13: the '?' makes the Contact unparseable without <>; a registrar answers 400.
        assertEquals(400, send(fixture("regbadct")).status());
    }

    @Test
    void regescrt_escapedHeaderInContact_registers_andTheRequestUriDropsTheHeaders() throws Exception {
        // RFC 4475 3.3.14: legal inside <>; the binding keeps the URI headers, a Request-URI may not carry them.
        SipResponse r = sendAuthenticated("regescrt", "user");
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>;expires=3600"),
                r.headers(HeaderName.CONTACT));
        Reachable reach = registrar.lookup("user").toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
        assertEquals("sip:user@example.com", reach.requestUri().toString());
    }

    @Test
    void cparam01_contactParameter_isNotPartOfTheBindingUri() throws Exception {
        // RFC 4475 3.3.12: without <>, ";unknownparam" is a contact parameter.
        SipResponse r = sendAuthenticated("cparam01", "watson");
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:+19725552222@gw1.example.net>;expires=3600"), r.headers(HeaderName.CONTACT));
    }

    @Test
    void cparam02_uriParameter_isPartOfTheBindingUri() throws Exception {
        // RFC 4475 3.3.13: inside <>, ";unknownparam" belongs to the URI and so to the binding.
        SipResponse r = sendAuthenticated("cparam02", "watson");
        assertEquals(200, r.status());
        assertEquals(List.of("<sip:+19725552222@gw1.example.net;unknownparam>;expires=3600"),
                r.headers(HeaderName.CONTACT));
    }
}
