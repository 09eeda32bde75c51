package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.AbsoluteUri;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.Contact;
import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Via;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4475 torture messages: every file classified as INDEX.tsv says, and the interesting fields of each read back. */
class Rfc4475ConformanceTest {

    private static SipMessage valid(String file) {
        byte[] b = Fixtures.bytes("rfc4475/" + file);
        SipMessage m = SipParser.parse(b);
        SipValidator.validate(m);
        assertArrayEquals(Arrays.copyOf(b, m.wireLength()), m.toBytes(), file + " must serialize to its own bytes");
        return m;
    }

    private static String invalid(String file) {
        Optional<String> reason = SipValidator.checkDatagram(Fixtures.bytes("rfc4475/" + file));
        assertTrue(reason.isPresent(), file + " must be rejected");
        return reason.get();
    }

    @TestFactory
    List<DynamicTest> everyMessageIsClassifiedAsTheRfcSays() {
        List<DynamicTest> tests = new ArrayList<>();
        String index = new String(Fixtures.bytes("rfc4475/INDEX.tsv"), StandardCharsets.UTF_8);
        for (String line : index.split("\n")) {
            String[] col = line.split("\t");
            if (col[0].equals("file")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(col[0] + " " + col[1] + " " + col[2], () -> {
                Optional<String> reason = SipValidator.checkDatagram(Fixtures.bytes("rfc4475/" + col[0]));
                assertEquals(col[2], reason.isPresent() ? "invalid" : "valid", col[0] + ": " + reason.orElse("ok"));
            }));
        }
        assertEquals(49, tests.size());
        return tests;
    }

    @Test
    void wsinv_shortTortuousInvite() {
        SipRequest r = (SipRequest) valid("wsinv.dat");
        assertEquals(SipMethod.INVITE, r.method());
        assertTrue(((SipUri) r.requestUri()).params().has("unknownparam"));
        assertEquals(68, r.maxForwards());
        assertEquals(9, r.cseq().seq());
        assertEquals(SipMethod.INVITE, r.cseq().method());
        assertEquals("J Rosenberg \\\"", r.from().displayName());
        assertEquals("98asjd8", r.from().tag());
        assertEquals("1918181833n", r.to().tag());
        assertEquals("sip:vivekg@chair-dnrc.example.com", r.to().uri().toString());
        assertEquals("wsinv.ndaksdj@192.0.2.1", r.callId());
        List<Via> vias = r.vias();
        assertEquals(3, vias.size());
        assertEquals(List.of("UDP", "TCP", "UDP"), vias.stream().map(Via::transport).toList());
        assertEquals("192.0.2.2", vias.get(0).host());
        assertEquals("390skdjuw", vias.get(0).branch());
        assertEquals("spindle.example.com", vias.get(1).host());
        assertEquals("z9hG4bK9ikj8", vias.get(1).branch());
        assertEquals("z9hG4bK30239", vias.get(2).branch());
        assertEquals("", r.header("Subject"));
        assertEquals("newfangled value continued newfangled value", r.header("NewFangledHeader"));
        assertEquals(";;,,;;,;", r.header("UnknownHeaderWithUnusualValue"));
        Address contact = r.contacts().get(0).address();
        assertEquals("Quoted string \"\"", contact.displayName());
        assertEquals("newvalue", contact.params().get("newparam"));
        assertTrue(contact.params().has("secondparam"));
        assertEquals(0.33f, r.contacts().get(0).q());
        SipUri route = r.routes().get(0).sipUri();
        assertTrue(route.lr());
        assertEquals("value", route.param("unknownwith"));
        assertTrue(route.params().has("unknown-no-value"));
        assertEquals("application/sdp", r.contentType());
        assertEquals(150, r.bodyLength());
    }

    @Test
    void intmeth_wideRangeOfValidCharacters() {
        SipRequest r = (SipRequest) valid("intmeth.dat");
        assertEquals("!interesting-Method0123456789_*+`.%indeed'~", r.method().name());
        assertFalse(r.method().isStandard());
        assertEquals(r.method(), r.cseq().method());
        assertEquals(139122385, r.cseq().seq());
        SipUri ruri = (SipUri) r.requestUri();
        assertEquals("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", ruri.user());
        assertEquals("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", ruri.password());
        assertEquals("example.com", ruri.host());
        assertEquals("BEL:\u0007 NUL:\u0000 DEL:\u007f", r.to().displayName());
        assertEquals("token1~` token2'+_ token3*%!.-", r.from().displayName());
        assertEquals("\"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439\"", r.from().params().get("fromParam''~+*_!.-%"));
        assertEquals("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", r.callId());
        assertTrue(r.hasHeader("extensionHeader-!.%*+_`'~"));
        assertEquals(255, r.maxForwards());
    }

    @Test
    void esc01_escapedUserPartsStayUserText() {
        SipRequest r = (SipRequest) valid("esc01.dat");
        SipUri ruri = (SipUri) r.requestUri();
        assertEquals("sips:user@example.com", ruri.user());
        assertEquals("example.net", ruri.host());
        assertFalse(ruri.secure());
        assertEquals("user", ((SipUri) r.to().uri()).user());
        assertEquals(SipUri.parse("sip:user@example.com"), r.to().uri());
        assertEquals("I have spaces", ((SipUri) r.from().uri()).user());
        SipUri contact = (SipUri) r.contacts().get(0).uri();
        assertEquals("caller", contact.user());
        assertTrue(contact.lr());
        assertEquals("value%41", contact.param("name"));
    }

    @Test
    void escnull_escapedNullsAreKept() {
        SipRequest r = (SipRequest) valid("escnull.dat");
        assertEquals(SipMethod.REGISTER, r.method());
        assertEquals("null-\u0000-null", ((SipUri) r.to().uri()).user());
        assertEquals("null-\u0000-null", ((SipUri) r.from().uri()).user());
        List<Contact> contacts = r.contacts();
        assertEquals("\u0000", ((SipUri) contacts.get(0).uri()).user());
        assertEquals("\u0000\u0000", ((SipUri) contacts.get(1).uri()).user());
        assertEquals("sip:%00%00@host5.example.com", contacts.get(1).uri().toString());
        assertEquals(0, r.contentLength());
    }

    @Test
    void esc02_percentThatIsNotAnEscape() {
        SipRequest r = (SipRequest) valid("esc02.dat");
        assertEquals("RE%47IST%45R", r.method().name());
        assertFalse(r.method().equals(SipMethod.REGISTER));
        assertEquals("%Z%45", r.to().displayName());
        assertEquals("%Z%45", r.from().displayName());
        assertEquals("z9hG4bK209%fzsnel234", r.topVia().branch());
        assertEquals(2, r.contacts().size());
        assertEquals("<sip:alias2@host2.example.com>", r.header("C%6Fntact"));
    }

    @Test
    void lwsdisp_tokenDisplayNameDirectlyBeforeAngleBracket() {
        SipMessage m = valid("lwsdisp.dat");
        assertEquals("caller", m.from().displayName());
        assertEquals("323", m.from().tag());
    }

    @Test
    void longreq_longValuesAndThirtyFourVias() {
        byte[] b = Fixtures.bytes("rfc4475/longreq.dat");
        SipMessage m = valid("longreq.dat");
        assertEquals(3515, b.length);
        assertEquals(b.length, m.wireLength());
        assertEquals(34, m.vias().size());
        assertEquals("sip33.example.com", m.vias().get(0).host());
        assertTrue(m.vias().stream().allMatch(v -> v.transport().equals("TCP")));
        assertTrue(m.to().displayName().startsWith("I have a user name of extremeextreme"));
        assertEquals(6000, ((SipUri) m.to().uri()).port());
        assertTrue(((SipUri) m.to().uri()).param("unknownparam1").startsWith("verylonglong"));
        assertTrue(m.from().tag().length() > 100);
        assertEquals(141, m.callId().length());
    }

    @Test
    void dblreq_onlyTheRegisterIsProcessed() {
        byte[] b = Fixtures.bytes("rfc4475/dblreq.dat");
        SipRequest r = (SipRequest) valid("dblreq.dat");
        assertEquals(SipMethod.REGISTER, r.method());
        assertEquals(0, r.bodyLength());
        assertEquals(b.length - 450, r.wireLength());
    }

    @Test
    void semiuri_semicolonBeforeAtBelongsToTheUser() {
        SipRequest r = (SipRequest) valid("semiuri.dat");
        SipUri ruri = (SipUri) r.requestUri();
        assertEquals("user;par=u@example.net", ruri.user());
        assertEquals("example.com", ruri.host());
        assertTrue(ruri.params().isEmpty());
        assertEquals(List.of("application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed",
            "message/sip", "message/sipfrag"), r.headers("Accept"));
    }

    @Test
    void transports_fiveTransportsIncludingUnknown() {
        SipMessage m = valid("transports.dat");
        assertEquals(List.of("UDP", "SCTP", "TLS", "UNKNOWN", "TCP"), m.vias().stream().map(Via::transport).toList());
        assertEquals("t4.example.com", m.vias().get(3).host());
    }

    @Test
    void mpart01_binaryBodyFramedByContentLength() {
        byte[] b = Fixtures.bytes("rfc4475/mpart01.dat");
        SipMessage m = valid("mpart01.dat");
        assertEquals(553, m.bodyLength());
        assertArrayEquals(Arrays.copyOfRange(b, b.length - 553, b.length), m.body());
        assertEquals(2, countZeros(m.body()));
        assertEquals("multipart/mixed;boundary=7a9cbec02ceef655", m.contentType());
        assertTrue(m.vias().get(0).hasRport());
    }

    private static int countZeros(byte[] b) {
        int n = 0;
        for (byte x : b) {
            n += x == 0 ? 1 : 0;
        }
        return n;
    }

    @Test
    void unreason_utf8ReasonPhrase() {
        SipResponse r = (SipResponse) valid("unreason.dat");
        assertEquals(200, r.status());
        assertEquals("= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e "
            + "\u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435", r.reason());
    }

    @Test
    void noreason_emptyReasonPhrase() {
        SipResponse r = (SipResponse) valid("noreason.dat");
        assertEquals(100, r.status());
        assertEquals("", r.reason());
        assertEquals("SIP/2.0 100 ", r.startLine());
    }

    @Test
    void section3_2and3_3_semanticallyOddButValidMessages() {
        assertEquals("z9hG4bK", valid("badbranch.dat").topVia().branch());
        AbsoluteUri unk = assertInstanceOf(AbsoluteUri.class, ((SipRequest) valid("unkscm.dat")).requestUri());
        assertEquals("nobodyknowsthisscheme", unk.scheme());
        assertEquals("totallyopaquecontent", unk.schemeSpecificPart());
        assertEquals("soap.beep", ((SipRequest) valid("novelsc.dat")).requestUri().scheme());
        SipMessage unksm2 = valid("unksm2.dat");
        assertEquals("isbn:2983792873", unksm2.to().uri().toString());
        assertEquals("http", unksm2.from().uri().scheme());
        assertEquals("name:John_Smith", unksm2.contacts().get(0).uri().toString());
        SipMessage bext = valid("bext01.dat");
        assertEquals(List.of("nothingSupportsThis", "nothingSupportsThisEither"), bext.require());
        assertEquals(List.of("noProxiesSupportThis", "norDoAnyProxiesSupportThis"), bext.proxyRequire());
        assertEquals("application/unknownformat", valid("invut.dat").contentType());
        assertEquals("NoOneKnowsThisScheme", valid("regaut01.dat").authorization().get(0).scheme());
        assertEquals("here", valid("regaut01.dat").authorization().get(0).param("opaque-data"));
        assertEquals("255.255.255.255", valid("bcast.dat").vias().get(1).host());
        assertEquals(0, valid("zeromf.dat").maxForwards());
        Address cparam01 = valid("cparam01.dat").contacts().get(0).address();
        assertTrue(cparam01.params().has("unknownparam"));
        assertFalse(((SipUri) cparam01.uri()).params().has("unknownparam"));
        Address cparam02 = valid("cparam02.dat").contacts().get(0).address();
        assertFalse(cparam02.params().has("unknownparam"));
        assertTrue(((SipUri) cparam02.uri()).params().has("unknownparam"));
        SipUri regescrt = (SipUri) valid("regescrt.dat").contacts().get(0).uri();
        assertEquals("<sip:sip.example.com>", regescrt.headers().get("Route"));
        assertEquals("text/nobodyKnowsThis", valid("sdp01.dat").header("Accept"));
    }

    @Test
    void inv2543_rfc2543SyntaxIsAccepted() {
        SipRequest r = (SipRequest) valid("inv2543.dat");
        assertEquals(-1, r.contentLength());
        assertEquals(105, r.bodyLength());
        assertNull(r.topVia().branch());
        assertNull(r.maxForwards());
        assertNull(r.from().tag());
        assertEquals("ss1.example.com", r.recordRoutes().get(0).sipUri().maddr());
        assertEquals("phone", r.to().params().get("user"));
    }

    @Test
    void invalidMessagesAreRejectedWithTheFaultNamed() {
        assertEquals("Bad Via: empty parameter", invalid("badinv01.dat"));
        assertEquals("Bad Content-Length: larger than the message body", invalid("clerr.dat"));
        assertEquals("Bad Content-Length: negative value", invalid("ncl.dat"));
        assertEquals("Bad CSeq: sequence number too large", invalid("scalar02.dat"));
        assertEquals("Bad CSeq: sequence number too large", invalid("scalarlg.dat"));
        assertEquals("Bad To: unterminated quoted string", invalid("quotbal.dat"));
        assertEquals("Bad Request-URI: URI without scheme", invalid("ltgtruri.dat"));
        assertEquals("Bad Request-URI: whitespace inside URI", invalid("lwsruri.dat"));
        assertEquals("Bad Request-Line: multiple spaces between elements", invalid("lwsstart.dat"));
        assertEquals("Bad Request-Line: trailing whitespace", invalid("trws.dat"));
        assertEquals("Bad Request-URI: headers not allowed", invalid("escruri.dat"));
        assertEquals("Bad Date: time zone must be GMT", invalid("baddate.dat"));
        assertEquals("Bad Contact: URI containing '?' must be enclosed in <>", invalid("regbadct.dat"));
        assertEquals("Bad To: spaces within addr-spec", invalid("badaspec.dat"));
        assertEquals("Bad From: display name must be a token or quoted string", invalid("baddn.dat"));
        assertEquals("Version Not Supported: SIP/7.0", invalid("badvers.dat"));
        assertEquals("Bad CSeq: method does not match request line", invalid("mismatch01.dat"));
        assertEquals("Bad CSeq: method does not match request line", invalid("mismatch02.dat"));
        assertEquals("Bad Status-Line: status code must be 3 digits", invalid("bigcode.dat"));
        assertEquals("Missing To, From, Call-ID, Max-Forwards headers", invalid("insuf.dat"));
        assertEquals("Multiple Max-Forwards headers", invalid("multi01.dat"));
        assertEquals("Bad Content-Length: multiple values", invalid("mcl01.dat"));
    }

    @Test
    void baddn_isInvalidForItsDisplayNameAlsoWhenTheMissingEmptyLineIsAdded() {
        byte[] fixed = Fixtures.bytes("rfc4475/extra/baddn-crlf-terminated.dat");
        assertEquals(Optional.of("Bad From: display name must be a token or quoted string"),
            SipValidator.checkDatagram(fixed));
        // The archive's bytes lack the empty line; as a datagram the header section ends with the datagram.
        SipMessage archive = SipParser.parse(Fixtures.bytes("rfc4475/baddn.dat"));
        assertEquals("baddn.31415@c.example.com", archive.callId());
        assertThrows(SipParseException.class, archive::to);
    }

    @Test
    void badRequestsWhoseHeadersCouldBeReadCanBeAnswered() {
        for (String f : List.of("lwsstart.dat", "trws.dat", "ncl.dat", "clerr.dat", "lwsruri.dat", "mcl01.dat")) {
            SipParseException e = assertThrows(SipParseException.class, () -> SipParser.parse(Fixtures.bytes("rfc4475/" + f)));
            SipResponse r = new SipFrame.Invalid(e, null, false, null, null).badRequest().orElseThrow(() -> new AssertionError(f));
            assertEquals(400, r.status(), f);
            assertEquals(e.reason(), r.reason(), f);
            assertTrue(r.topVia() != null && r.callId() != null && r.cseq() != null, f);
        }
    }
}
