package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.BindingStore;
import dev.dialtone.engine.store.Database;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.Challenge;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestChallenge;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INVITEs from endpoints authenticated as a proxy would (407), against a real H2 store. */
class CallAuthenticatorTest {
    static final String REALM = "sip.example.test";
    static final String TARGET = "sip:+15550100@" + REALM;
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.168.1.20\r\ns=-\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";

    @TempDir
    Path dataDir;

    ManualClock clock;
    Database db;
    Registrar registrar;
    CallAuthenticator auth;
    SipEndpoint alice;
    int cseq;

    @BeforeEach
    void open() {
        clock = new ManualClock(Instant.parse("2026-11-23T18:00:00Z"));
        db = Database.open(Database.h2FileUrl(dataDir));
        SipEndpointStore endpoints = new SipEndpointStore(db, REALM, clock);
        alice = endpoints.create(SipEndpoint.builder().username("alice").callerId("Alice").build(), "alice-secret-1");
        registrar = Registrar.builder(endpoints, new BindingStore(db)).clock(clock)
                .config(RegistrarConfig.builder().sweepInterval(Duration.ZERO).build()).build();
        auth = registrar.callAuthenticator();
    }

    @AfterEach
    void close() {
        registrar.close();
        db.close();
    }

    SipRequest invite(String method, List<AuthorizationHeader> credentials, String... extra) {
        cseq++;
        List<String> lines = new ArrayList<>(List.of(
                method + " " + TARGET + " SIP/2.0",
                "Via: SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK-inv" + cseq + ";rport",
                "Max-Forwards: 70",
                "From: \"Alice\" <sip:alice@" + REALM + ">;tag=a1",
                "To: <" + TARGET + ">",
                "Call-ID: call-1@192.168.1.20",
                "CSeq: " + cseq + " " + method,
                "Contact: <sip:alice@192.168.1.20:5062>",
                "Content-Type: application/sdp"));
        lines.addAll(List.of(extra));
        for (AuthorizationHeader h : credentials) {
            lines.add(h.name() + ": " + h.value());
        }
        lines.add("Content-Length: " + SDP.length());
        String text = String.join("\r\n", lines) + "\r\n\r\n" + SDP;
        return (SipRequest) SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    AuthResult authenticate(SipRequest request) throws Exception {
        return auth.authenticate(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    SipResponse rejected(AuthResult r) {
        return assertInstanceOf(AuthResult.Rejected.class, r).response();
    }

    List<AuthorizationHeader> answer(DigestClient client, SipResponse challenge) {
        ChallengeAnswer a = client.onChallenge(challenge.status(), challenge.headers(HeaderName.PROXY_AUTHENTICATE),
                "INVITE", TARGET, SDP.getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(ChallengeAnswer.Retry.class, a).headers();
    }

    @Test
    void inviteWithoutCredentials_is407_withProxyAuthenticateForSha256AndMd5() throws Exception {
        SipResponse r = rejected(authenticate(invite("INVITE", List.of())));
        assertEquals(407, r.status());
        assertNotNull(r.to().tag());
        assertTrue(r.headers(HeaderName.WWW_AUTHENTICATE).isEmpty());
        List<String> algorithms = new ArrayList<>();
        for (String v : r.headers(HeaderName.PROXY_AUTHENTICATE)) {
            DigestChallenge c = (DigestChallenge) Challenge.parse(v);
            assertEquals(REALM, c.realm());
            assertFalse(c.stale());
            algorithms.add(c.algorithm());
        }
        assertEquals(List.of("SHA-256", "MD5"), algorithms);
    }

    @Test
    void inviteWithTheRightCredentials_isTheEndpoint() throws Exception {
        DigestClient phone = new DigestClient("alice", "alice-secret-1");
        SipResponse challenge = rejected(authenticate(invite("INVITE", List.of())));
        List<AuthorizationHeader> creds = answer(phone, challenge);
        assertEquals(AuthorizationHeader.PROXY_AUTHORIZATION, creds.get(0).name());
        AuthResult r = authenticate(invite("INVITE", creds));
        assertEquals(alice, assertInstanceOf(AuthResult.Ok.class, r).endpoint());
        // A later request in the call reuses the nonce with the next nonce-count.
        AuthResult bye = authenticate(invite("BYE", phone.authorize("BYE", TARGET, new byte[0])));
        assertInstanceOf(AuthResult.Ok.class, bye);
    }

    @Test
    void inviteWithAWrongPassword_isForbidden() throws Exception {
        DigestClient guesser = new DigestClient("alice", "not-it");
        SipResponse challenge = rejected(authenticate(invite("INVITE", List.of())));
        SipResponse r = rejected(authenticate(invite("INVITE", answer(guesser, challenge))));
        assertEquals(403, r.status());
        assertTrue(r.headers(HeaderName.PROXY_AUTHENTICATE).isEmpty());
    }

    @Test
    void credentialsInAuthorizationInsteadOfProxyAuthorization_areNotCredentials() throws Exception {
        DigestClient phone = new DigestClient("alice", "alice-secret-1");
        SipResponse challenge = rejected(authenticate(invite("INVITE", List.of())));
        AuthorizationHeader creds = answer(phone, challenge).get(0);
        SipResponse r = rejected(authenticate(invite("INVITE", List.of(),
                HeaderName.AUTHORIZATION + ": " + creds.value())));
        assertEquals(407, r.status());
    }

    @Test
    void expiredNonce_is407Stale() throws Exception {
        DigestClient phone = new DigestClient("alice", "alice-secret-1");
        SipResponse challenge = rejected(authenticate(invite("INVITE", List.of())));
        clock.advance(Duration.ofSeconds(301));
        SipResponse r = rejected(authenticate(invite("INVITE", answer(phone, challenge))));
        assertEquals(407, r.status());
        for (String v : r.headers(HeaderName.PROXY_AUTHENTICATE)) {
            assertTrue(((DigestChallenge) Challenge.parse(v)).stale());
        }
        assertInstanceOf(AuthResult.Ok.class, authenticate(invite("INVITE", answer(phone, r))));
    }

    @Test
    void malformedCredentials_areBadRequest() throws Exception {
        SipResponse r = rejected(authenticate(invite("INVITE", List.of(),
                "Proxy-Authorization: Digest username=\"alice\", realm=\"" + REALM + "\"")));
        assertEquals(400, r.status());
    }

    @Test
    void ackAndCancel_cannotBeChallenged() {
        assertThrows(IllegalArgumentException.class, () -> auth.authenticate(invite("ACK", List.of())));
        assertThrows(IllegalArgumentException.class, () -> auth.authenticate(invite("CANCEL", List.of())));
    }
}
