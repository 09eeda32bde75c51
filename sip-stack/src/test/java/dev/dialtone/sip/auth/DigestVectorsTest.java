package dev.dialtone.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every vector of /work/shared/conformance/digest-vectors.txt. */
class DigestVectorsTest {

    @Test
    void rfc2617_section3_5_md5Auth() {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assertEquals("939e7578ed9e3c518a452acee763bce9", ha1);
        assertEquals("39aff3a2bab6126f332b942af96d3366", md5.hash("GET:/dir/index.html"));
        assertEquals("6629fae49393a05397450978507c4ef1", DigestMath.response(md5, ha1,
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", Qop.AUTH, "GET", "/dir/index.html", null));
        String lowercaseO = md5.ha1("Mufasa", "testrealm@host.com", "Circle of Life");
        String wrong = DigestMath.response(md5, lowercaseO, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                "0a4f113b", Qop.AUTH, "GET", "/dir/index.html", null);
        assertEquals("20ae5530a92d6c35dc4a63a4c1affcac", wrong);
        assertNotEquals("6629fae49393a05397450978507c4ef1", wrong);
    }

    @ParameterizedTest
    @CsvSource({
        "MD5, 3d78807defe7de2157e2b0b6573a855f, 39aff3a2bab6126f332b942af96d3366, 8ca523f5e9506fed4657c9700eebdbec",
        "SHA-256, 7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232, "
                + "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04, "
                + "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    })
    void rfc7616_section3_9_1(String token, String ha1, String ha2, String response) {
        DigestAlgorithm a = DigestAlgorithm.fromToken(token).orElseThrow();
        assertEquals(ha1, a.ha1("Mufasa", "http-auth@example.org", "Circle of Life"));
        assertEquals(ha2, a.hash("GET:/dir/index.html"));
        assertEquals(response, DigestMath.response(a, ha1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", Qop.AUTH, "GET", "/dir/index.html", null));
    }

    @Test
    void rfc7616_section3_9_1_clientPicksSha256FromBothChallengesAndProducesTheRfcResponse() {
        String opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        List<String> challenges = List.of(
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"" + nonce
                        + "\", opaque=\"" + opaque + "\"",
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"" + nonce
                        + "\", opaque=\"" + opaque + "\"");
        Supplier<String> cnonce = () -> "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        DigestClient client = new DigestClient("Mufasa", "Circle of Life", cnonce);
        ChallengeAnswer.Retry retry = (ChallengeAnswer.Retry) client.onChallenge(401, challenges, "GET",
                "/dir/index.html", null);
        assertEquals(List.of(new AuthorizationHeader("Authorization",
                "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", nonce=\"" + nonce
                        + "\", uri=\"/dir/index.html\", response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
                        + "algorithm=SHA-256, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", opaque=\"" + opaque
                        + "\", qop=auth, nc=00000001")), retry.headers());
    }

    @Test
    void rfc7616_section3_9_2_sha512_256WithUserhash_erratum4897() {
        DigestAlgorithm a = DigestAlgorithm.SHA_512_256;
        String username = "J\u00e4s\u00f8n Doe";
        assertEquals("4ac3a473c3b86e20446f65",
                java.util.HexFormat.of().formatHex(username.getBytes(StandardCharsets.UTF_8)));
        String ha1 = a.ha1(username, "api@example.org", "Secret, or not?");
        assertEquals("2d3d9f12c9f3d30011259dc5fecee005ae24de40e3e1f61806d03e65f1e6024f", ha1);
        assertEquals("1734b070bafdeb53ae52f93659427bb4bc545e2ef4d5e74ba247dad4861b4634", a.hash("GET:/doe.json"));
        String userhash = DigestMath.userhash(a, username, "api@example.org");
        assertEquals("793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", userhash);
        assertNotEquals("488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec", userhash);
        String response = DigestMath.response(a, ha1, "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", "00000001",
                "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", Qop.AUTH, "GET", "/doe.json", null);
        assertEquals("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", response);
    }

    @Test
    void rfc7616_section3_9_2_clientSendsHashedUsernameWhenChallengeOffersUserhash() {
        String challenge = "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, "
                + "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", "
                + "opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", charset=UTF-8, userhash=true";
        DigestClient client = new DigestClient("J\u00e4s\u00f8n Doe", "Secret, or not?",
                () -> "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v");
        ChallengeAnswer.Retry retry = (ChallengeAnswer.Retry) client.onChallenge(401, List.of(challenge), "GET",
                "/doe.json", null);
        DigestCredentials sent = parse(retry.headers().get(0).value());
        assertEquals("793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", sent.username());
        assertEquals(true, sent.userhash());
        assertEquals("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", sent.response());
    }

    // Section 4 of the vectors file: REGISTER sip:testrealm@host.com, testuser/testpassword.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "SIP-01|MD5||''|7b33ddc76839924578513358674924f8|f99e05f591f147facbc94ff23b4b1dee",
        "SIP-02|MD5|auth|''|7b33ddc76839924578513358674924f8|a69b9c2ea0dea1437a21df6ddc9b05e4",
        "SIP-03|MD5|auth-int|''|7b33ddc76839924578513358674924f8|82b3cab8b1c4df404434db6a0581650c",
        "SIP-04|MD5|auth-int|TEST BODY|7b33ddc76839924578513358674924f8|7bf0e9de3fbb5da121974509d617f532",
        "SIP-05|SHA-256|auth|''|cd32861acd6663d1cf8dcd38862a460d5f0dc815a4372bb14cb39c3e0063b3b6|dccff9158e4ae98e393289e185045a6ed99b4aaee610cbe0ed73ad64b1ce86fb",
        "SIP-06|SHA-256-sess|auth|''|a4767e15743db0c523c7125d9a3e944c0d315b30fe5c22ba599c8041ce947ecf|69ab2b84fd74d13e7651ba2de802490ca3f9c1d940df150dfb0e57e7a3fc787f",
        "SIP-07|SHA-256|auth-int|''|cd32861acd6663d1cf8dcd38862a460d5f0dc815a4372bb14cb39c3e0063b3b6|0ace4c65bebcb70bb1afd97713d1aab441369881d94812514d7f05f07f72b442",
        "SIP-08|SHA-256|auth-int|TEST BODY|cd32861acd6663d1cf8dcd38862a460d5f0dc815a4372bb14cb39c3e0063b3b6|4ba607066f2ea1a8cd3f9402d35c7be94b7406ac6cf6068eee497d615c95737e",
        "SIP-09|SHA-512-256-sess|auth|''|b04a436d1b3fdf1cf7d079d5adab243ce697ed49cd3ef499b884880719eaf2f5|896624eac5d5022eae449f98bc19d85cb9c0c74cb04ec940c2a098935c9e92f4",
        "SIP-10|SHA-512-256|auth-int|''|5481371d5ff6dffac7d8d78f26b8be9c23f7afda8c35a9513a13ed3d462bec0c|4dd0a3006ac4caac16b4b92304ded30fac6e0e42eb6b8fca9a8e0aaead56176c",
        "SIP-11|SHA-512-256|auth-int|TEST BODY|5481371d5ff6dffac7d8d78f26b8be9c23f7afda8c35a9513a13ed3d462bec0c|10800ab7a3ab2d9376b1fa15a2c54418f7f20869963edff1cd21a7807f51c859",
    })
    void sipRegisterVectors(String id, String token, String qopToken, String body, String a1Hash, String response) {
        DigestAlgorithm a = DigestAlgorithm.fromToken(token).orElseThrow();
        String nonce = "5a071f75353f667787615249c62dcc7b15a4828f";
        String cnonce = "0a4f113b";
        Qop qop = qopToken == null ? null : Qop.fromToken(qopToken).orElseThrow();
        String ha1 = a.ha1("testuser", "testrealm@host.com", "testpassword");
        assertEquals(a1Hash, DigestMath.sessionHa1(a, ha1, nonce, cnonce), id + " H(A1)");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertEquals(response, DigestMath.response(a, ha1, nonce, qop == null ? null : "00000001",
                qop == null ? null : cnonce, qop, "REGISTER", "sip:testrealm@host.com", bytes), id);
    }

    @Test
    void sip12_sha512_256_auth_jasonDoe() {
        DigestAlgorithm a = DigestAlgorithm.SHA_512_256;
        String ha1 = a.ha1("Jason Doe", "testrealm@host.com", "Secret, or not?");
        assertEquals("3a9447d97abbaa1ecb0b0b2715fc7430b7c610a9953b67057dbe9bb6400c611b",
                DigestMath.response(a, ha1, "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", "00000001",
                        "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", Qop.AUTH, "REGISTER", "sip:testrealm@host.com",
                        new byte[0]));
    }

    @Test
    void algorithmTokensAreCaseInsensitive_unknownAlgorithmIsNotSupported() {
        assertEquals(DigestAlgorithm.MD5, DigestAlgorithm.fromToken("md5").orElseThrow());
        assertEquals(DigestAlgorithm.SHA_512_256_SESS, DigestAlgorithm.fromToken("sha-512-256-SESS").orElseThrow());
        assertEquals(true, DigestAlgorithm.fromToken("SHA-384").isEmpty());
    }

    private static DigestCredentials parse(String v) {
        try {
            return DigestCredentials.parse(v);
        } catch (AuthParseException e) {
            throw new AssertionError(e);
        }
    }
}
