package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipMessageTest {

    private static SipMessage parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(b, b.length, true);
    }

    @Test
    void headersAreCaseInsensitiveAndCompactFormsMapToFullNames() {
        SipMessage m = Fixtures.parse("valid/invite-compact-forms.sip");
        assertEquals("a84b4c76e66710@pc33.atlanta.example.com", m.header("Call-ID"));
        assertEquals(m.header("call-id"), m.header("i"));
        assertEquals(m.header("I"), m.callId());
        assertEquals("\"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774", m.header("FROM"));
        assertEquals("application/sdp", m.contentType());
        assertEquals("application/sdp", m.header("Content-Type"));
        assertNull(m.header("Subject"));
        assertTrue(m.hasHeader("m"));
    }

    @Test
    void listHeadersSplitOnCommasOutsideQuotesAndBrackets_unknownHeadersKeptVerbatim() {
        SipMessage m = Fixtures.parse("valid/invite-compact-forms.sip");
        assertEquals(2, m.headers("v").size());
        assertEquals("SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport", m.header("Via"));
        assertEquals("<sip:p1.example.com;lr>", m.header("route"));
        assertEquals(List.of("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"), m.headers("Route"));
        assertEquals(List.of("first", "second, with comma"), m.headers("x-custom"));
        assertEquals(List.of("\"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774"), m.headers("From"));
        List<Header> all = m.allHeaders();
        assertEquals(15, all.size());
        assertEquals(new Header("From", "\"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774"), all.get(3));
        assertEquals(new Header("X-Custom", "first"), all.get(8));
        assertEquals(new Header("X-Custom", "second, with comma"), all.get(11));
        assertEquals("Content-Length", all.get(14).name());
    }

    @Test
    void typedViewsOfAnInvite() {
        SipRequest r = assertInstanceOf(SipRequest.class, Fixtures.parse("valid/invite-compact-forms.sip"));
        assertEquals(SipMethod.INVITE, r.method());
        SipUri ruri = assertInstanceOf(SipUri.class, r.requestUri());
        assertEquals("bob", ruri.user());
        assertEquals("tcp", ruri.transport());
        Via top = r.topVia();
        assertEquals("UDP", top.transport());
        assertEquals("pc33.atlanta.example.com", top.host());
        assertEquals(5060, top.port());
        assertEquals("z9hG4bK776asdhds", top.branch());
        assertTrue(top.hasRport());
        assertNull(top.rport());
        Via second = r.vias().get(1);
        assertEquals("192.0.2.7", second.received());
        assertEquals(-1, second.port());
        assertEquals("Alice, A.", r.from().displayName());
        assertEquals("1928301774", r.from().tag());
        assertEquals("Bob", r.to().displayName());
        assertNull(r.to().tag());
        assertEquals(new CSeq(314159, SipMethod.INVITE), r.cseq());
        assertEquals(70, r.maxForwards());
        Contact c = r.contacts().get(0);
        assertEquals(3600L, c.expires());
        assertEquals(0.7f, c.q());
        assertEquals("tcp", ((SipUri) c.uri()).transport());
        assertTrue(r.routes().get(1).sipUri().lr());
        assertEquals("p2.example.com", r.routes().get(1).sipUri().host());
        assertEquals(List.of("100rel", "timer"), r.supported());
        assertEquals(List.of(SipMethod.INVITE, SipMethod.ACK, SipMethod.CANCEL, SipMethod.BYE), r.allow());
        assertEquals(1800L, r.sessionExpires().delta());
        assertEquals("uac", r.sessionExpires().refresher());
        assertEquals(127, r.contentLength());
        assertEquals(127, r.body().length);
        assertTrue(new String(r.body(), StandardCharsets.US_ASCII).startsWith("v=0\r\n"));
    }

    @Test
    void unmodifiedMessageSerializesToItsExactBytes() {
        for (String f : List.of("valid/invite-compact-forms.sip", "valid/register-401-challenge.sip",
            "valid/prack-rack.sip", "valid/register-star.sip")) {
            byte[] b = Fixtures.bytes(f);
            SipMessage m = SipMessage.parse(b.clone(), b.length, true);
            assertArrayEquals(b, m.toBytes(), f);
            assertEquals(new String(b, StandardCharsets.UTF_8), m.toString(), f);
            assertArrayEquals(b, (m instanceof SipRequest q ? q.toBuilder().build() : ((SipResponse) m).toBuilder().build()).toBytes(), f);
        }
    }

    @Test
    void challengeWithFoldedParameters() {
        SipResponse r = assertInstanceOf(SipResponse.class, Fixtures.parse("valid/register-401-challenge.sip"));
        assertEquals(401, r.status());
        assertEquals("Unauthorized", r.reason());
        AuthHeader c = r.wwwAuthenticate().get(0);
        assertTrue(c.isDigest());
        assertEquals("atlanta.example.com", c.param("realm"));
        assertEquals("ea9c8e88df84f1cec4341ae6cbe5a359", c.param("nonce"));
        assertEquals("", c.param("opaque"));
        assertEquals("FALSE", c.param("stale"));
        assertEquals("MD5", c.param("algorithm"));
        assertEquals("37GkEhwl6", r.to().tag());
    }

    @Test
    void prackWithRAckRequireAndTelContact() {
        SipMessage m = Fixtures.parse("valid/prack-rack.sip");
        assertEquals(new RAck(9021, 1, SipMethod.INVITE), m.rack());
        assertEquals(List.of("100rel"), m.require());
        assertEquals(90L, m.minSe());
        assertEquals(300L, m.expires());
        TelUri tel = assertInstanceOf(TelUri.class, m.contacts().get(0).uri());
        assertEquals("+1-201-555-0123", tel.number());
        assertEquals("example.com", tel.params().get("phone-context"));
        assertTrue(((SipUri) m.from().uri()).secure());
    }

    @Test
    void starContact() {
        SipMessage m = Fixtures.parse("valid/register-star.sip");
        assertTrue(m.contacts().get(0).isStar());
        assertEquals(0L, m.expires());
    }

    @Test
    void malformedTypedHeaderThrowsParseExceptionLazily() {
        SipMessage m = parse("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: x OPTIONS\r\n"
            + "Max-Forwards: 256\r\nContact: <sip:a@b>;expires=4294967296\r\nRSeq: -1\r\nl: 0\r\n\r\n");
        assertEquals("Bad CSeq: missing sequence number", assertThrows(SipParseException.class, m::cseq).reason());
        assertEquals("Bad Max-Forwards: value out of range", assertThrows(SipParseException.class, m::maxForwards).reason());
        assertEquals("Bad Contact: expires: value too large", assertThrows(SipParseException.class, m::contacts).reason());
        assertEquals("Bad RSeq: not a number", assertThrows(SipParseException.class, m::rseq).reason());
        assertEquals("z9hG4bK1", m.topVia().branch());
    }

    @Test
    void framingErrorsNameTheFault() {
        assertEquals("Bad Content-Length: larger than the message body", assertThrows(SipParseException.class,
            () -> parse("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nab")).reason());
        assertEquals("Bad Status-Line: status code must be 3 digits", assertThrows(SipParseException.class,
            () -> parse("SIP/2.0 2000 OK\r\nl: 0\r\n\r\n")).reason());
        assertEquals("Bad header: missing colon", assertThrows(SipParseException.class,
            () -> parse("OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n")).reason());
        SipParseException e = assertThrows(SipParseException.class,
            () -> parse("OPTIONS  sip:a@b SIP/2.0\r\nCall-ID: x\r\nl: 0\r\n\r\n"));
        assertEquals("Bad Request-Line: multiple spaces between elements", e.reason());
        assertEquals("OPTIONS  sip:a@b SIP/2.0", e.startLine());
        assertEquals(List.of(new Header("Call-ID", "x"), new Header("Content-Length", "0")), e.headers());
    }

    @Test
    void builderEditsHeadersAndKeepsTheRestByteForByte() {
        SipRequest r = (SipRequest) Fixtures.parse("valid/invite-compact-forms.sip");
        SipRequest forwarded = r.toBuilder()
            .withTopVia(Via.of("TCP", "edge.example.com", 5070, "z9hG4bKedge1"))
            .setHeader("Max-Forwards", "69")
            .removeHeader("x-custom")
            .build();
        assertEquals(3, forwarded.vias().size());
        assertEquals("z9hG4bKedge1", forwarded.topVia().branch());
        assertEquals(69, forwarded.maxForwards());
        assertEquals(List.of(), forwarded.headers("X-Custom"));
        assertTrue(forwarded.toString().contains("\r\nf: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"));
        assertArrayEquals(r.body(), forwarded.body());

        SipRequest popped = forwarded.toBuilder().withoutTopVia().withoutTopVia().build();
        assertEquals(1, popped.vias().size());
        assertEquals("proxy.example.com", popped.topVia().host());

        SipRequest rebodied = r.toBuilder().body("text/plain", "hi".getBytes(StandardCharsets.US_ASCII)).build();
        assertEquals(2, rebodied.contentLength());
        assertEquals("text/plain", rebodied.contentType());
        assertEquals("hi", new String(rebodied.body(), StandardCharsets.US_ASCII));
    }

    @Test
    void createResponseCopiesTheRfc3261HeadersAndAddsATag() {
        SipRequest r = (SipRequest) Fixtures.parse("valid/invite-compact-forms.sip");
        SipResponse ringing = r.responseBuilder(180, "Ringing").toTag("a6c85cf").build();
        assertEquals("SIP/2.0 180 Ringing\r\n"
            + "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport, SIP/2.0/TCP proxy.example.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.7\r\n"
            + "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
            + "f: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "i: a84b4c76e66710@pc33.atlanta.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n", ringing.toString());
        SipResponse busy = r.createResponse(486);
        assertEquals("Busy Here", busy.reason());
        assertNull(busy.to().tag());
        assertEquals(r.cseq(), busy.cseq());
    }

    @Test
    void serverTransportStampsReceivedAndRportOnTheTopVia() {
        SipRequest r = (SipRequest) Fixtures.parse("valid/invite-compact-forms.sip");
        Via stamped = r.topVia().withReceived("192.0.2.33").withRport(50123);
        assertEquals("SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport=50123;received=192.0.2.33",
            stamped.toString());
        SipRequest s = r.toBuilder().replaceTopVia(stamped).build();
        assertEquals(stamped, s.topVia());
        assertEquals(50123, s.topVia().rport());
        assertEquals(2, s.vias().size());
        assertEquals("proxy.example.com", s.vias().get(1).host());
        Via multicast = Via.parse("SIP/2.0/UDP sip.example.com;branch=z9hG4bK7c;maddr=239.128.16.254;ttl=16");
        assertEquals(16, multicast.ttl());
        assertEquals("239.128.16.254", multicast.maddr());
        assertEquals(5060, multicast.portOrDefault());
    }

    @Test
    void toTagReplacesAnExistingTag() {
        SipResponse r = (SipResponse) Fixtures.parse("valid/register-401-challenge.sip");
        SipResponse retagged = r.toBuilder().toTag("newtag").build();
        assertEquals("newtag", retagged.to().tag());
        assertEquals("sip:alice@atlanta.example.com", retagged.to().uri().toString());
    }

    @Test
    void requestBuiltFromScratch() {
        SipRequest r = SipRequest.builder(SipMethod.OPTIONS, SipUri.of("carol", "chicago.example.com", -1))
            .header("Via", "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKhjhs8ass877")
            .header("max-forwards", "70")
            .header("To", "<sip:carol@chicago.example.com>")
            .header("From", "Alice <sip:alice@atlanta.example.com>;tag=1928301774")
            .header("Call-ID", "a84b4c76e66710")
            .header("CSeq", "63104 OPTIONS")
            .build();
        assertEquals("OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKhjhs8ass877\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: <sip:carol@chicago.example.com>\r\n"
            + "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710\r\n"
            + "CSeq: 63104 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n", r.toString());
        assertThrows(IllegalArgumentException.class, () -> SipRequest.builder(SipMethod.BYE, SipUri.of(null, "h", -1))
            .header("Bad Name", "x"));
    }

    @Test
    void methodsAreCachedAndExtensible() {
        assertTrue(SipMethod.valueOf("INVITE") == SipMethod.INVITE);
        SipMethod ext = SipMethod.valueOf("PUBLISH");
        assertEquals("PUBLISH", ext.name());
        assertFalse(ext.isStandard());
        assertFalse(SipMethod.valueOf("invite").equals(SipMethod.INVITE));
        assertThrows(IllegalArgumentException.class, () -> SipMethod.valueOf("IN VITE"));
    }

    @Test
    void headerNamesMapCompactForms() {
        assertEquals("Via", HeaderName.canonical("v"));
        assertEquals("Session-Expires", HeaderName.canonical("X"));
        assertEquals("Call-ID", HeaderName.canonical("CALL-id"));
        assertEquals("X-Foo", HeaderName.canonical("X-Foo"));
        assertEquals("k", HeaderName.compactForm("Supported"));
        assertTrue(HeaderName.isList("route"));
        assertFalse(HeaderName.isList("From"));
    }
}
