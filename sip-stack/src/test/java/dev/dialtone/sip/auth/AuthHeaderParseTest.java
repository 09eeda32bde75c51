package dev.dialtone.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthHeaderParseTest {

    // seeds/000: Asterisk 16.4 401, double space after the scheme, no spaces after commas, lowercase md5.
    @Test
    void asteriskChallenge() throws Exception {
        DigestChallenge c = (DigestChallenge) Challenge.parse(
                "Digest  realm=\"asterisk\",nonce=\"1598728080/4e3bef2c789bdfa45ce9123221e08c8f\","
                        + "opaque=\"748ffa241d840721\",algorithm=md5,qop=\"auth\"");
        assertEquals("asterisk", c.realm());
        assertEquals("1598728080/4e3bef2c789bdfa45ce9123221e08c8f", c.nonce());
        assertEquals("748ffa241d840721", c.opaque());
        assertEquals(DigestAlgorithm.MD5, c.supportedAlgorithm().orElseThrow());
        assertEquals(List.of(Qop.AUTH), c.supportedQop());
        assertFalse(c.stale());
    }

    // seeds/000: the client's answer to it.
    @Test
    void asteriskSeedAuthorization() throws Exception {
        DigestCredentials c = DigestCredentials.parse("Digest username=\"al6054\", realm=\"asterisk\", "
                + "nonce=\"1598728080/4e3bef2c789bdfa45ce9123221e08c8f\", uri=\"sip:6054@voice.sfo2.notarealco.com\", "
                + "response=\"83c538a39ff766cf75ffd1d62317b442\", algorithm=MD5, cnonce=\"0a4f113b\", "
                + "opaque=\"748ffa241d840721\", qop=auth, nc=00000001");
        assertEquals("al6054", c.username());
        assertEquals("sip:6054@voice.sfo2.notarealco.com", c.uri());
        assertEquals("83c538a39ff766cf75ffd1d62317b442", c.response());
        assertEquals("auth", c.qop());
        assertEquals("00000001", c.nc());
        assertEquals("0a4f113b", c.cnonce());
        assertEquals("748ffa241d840721", c.opaque());
        assertEquals(c, DigestCredentials.parse(c.headerValue()));
    }

    // seeds/000: answering Asterisk's challenge gives the same header as the recorded client, parameter for
    // parameter; only the response differs, since the recorded password is unknown.
    @Test
    void clientAnswerToAsteriskSeedHasTheRecordedShape() throws Exception {
        String challenge = "Digest  realm=\"asterisk\",nonce=\"1598728080/4e3bef2c789bdfa45ce9123221e08c8f\","
                + "opaque=\"748ffa241d840721\",algorithm=md5,qop=\"auth\"";
        DigestClient client = new DigestClient("al6054", "not-the-real-one", () -> "0a4f113b");
        ChallengeAnswer.Retry retry = (ChallengeAnswer.Retry) client.onChallenge(401, List.of(challenge), "OPTIONS",
                "sip:6054@voice.sfo2.notarealco.com", new byte[0]);
        String sent = retry.headers().get(0).value();
        assertEquals("Digest username=\"al6054\", realm=\"asterisk\", "
                + "nonce=\"1598728080/4e3bef2c789bdfa45ce9123221e08c8f\", uri=\"sip:6054@voice.sfo2.notarealco.com\", "
                + "response=\"RESPONSE\", algorithm=MD5, cnonce=\"0a4f113b\", opaque=\"748ffa241d840721\", qop=auth, "
                + "nc=00000001", sent.replaceAll("response=\"[0-9a-f]{32}\"", "response=\"RESPONSE\""));
        String ha1 = DigestAlgorithm.MD5.ha1("al6054", "asterisk", "not-the-real-one");
        assertEquals(DigestMath.response(DigestAlgorithm.MD5, ha1, "1598728080/4e3bef2c789bdfa45ce9123221e08c8f",
                "00000001", "0a4f113b", Qop.AUTH, "OPTIONS", "sip:6054@voice.sfo2.notarealco.com", null),
                DigestCredentials.parse(sent).response());
    }

    @Test
    void quotedPairsAreUnescapedAndReescaped() throws Exception {
        DigestChallenge c = (DigestChallenge) Challenge.parse(
                "Digest realm=\"a \\\"quoted\\\" \\\\realm\", nonce=\"n\"");
        assertEquals("a \"quoted\" \\realm", c.realm());
        assertEquals(c, Challenge.parse(c.headerValue()));
    }

    @Test
    void lwsAroundEqualsAndCommas_foldedLines_caseInsensitiveNamesAndFlags() throws Exception {
        DigestChallenge c = (DigestChallenge) Challenge.parse(
                "digest REALM = \"r\" ,\r\n  Nonce=\"n\"\t,stale=TRUE , Algorithm=SHA-256, qop=\"auth-int , auth\","
                        + " domain=\"sip:a.example sip:b.example\"");
        assertEquals("r", c.realm());
        assertEquals("n", c.nonce());
        assertTrue(c.stale());
        assertEquals(DigestAlgorithm.SHA_256, c.supportedAlgorithm().orElseThrow());
        assertEquals(List.of(Qop.AUTH_INT, Qop.AUTH), c.supportedQop());
        assertEquals("sip:a.example sip:b.example", c.domain());
    }

    @Test
    void unknownSchemeIsKeptNotInterpreted() throws Exception {
        Challenge c = Challenge.parse("NewAuth realm=\"x\", data=abc/def==");
        OtherChallenge o = assertInstanceOf(OtherChallenge.class, c);
        assertEquals("NewAuth", o.scheme());
        assertEquals("realm=\"x\", data=abc/def==", o.rawParams());
    }

    @Test
    void unknownAlgorithmAndQopParseButAreNotSupported() throws Exception {
        DigestChallenge c = (DigestChallenge) Challenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-384, qop=\"auth-conf\"");
        assertTrue(c.supportedAlgorithm().isEmpty());
        assertTrue(c.supportedQop().isEmpty());
        assertNull(c.opaque());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "''|0|missing auth-scheme",
        "Digest|6|missing auth-params after Digest",
        "Digest realm=\"r\", nonce=\"n|24|unterminated quoted-string",
        "Digest realm=\"r\" nonce=\"n\"|17|expected ',' between auth-params",
        "Digest realm=\"r\", =\"n\"|18|expected auth-param name",
        "Digest realm\"r\"|12|expected '=' after realm",
        "Digest realm=\"r\", realm=\"s\"|18|duplicate parameter realm",
        "Digest realm=\"r\", nonce=a/b|25|expected ',' between auth-params",
        "Digest realm=\"r\", nonce=,|24|expected token or quoted-string for nonce",
        "Digest realm=\"r\",|17|expected auth-param name",
        "Dig@st realm=\"r\"|3|invalid character in auth-scheme",
        "Digest nonce=\"n\"|0|Digest challenge without realm",
        "Digest realm=\"r\"|0|Digest challenge without nonce",
        "Digest realm=\"r\", nonce=\"n\", stale=maybe|0|stale must be true or false, got maybe",
    })
    void malformedChallengeGivesPreciseReason(String value, int offset, String reason) {
        AuthParseException e = assertThrows(AuthParseException.class, () -> Challenge.parse(value));
        assertEquals(reason, e.reason());
        assertEquals(offset, e.offset());
    }

    @Test
    void controlCharacterAndBareLineBreakAreRejected() {
        assertEquals("control character in quoted-string", assertThrows(AuthParseException.class,
                () -> Challenge.parse("Digest realm=\"a\u0001b\", nonce=\"n\"")).reason());
        assertEquals("line break not followed by whitespace", assertThrows(AuthParseException.class,
                () -> Challenge.parse("Digest realm=\"a\",\r\nnonce=\"n\"")).reason());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "Digest realm=\"r\", nonce=\"n\", uri=\"sip:a\", response=\"00\"|Digest credentials without username",
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"00\"|Digest credentials without uri",
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a\", response=\"00\", qop=auth, nc=00000001|qop without cnonce",
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a\", response=\"00\", qop=auth, cnonce=\"c\"|qop without nc",
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a\", response=\"00\", qop=auth, cnonce=\"c\", nc=1|nc must be 8 hex digits, got 1",
        "Basic dXNlcjpwYXNz|unsupported auth-scheme Basic",
    })
    void malformedCredentialsGivePreciseReason(String value, String reason) {
        assertEquals(reason, assertThrows(AuthParseException.class, () -> DigestCredentials.parse(value)).reason());
    }
}
