package dev.dialtone.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DigestRoundTripTest {
    private static final String URI = "sip:alice@dialtone.example";
    private static final byte[] SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> PASSWORDS = Map.of("alice", "s3cret", "bob", "hunter2");

    private final ManualClock clock = new ManualClock();

    private DigestServer.Builder server() {
        return DigestServer.builder().realm("dialtone.example").clock(clock)
                .ha1Lookup(Ha1Lookup.ofPasswords((user, realm) -> Optional.ofNullable(PASSWORDS.get(user))));
    }

    private static DigestVerdict verify(DigestServer server, List<AuthorizationHeader> headers, String method,
                                        byte[] body) throws Exception {
        List<String> values = new ArrayList<>();
        for (AuthorizationHeader h : headers) {
            values.add(h.value());
        }
        return server.verify(values, method, URI, body).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static List<AuthorizationHeader> retry(ChallengeAnswer a) {
        return assertInstanceOf(ChallengeAnswer.Retry.class, a).headers();
    }

    static Stream<Arguments> algorithmsAndQop() {
        List<Arguments> out = new ArrayList<>();
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            out.add(Arguments.of(a, Set.of(Qop.AUTH)));
            out.add(Arguments.of(a, Set.of(Qop.AUTH_INT)));
            if (!a.session()) {
                out.add(Arguments.of(a, Set.<Qop>of()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} qop={1}")
    @MethodSource("algorithmsAndQop")
    void clientAnswersServerChallenge_serverAccepts(DigestAlgorithm algorithm, Set<Qop> qop) throws Exception {
        DigestServer server = server().algorithms(List.of(algorithm)).qop(qop).build();
        DigestClient client = new DigestClient("alice", "s3cret");
        assertEquals(List.of(), client.authorize("INVITE", URI, SDP));

        List<String> challenges = server.challenges(false);
        List<AuthorizationHeader> headers = retry(client.onChallenge(401, challenges, "INVITE", URI, SDP));
        assertEquals(1, headers.size());
        assertEquals("Authorization", headers.get(0).name());
        DigestCredentials sent = DigestCredentials.parse(headers.get(0).value());
        assertEquals(algorithm.token(), sent.algorithm());
        assertEquals(qop.isEmpty() ? null : qop.iterator().next().token(), sent.qop());

        assertEquals(new DigestVerdict.Ok("alice", algorithm), verify(server, headers, "INVITE", SDP));
    }

    @Test
    void authIntCoversTheBody() throws Exception {
        DigestServer server = server().qop(EnumSet.of(Qop.AUTH_INT)).build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> headers = retry(client.onChallenge(401, server.challenges(false), "INVITE", URI, SDP));
        byte[] tampered = "v=0\r\no=- 1 1 IN IP4 10.0.0.66\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(new DigestVerdict.BadCredentials("alice", "response mismatch"),
                verify(server, headers, "INVITE", tampered));
    }

    @Test
    void clientPrefersAuthWhenBothOffered_andAuthIntWhenOnlyThat() throws Exception {
        DigestServer both = server().qop(EnumSet.of(Qop.AUTH, Qop.AUTH_INT)).build();
        assertTrue(both.challenges(false).get(0).contains("qop=\"auth,auth-int\""));
        List<AuthorizationHeader> h = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, both.challenges(false), "REGISTER", URI, null));
        assertEquals("auth", DigestCredentials.parse(h.get(0).value()).qop());
        assertEquals(new DigestVerdict.Ok("alice", DigestAlgorithm.SHA_256), verify(both, h, "REGISTER", null));
    }

    @Test
    void serverOffersSha256ThenMd5WithOneNonce_clientPicksStrongest() throws Exception {
        DigestServer server = server().build();
        List<String> challenges = server.challenges(false);
        assertEquals(2, challenges.size());
        DigestChallenge first = (DigestChallenge) Challenge.parse(challenges.get(0));
        DigestChallenge second = (DigestChallenge) Challenge.parse(challenges.get(1));
        assertEquals("SHA-256", first.algorithm());
        assertEquals("MD5", second.algorithm());
        assertEquals(first.nonce(), second.nonce());
        assertEquals(List.of("auth"), first.qop());

        // Even with MD5 listed first, the client's local preference picks SHA-256.
        List<AuthorizationHeader> h = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, List.of(challenges.get(1), challenges.get(0)), "REGISTER", URI, null));
        assertEquals("SHA-256", DigestCredentials.parse(h.get(0).value()).algorithm());
    }

    @Test
    void oldPhoneAnsweringMd5IsAccepted() throws Exception {
        DigestServer server = server().build();
        List<AuthorizationHeader> h = retry(new DigestClient("bob", "hunter2")
                .onChallenge(401, List.of(server.challenges(false).get(1)), "REGISTER", URI, null));
        assertEquals(new DigestVerdict.Ok("bob", DigestAlgorithm.MD5), verify(server, h, "REGISTER", null));
    }

    @Test
    void proxyChallengeIsAnsweredWithProxyAuthorization_thenUasChallengeAddsAuthorization() throws Exception {
        DigestServer proxy = DigestServer.builder().realm("proxy.example").clock(clock)
                .ha1Lookup(Ha1Lookup.ofPasswords((u, r) -> Optional.of("s3cret"))).build();
        DigestServer uas = server().build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> first = retry(client.onChallenge(407, proxy.challenges(false), "INVITE", URI, SDP));
        assertEquals(List.of("Proxy-Authorization"), first.stream().map(AuthorizationHeader::name).toList());
        assertEquals(DigestVerdict.Ok.class, verify(proxy, first, "INVITE", SDP).getClass());

        List<AuthorizationHeader> second = retry(client.onChallenge(401, uas.challenges(false), "INVITE", URI, SDP));
        assertEquals(List.of("Proxy-Authorization", "Authorization"),
                second.stream().map(AuthorizationHeader::name).toList());
        assertEquals(DigestVerdict.Ok.class, verify(proxy, List.of(second.get(0)), "INVITE", SDP).getClass());
        assertEquals(DigestVerdict.Ok.class, verify(uas, List.of(second.get(1)), "INVITE", SDP).getClass());
    }

    @Test
    void wrongPassword_oneRetryThenGiveUp() throws Exception {
        DigestServer server = server().build();
        DigestClient client = new DigestClient("alice", "wrong");
        client.authorize("REGISTER", URI, null);
        List<AuthorizationHeader> h = retry(client.onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        assertEquals(new DigestVerdict.BadCredentials("alice", "response mismatch"), verify(server, h, "REGISTER", null));
        ChallengeAnswer again = client.onChallenge(401, server.challenges(false), "REGISTER", URI, null);
        assertEquals(new ChallengeAnswer.GiveUp("credentials for realm \"dialtone.example\" rejected"), again);
    }

    @Test
    void unknownUser() throws Exception {
        DigestServer server = server().build();
        List<AuthorizationHeader> h = retry(new DigestClient("mallory", "x")
                .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        assertEquals(new DigestVerdict.UnknownUser("mallory"), verify(server, h, "REGISTER", null));
    }

    @Test
    void expiredNonceWithRightPasswordIsStale_clientRetriesWithoutCountingFailure() throws Exception {
        DigestServer server = server().nonceLifetime(Duration.ofSeconds(300)).build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> h = retry(client.onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        clock.advance(Duration.ofSeconds(301));
        assertEquals(new DigestVerdict.Stale("alice"), verify(server, h, "REGISTER", null));

        List<String> staleChallenges = server.challenges(true);
        assertTrue(staleChallenges.get(0).contains("stale=TRUE"));
        List<AuthorizationHeader> h2 = retry(client.onChallenge(401, staleChallenges, "REGISTER", URI, null));
        assertEquals(new DigestVerdict.Ok("alice", DigestAlgorithm.SHA_256), verify(server, h2, "REGISTER", null));
    }

    @Test
    void expiredNonceWithWrongPasswordIsBadCredentialsNotStale() throws Exception {
        DigestServer server = server().build();
        List<AuthorizationHeader> h = retry(new DigestClient("alice", "nope")
                .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        clock.advance(Duration.ofSeconds(400));
        assertEquals(new DigestVerdict.BadCredentials("alice", "response mismatch"), verify(server, h, "REGISTER", null));
    }

    @Test
    void nonceFromAnotherServerSecretIsStaleWhenDigestIsRight() throws Exception {
        DigestServer old = server().secret(new byte[32]).build();
        DigestServer restarted = server().secret("a different secret of 32 bytes!!".getBytes(StandardCharsets.UTF_8)).build();
        List<AuthorizationHeader> h = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, old.challenges(false), "REGISTER", URI, null));
        assertEquals(new DigestVerdict.Stale("alice"), verify(restarted, h, "REGISTER", null));
    }

    @Test
    void staleLoopWithSameNonceGivesUp() throws Exception {
        DigestServer server = server().build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<String> stale = server.challenges(true);
        retry(client.onChallenge(401, stale, "REGISTER", URI, null));
        assertInstanceOf(ChallengeAnswer.GiveUp.class, client.onChallenge(401, stale, "REGISTER", URI, null));
    }

    @Test
    void replayedNonceCountIsRejected_nextCountAccepted() throws Exception {
        DigestServer server = server().build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> h = retry(client.onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        assertEquals(DigestVerdict.Ok.class, verify(server, h, "REGISTER", null).getClass());
        assertEquals(new DigestVerdict.Replayed("alice"), verify(server, h, "REGISTER", null));

        // The next request reuses the nonce with nc=00000002 (RFC 7616 3.4), no new challenge needed.
        List<AuthorizationHeader> next = client.authorize("REGISTER", URI, null);
        assertEquals("00000002", DigestCredentials.parse(next.get(0).value()).nc());
        assertEquals(DigestVerdict.Ok.class, verify(server, next, "REGISTER", null).getClass());
        assertEquals(new DigestVerdict.Replayed("alice"), verify(server, h, "REGISTER", null));
    }

    @Test
    void rfc2069NonceServesOneRequest_reuseIsStale() throws Exception {
        DigestServer server = server().qop(Set.of()).build();
        DigestClient client = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> h = retry(client.onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        DigestCredentials sent = DigestCredentials.parse(h.get(0).value());
        assertEquals(null, sent.nc());
        assertEquals(null, sent.cnonce());
        assertEquals(DigestVerdict.Ok.class, verify(server, h, "REGISTER", null).getClass());
        assertEquals(new DigestVerdict.Stale("alice"), verify(server, h, "REGISTER", null));
    }

    @Test
    void evictedNonceIsNeverReopenedToReplay() throws Exception {
        DigestServer server = server().replayCacheSize(2).build();
        DigestClient first = new DigestClient("alice", "s3cret");
        List<AuthorizationHeader> h = retry(first.onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        assertEquals(DigestVerdict.Ok.class, verify(server, h, "REGISTER", null).getClass());
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMillis(1));
            List<AuthorizationHeader> other = retry(new DigestClient("bob", "hunter2")
                    .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
            assertEquals(DigestVerdict.Ok.class, verify(server, other, "REGISTER", null).getClass());
        }
        // alice's nonce left the table; replaying her request must not be accepted as a first use.
        assertEquals(new DigestVerdict.Stale("alice"), verify(server, h, "REGISTER", null));
    }

    @Test
    void credentialsForAnotherRealmOrSchemeAreMissing() throws Exception {
        DigestServer server = server().build();
        List<AuthorizationHeader> other = retry(new DigestClient("alice", "s3cret").onChallenge(401,
                List.of("Digest realm=\"elsewhere\", nonce=\"abc\", qop=\"auth\""), "REGISTER", URI, null));
        assertEquals(new DigestVerdict.Missing(), verify(server, other, "REGISTER", null));
        // RFC 4475 3.1.2.13 (regaut01): an unknown scheme earns a challenge, not a 400.
        assertEquals(new DigestVerdict.Missing(), server.verify(List.of("NoOneKnowsThisScheme opaque-data=here"),
                "REGISTER", URI, null).toCompletableFuture().get());
        assertEquals(new DigestVerdict.Missing(), server.verify(List.of(), "REGISTER", URI, null)
                .toCompletableFuture().get());
    }

    @Test
    void malformedAndMismatchedCredentials() throws Exception {
        DigestServer server = server().build();
        assertEquals(new DigestVerdict.Malformed("unterminated quoted-string at offset 16"),
                server.verify(List.of("Digest username=\"alice"), "REGISTER", URI, null).toCompletableFuture().get());
        List<AuthorizationHeader> h = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        DigestVerdict wrongUri = server.verify(List.of(h.get(0).value()), "REGISTER", "sip:other@dialtone.example", null)
                .toCompletableFuture().get();
        assertEquals(new DigestVerdict.BadCredentials("alice",
                "digest-uri sip:alice@dialtone.example does not match Request-URI sip:other@dialtone.example"), wrongUri);
        String shortResponse = h.get(0).value().replaceAll("response=\"[0-9a-f]+\"", "response=\"abcd\"");
        assertEquals(new DigestVerdict.Malformed("response must be 64 hex digits"),
                server.verify(List.of(shortResponse), "REGISTER", URI, null).toCompletableFuture().get());
        String sha512 = h.get(0).value().replace("algorithm=SHA-256", "algorithm=SHA-512-256");
        assertEquals(new DigestVerdict.BadCredentials("alice", "algorithm SHA-512-256 not offered"),
                server.verify(List.of(sha512), "REGISTER", URI, null).toCompletableFuture().get());
    }

    @Test
    void unsupportedChallengesGiveUpWithReasons() {
        DigestClient client = new DigestClient("alice", "s3cret");
        ChallengeAnswer a = client.onChallenge(401, List.of("Basic realm=\"x\"",
                "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-384", "Digest realm=\"r\""), "REGISTER", URI, null);
        assertEquals(new ChallengeAnswer.GiveUp("no usable Digest challenge: scheme Basic not supported; "
                + "algorithm SHA-384 not supported; malformed: Digest challenge without nonce at offset 0"), a);
    }

    @Test
    void opaqueIsEchoed_cnonceIsRandomPerNonce() throws Exception {
        DigestServer server = server().opaque("op-42").build();
        List<AuthorizationHeader> a = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        List<AuthorizationHeader> b = retry(new DigestClient("alice", "s3cret")
                .onChallenge(401, server.challenges(false), "REGISTER", URI, null));
        DigestCredentials ca = DigestCredentials.parse(a.get(0).value());
        DigestCredentials cb = DigestCredentials.parse(b.get(0).value());
        assertEquals("op-42", ca.opaque());
        assertEquals(32, ca.cnonce().length());
        assertTrue(!ca.cnonce().equals(cb.cnonce()));
        assertEquals(DigestVerdict.Ok.class, verify(server, a, "REGISTER", null).getClass());
    }
}
