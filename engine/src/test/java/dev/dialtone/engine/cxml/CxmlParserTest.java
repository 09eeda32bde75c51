package dev.dialtone.engine.cxml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CxmlParserTest {

    static final List<String> VALID = List.of("all_verbs.xml",
            "seed002_dial_sip.xml", "seed002_sip_authentication.xml", "seed002_custom_headers.xml",
            "seed002_dial_attributes.xml",
            "sdk_python_dial_sip.xml", "sdk_python_sip_authentication.xml", "sdk_python_custom_headers.xml",
            "sdk_python_dial_attributes.xml", "sdk_node_dial_attributes.xml", "sdk_node_sip_authentication.xml",
            "sdk_csharp_dial_sip.xml", "sdk_csharp_sip_authentication.xml", "sdk_csharp_custom_headers.xml",
            "sdk_csharp_dial_attributes.xml", "sdk_ruby_dial_sip.xml", "sdk_ruby_dial_attributes.xml");

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = CxmlParserTest.class.getResourceAsStream("/cxml/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    static Document valid(String xml) {
        ParseResult result = CxmlParser.parse(xml);
        assertEquals(List.of(), result.errors(), xml);
        return result.document().orElseThrow();
    }

    static List<CxmlError> errors(String xml) {
        ParseResult result = CxmlParser.parse(xml);
        assertFalse(result.isValid(), xml);
        return result.errors();
    }

    static Stream<String> validFixtures() {
        return VALID.stream();
    }

    @ParameterizedTest
    @MethodSource("validFixtures")
    void validFixture_parsesWithoutErrorsOrWarnings(String name) throws IOException {
        ParseResult result = CxmlParser.parse(fixture("valid/" + name));
        assertEquals(List.of(), result.errors());
        assertEquals(List.of(), result.warnings());
        assertTrue(result.document().isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dial_sip", "sip_authentication", "custom_headers", "dial_attributes"})
    void seedExample_everySdkRendering_givesTheSameDocument(String example) throws IOException {
        Document seed = CxmlParser.parse(fixture("valid/seed002_" + example + ".xml")).document().orElseThrow();
        for (String name : VALID) {
            if (name.endsWith("_" + example + ".xml")) {
                Document other = CxmlParser.parse(fixture("valid/" + name)).document().orElseThrow();
                assertEquals(seed, other, name);
            }
        }
    }

    @Test
    void seedDialAttributes_keepsEveryAttributeAndDefault() throws IOException {
        Document doc = CxmlParser.parse(fixture("valid/seed002_dial_attributes.xml")).document().orElseThrow();
        Dial dial = (Dial) doc.verbs().get(0);
        assertEquals(Optional.of("https://www.example.com/after_dial"), dial.action());
        assertEquals(HttpMethod.GET, dial.method());
        assertEquals(Optional.of("alice"), dial.callerId());
        assertEquals(RecordMode.RECORD_FROM_ANSWER, dial.record());
        assertEquals(30, dial.timeout());
        assertEquals(14_400, dial.timeLimit());
        assertFalse(dial.hangupOnStar());
        assertFalse(dial.answerOnBridge());
        Sip sip = dial.sips().get(0);
        assertEquals("sip:dan@example.com?customheader=foo", sip.target().uri());
        assertEquals("sip:dan@example.com", sip.target().requestUri());
        assertEquals(List.of(new SipTarget.Header("customheader", "foo")), sip.target().headers());
        assertEquals(Optional.of("https://www.example.com/whisper_audio"), sip.url());
        assertEquals(Optional.of("https://www.example.com/dial_events"), sip.statusCallback());
        assertEquals(Set.of(StatusCallbackEvent.RINGING, StatusCallbackEvent.ANSWERED), sip.statusCallbackEvents());
        assertTrue(sip.reports(StatusCallbackEvent.RINGING));
        assertFalse(sip.reports(StatusCallbackEvent.COMPLETED));
        assertEquals(List.of(Codec.PCMU, Codec.PCMA), sip.codecs());
        assertEquals(HttpMethod.POST, sip.method());
        assertEquals("tls", sip.target().transport());
    }

    @Test
    void seedCustomHeaders_areDecodedInOrder() throws IOException {
        Document doc = CxmlParser.parse(fixture("valid/seed002_custom_headers.xml")).document().orElseThrow();
        SipTarget target = ((Dial) doc.verbs().get(0)).sips().get(0).target();
        assertEquals(List.of(new SipTarget.Header("customheader", "foo"),
                new SipTarget.Header("othercustomheader", "bar")), target.headers());
        assertEquals(Optional.of("charlie"), target.user());
    }

    @Test
    void seedAuthentication_keepsCredentials() throws IOException {
        Document doc = CxmlParser.parse(fixture("valid/seed002_sip_authentication.xml")).document().orElseThrow();
        Sip sip = ((Dial) doc.verbs().get(0)).sips().get(0);
        assertEquals(Optional.of("admin"), sip.username());
        assertEquals(Optional.of("1234"), sip.password());
        assertFalse(sip.toString().contains("1234"), "password must not leak into logs");
    }

    @Test
    void allVerbs_inDocumentOrderWithEveryAttribute() throws IOException {
        Document doc = CxmlParser.parse(fixture("valid/all_verbs.xml")).document().orElseThrow();
        assertEquals(5, doc.verbs().size());
        assertEquals(new Pause(2), doc.verbs().get(0));
        Dial dial = (Dial) doc.verbs().get(1);
        assertEquals(Optional.of("/after_dial"), dial.action());
        assertEquals(20, dial.timeout());
        assertEquals(Optional.of("+15551234567"), dial.callerId());
        assertEquals(Optional.of("Front Desk"), dial.callerName());
        assertTrue(dial.hangupOnStar());
        assertEquals(3600, dial.timeLimit());
        assertTrue(dial.answerOnBridge());
        assertEquals(RecordMode.RECORD_FROM_RINGING_DUAL, dial.record());
        assertEquals(Optional.of("uk"), dial.ringTone());
        assertEquals(2, dial.sips().size());
        Sip first = dial.sips().get(0);
        assertEquals(List.of(Codec.OPUS, Codec.PCMU), first.codecs());
        assertEquals(HttpMethod.GET, first.method());
        assertEquals(1800, first.sessionTimeout());
        assertEquals(Set.of(StatusCallbackEvent.values()), first.statusCallbackEvents());
        assertEquals(HttpMethod.GET, first.statusCallbackMethod());
        SipTarget t = first.target();
        assertTrue(t.secure());
        assertEquals("[2001:db8::1]", t.host());
        assertEquals(OptionalInt.of(5061), t.port());
        assertEquals(List.of(new SipTarget.Header("X-Account", "42"), new SipTarget.Header("X-Note", "a b")),
                t.headers());
        SipTarget second = dial.sips().get(1).target();
        assertEquals(Optional.of("+15550001111"), second.user());
        assertEquals("192.0.2.10", second.host());
        assertEquals("udp", second.transport());
        assertEquals(Optional.of("phone"), second.parameter("user"));
        assertEquals(new Redirect("https://example.com/next?step=2&x=y", HttpMethod.GET), doc.verbs().get(2));
        assertEquals(new Reject(Reject.Reason.BUSY), doc.verbs().get(3));
        assertEquals(new Hangup(), doc.verbs().get(4));
    }

    @Test
    void defaults_ofEveryVerb() {
        Document doc = valid("<Response><Pause/><Reject/><Redirect>next.xml</Redirect>"
                + "<Dial><Sip>sip:a@example.com</Sip></Dial></Response>");
        assertEquals(new Pause(1), doc.verbs().get(0));
        assertEquals(new Reject(Reject.Reason.REJECTED), doc.verbs().get(1));
        assertEquals(new Redirect("next.xml", HttpMethod.POST), doc.verbs().get(2));
        Sip sip = Sip.builder(SipTarget.parse("sip:a@example.com").target()).build();
        assertEquals(Dial.builder().addSip(sip).build(), doc.verbs().get(3));
        assertEquals(Set.of(StatusCallbackEvent.COMPLETED), sip.statusCallbackEvents());
    }

    @Test
    void emptyResponse_isAValidDocumentWithNoVerbs() {
        assertEquals(List.of(), valid("<?xml version=\"1.0\"?><Response/>").verbs());
    }

    @Test
    void unsupportedVerb_isAnErrorAtItsTag() {
        assertEquals(List.of(new CxmlError(3, 3,
                        "<Say> is not supported by this engine (it runs Dial, Hangup, Pause, Redirect, Reject)")),
                errors("<?xml version=\"1.0\"?>\n<Response>\n  <Say>hello</Say>\n  <Hangup/>\n</Response>"));
    }

    @Test
    void verbNames_areCaseSensitive() {
        assertEquals("unknown verb <hangup> (names are case-sensitive: <Hangup>)",
                errors("<Response><hangup/></Response>").get(0).message());
    }

    @Test
    void rootMustBeResponse() {
        assertEquals(List.of(new CxmlError(1, 1, "the root element must be <Response>, not <Dial>")),
                errors("<Dial><Sip>sip:a@example.com</Sip></Dial>"));
    }

    @Test
    void everyErrorOfADocument_isReportedWithItsPosition() {
        String xml = """
                <Response>
                  <Dial timeout="soon" callerId="Bob Smith">
                    <Sip codecs="PCMU,G711">sip:a@example.com</Sip>
                  </Dial>
                  <Play>https://example.com/a.wav</Play>
                  <Pause length="1.5"/>
                </Response>
                """;
        assertEquals(List.of(
                new CxmlError(2, 3, "<Dial timeout>: 'soon' is not a number"),
                new CxmlError(2, 3, "<Dial callerId>: 'Bob Smith' may hold only letters, digits and +-_., with no "
                        + "whitespace"),
                new CxmlError(3, 5, "<Sip codecs>: 'G711' is not one of PCMU, PCMA, G722, G729, OPUS"),
                new CxmlError(5, 3, "<Play> is not supported by this engine (it runs Dial, Hangup, Pause, Redirect, "
                        + "Reject)"),
                new CxmlError(6, 3, "<Pause length>: '1.5' is not a whole number")), errors(xml));
    }

    @Test
    void otherNounBesideSip_isRefusedBySeedRule() {
        List<CxmlError> errors = errors("<Response><Dial>\n<Sip>sip:a@example.com</Sip>\n<Number>+15551234567</Number>"
                + "</Dial></Response>");
        assertEquals(List.of(new CxmlError(3, 1, "<Number> cannot be in a <Dial> that contains a <Sip> (no other "
                + "noun may be added beside <Sip>)")), errors);
    }

    @Test
    void otherNounAlone_isNotSupported() {
        assertEquals("<Conference> is not supported by this engine: <Dial> takes only <Sip> nouns",
                errors("<Response><Dial><Conference>room</Conference></Dial></Response>").get(0).message());
    }

    @Test
    void dialWithNumberText_isAnError() {
        assertEquals(List.of(new CxmlError(1, 17, "<Dial> with a number as text is not supported by this engine: "
                        + "put a SIP URI in <Sip> instead of '+15551234567'")),
                errors("<Response><Dial>+15551234567</Dial></Response>"));
    }

    @Test
    void emptyDial_isAnError() {
        assertEquals("<Dial> has no <Sip> to dial", errors("<Response><Dial/></Response>").get(0).message());
    }

    @Test
    void tenSips_areAccepted_eleventhIsAnError() {
        String sip = "<Sip>sip:a@example.com</Sip>\n";
        assertEquals(10, ((Dial) valid("<Response><Dial>\n" + sip.repeat(10) + "</Dial></Response>").verbs().get(0))
                .sips().size());
        assertEquals(List.of(new CxmlError(12, 1, "more than 10 <Sip> in one <Dial>")),
                errors("<Response><Dial>\n" + sip.repeat(11) + "</Dial></Response>"));
    }

    @Test
    void callerId_acceptsSeedCharacters() {
        Dial dial = (Dial) valid("<Response><Dial callerId=\"Alice_B-2.0,+1\"><Sip>sip:a@example.com</Sip></Dial>"
                + "</Response>").verbs().get(0);
        assertEquals(Optional.of("Alice_B-2.0,+1"), dial.callerId());
    }

    @Test
    void timeoutOutOfRange_isClampedWithAWarning() {
        ParseResult result = CxmlParser.parse("<Response><Dial timeout=\"1000\"><Sip>sip:a@example.com</Sip></Dial>"
                + "</Response>");
        assertEquals(600, ((Dial) result.document().orElseThrow().verbs().get(0)).timeout());
        assertEquals(List.of(new CxmlError(1, 11, "<Dial timeout>: 1000 is outside 5..600, using 600")),
                result.warnings());
        ParseResult low = CxmlParser.parse("<Response><Dial timeout=\"2\"><Sip>sip:a@example.com</Sip></Dial>"
                + "</Response>");
        assertEquals(5, ((Dial) low.document().orElseThrow().verbs().get(0)).timeout());
    }

    @Test
    void nonPositiveTimeout_isAnError() {
        assertEquals("<Dial timeout>: 0 is less than 1",
                errors("<Response><Dial timeout=\"0\"><Sip>sip:a@example.com</Sip></Dial></Response>").get(0).message());
        assertEquals("<Dial timeLimit>: -5 is less than 1",
                errors("<Response><Dial timeLimit=\"-5\"><Sip>sip:a@example.com</Sip></Dial></Response>").get(0).message());
    }

    @Test
    void hugeNumber_isOutOfRangeNotACrash() {
        assertEquals("<Sip sessionTimeout>: -99999999999999999999999 is less than 0",
                errors("<Response><Dial><Sip sessionTimeout=\"-99999999999999999999999\">sip:a@example.com</Sip>"
                        + "</Dial></Response>").get(0).message());
    }

    @Test
    void badValues_haveExactMessages() {
        assertEquals("<Dial hangupOnStar>: 'yes' is not true or false",
                errors("<Response><Dial hangupOnStar=\"yes\"><Sip>sip:a@example.com</Sip></Dial></Response>")
                        .get(0).message());
        assertEquals("<Dial method>: 'PUT' is not GET or POST",
                errors("<Response><Dial method=\"PUT\"><Sip>sip:a@example.com</Sip></Dial></Response>")
                        .get(0).message());
        assertEquals("<Dial record>: 'always' is not one of do-not-record, record-from-answer, record-from-ringing, "
                        + "record-from-answer-dual, record-from-ringing-dual",
                errors("<Response><Dial record=\"always\"><Sip>sip:a@example.com</Sip></Dial></Response>")
                        .get(0).message());
        assertEquals("<Sip statusCallbackEvent>: 'hungup' is not one of initiated, ringing, answered, completed",
                errors("<Response><Dial><Sip statusCallback=\"https://e.com/s\" statusCallbackEvent=\"ringing hungup\">"
                        + "sip:a@example.com</Sip></Dial></Response>").get(0).message());
        assertEquals("<Reject reason>: 'nope' is not rejected or busy",
                errors("<Response><Reject reason=\"nope\"/></Response>").get(0).message());
        assertEquals("<Dial action>: 'ftp://example.com/x' is not an http, https or file URL",
                errors("<Response><Dial action=\"ftp://example.com/x\"><Sip>sip:a@example.com</Sip></Dial></Response>")
                        .get(0).message());
    }

    @Test
    void legacyBooleanRecord_isAccepted() {
        Dial dial = (Dial) valid("<Response><Dial record=\"true\"><Sip>sip:a@example.com</Sip></Dial></Response>")
                .verbs().get(0);
        assertEquals(RecordMode.RECORD_FROM_ANSWER, dial.record());
    }

    @Test
    void unknownAttribute_isAWarningOnly() {
        ParseResult result = CxmlParser.parse("<Response><Dial trim=\"trim-silence\"><Sip>sip:a@example.com</Sip>"
                + "</Dial></Response>");
        assertTrue(result.isValid());
        assertEquals(List.of(new CxmlError(1, 11, "<Dial> attribute trim is not supported and is ignored")),
                result.warnings());
    }

    @Test
    void sipUriError_pointsAtTheUriText() {
        assertEquals(List.of(new CxmlError(3, 5, "<Sip>: 'http://example.com' is not a SIP URI: it must start with "
                        + "sip: or sips:")),
                errors("<Response><Dial><Sip>\n\n    http://example.com\n</Sip></Dial></Response>"));
    }

    @Test
    void stackOwnedHeaderInUri_isADocumentError() {
        assertEquals("<Sip>: header Call-ID is set by the SIP stack and cannot come from the URI",
                errors("<Response><Dial><Sip>sip:a@example.com?Call-ID=x</Sip></Dial></Response>").get(0).message());
        assertEquals("<Sip>: header i is set by the SIP stack and cannot come from the URI",
                errors("<Response><Dial><Sip>sip:a@example.com?i=x</Sip></Dial></Response>").get(0).message());
    }

    @Test
    void malformedXml_isOneErrorAtItsPosition() {
        List<CxmlError> errors = errors("<Response>\n  <Dial>\n</Response>");
        assertEquals(1, errors.size());
        assertEquals(3, errors.get(0).line());
        assertTrue(errors.get(0).message().startsWith("not well-formed XML: "), errors.get(0).message());
    }

    @Test
    void externalEntity_isRefusedAndNeverRead() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Response [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                + "<Response><Redirect>&x;</Redirect></Response>";
        List<CxmlError> errors = errors(xxe);
        assertEquals(1, errors.size());
        assertEquals(new CxmlError(2, 1, "a DOCTYPE is not allowed in cXML"), errors.get(0));
    }

    @Test
    void undeclaredEntity_isAnError() {
        assertEquals(1, errors("<Response><Redirect>&x;</Redirect></Response>").size());
    }

    @Test
    void bytes_honourTheDeclaredEncoding() {
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Response><Dial callerName=\"Caf\u00e9\">"
                + "<Sip>sip:a@example.com</Sip></Dial></Response>").getBytes(StandardCharsets.ISO_8859_1);
        Dial dial = (Dial) CxmlParser.parse(latin1).document().orElseThrow().verbs().get(0);
        assertEquals(Optional.of("Caf\u00e9"), dial.callerName());
        byte[] utf16 = "<Response><Hangup/></Response>".getBytes(StandardCharsets.UTF_16);
        assertEquals(List.of(new Hangup()), CxmlParser.parse(utf16).document().orElseThrow().verbs());
    }

    @Test
    void crlfDocument_reportsLinesAsAnEditorShowsThem() {
        assertEquals(List.of(new CxmlError(3, 3, "unknown verb <Foo>")),
                errors("<Response>\r\n  <Hangup/>\r\n  <Foo/>\r\n</Response>"));
    }

    @Test
    void verbsWithoutContent_refuseContent() {
        assertEquals("<Hangup> takes no content, not 'now'",
                errors("<Response><Hangup>now</Hangup></Response>").get(0).message());
    }

    @Test
    void sipOutsideDial_isAnError() {
        assertEquals("<Sip> must be inside <Dial>",
                errors("<Response><Sip>sip:a@example.com</Sip></Response>").get(0).message());
    }

    @Test
    void emptyCredentials_areNoCredentials() {
        Sip sip = ((Dial) valid("<Response><Dial><Sip username=\"\" password=\"\">sip:a@example.com</Sip></Dial>"
                + "</Response>").verbs().get(0)).sips().get(0);
        assertEquals(Optional.empty(), sip.username());
        assertEquals(Optional.empty(), sip.password());
    }
}
