package dev.dialtone.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SessionDescriptionTest {

    static String fixture(String name) {
        try (InputStream in = SessionDescriptionTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"asterisk-offer.sdp", "freeswitch-srtp-offer.sdp", "linphone-ipv6-offer.sdp"})
    void unmodifiedParsedSession_serializesToTheSameCrlfText(String name) throws Exception {
        String text = fixture("valid/" + name);
        assertEquals(text, SessionDescription.parse(text).toString());
    }

    @Test
    void lfOnlyInput_isAcceptedAndWrittenBackWithCrlf() throws Exception {
        String crlf = fixture("valid/asterisk-offer.sdp");
        String lf = crlf.replace("\r\n", "\n");
        assertEquals(crlf, SessionDescription.parse(lf).toString());
    }

    @Test
    void asteriskOffer_typedViews() throws Exception {
        SessionDescription sdp = SessionDescription.parse(fixture("valid/asterisk-offer.sdp"));
        assertEquals("1929426236", sdp.origin().sessionId());
        assertEquals(Optional.of(Connection.of("192.0.2.10")), sdp.connection());
        MediaDescription audio = sdp.media().get(0);
        assertEquals("audio", audio.media());
        assertEquals(16650, audio.port());
        assertEquals(List.of(0, 8, 9, 18, 101), audio.payloadTypes());
        assertEquals(new RtpMap(9, "G722", 8000, 1), audio.rtpMap(9).orElseThrow());
        assertEquals("annexb=no", audio.fmtp(18).orElseThrow().parameters());
        assertEquals("0-16", audio.fmtp(101).orElseThrow().parameters());
        assertEquals(OptionalInt.of(20), audio.ptime());
        assertEquals(OptionalInt.of(150), audio.maxptime());
        assertEquals(Direction.SENDRECV, sdp.direction(audio));
        assertFalse(audio.rtcpMux());
        assertEquals(Optional.of(Connection.of("192.0.2.10")), sdp.connection(audio));
    }

    @Test
    void freeswitchOffer_cryptoRtcpAndUnknownAttributesInOrder() throws Exception {
        SessionDescription sdp = SessionDescription.parse(fixture("valid/freeswitch-srtp-offer.sdp"));
        MediaDescription audio = sdp.media().get(0);
        assertTrue(audio.isSecureRtp());
        assertEquals(new RtpMap(102, "opus", 48000, 2), audio.rtpMap(102).orElseThrow());
        List<Crypto> cryptos = audio.cryptos();
        assertEquals(2, cryptos.size());
        assertEquals(1, cryptos.get(0).tag());
        assertEquals("AES_CM_128_HMAC_SHA1_80", cryptos.get(0).suite());
        assertEquals("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32", cryptos.get(0).inlineKey());
        assertEquals("AES_CM_128_HMAC_SHA1_32", cryptos.get(1).suite());
        RtcpAttribute rtcp = audio.rtcp().orElseThrow();
        assertEquals(24681, rtcp.port());
        assertEquals(Optional.of(Connection.of("198.51.100.7")), rtcp.connection());
        Attribute last = audio.attributes().get(audio.attributes().size() - 1);
        assertEquals(Attribute.of("x-fs-custom", "keep me"), last);
    }

    @Test
    void linphoneOffer_ipv6MediaLevelConnectionAndVideo() throws Exception {
        SessionDescription sdp = SessionDescription.parse(fixture("valid/linphone-ipv6-offer.sdp"));
        assertEquals("IP6", sdp.origin().addrType());
        MediaDescription audio = sdp.media().get(0);
        assertEquals(new Connection("IN", "IP6", "2001:db8::43"), sdp.connection(audio).orElseThrow());
        assertTrue(audio.rtcpMux());
        assertEquals(List.of(new SdpField('b', "AS:80")), audio.otherFields());
        MediaDescription video = sdp.media().get(1);
        assertEquals(new Connection("IN", "IP6", "2001:db8::42"), sdp.connection(video).orElseThrow());
        assertEquals("video", video.media());
        assertEquals(2, sdp.attributes().size());
    }

    @Test
    void builtSession_hasMandatoryFieldsInOrder() {
        SessionDescription sdp = SessionDescription.builder(Origin.of("dialtone", "42", "1", "203.0.113.5"))
                .connection(Connection.of("203.0.113.5"))
                .addMedia(MediaDescription.builder("audio", 20000, "RTP/AVP")
                        .addRtpFormat(new RtpMap(0, "PCMU", 8000, 1), null)
                        .addRtpFormat(new RtpMap(101, "telephone-event", 8000, 1), "0-16")
                        .addAttribute(Attribute.of("ptime", "20"))
                        .direction(Direction.SENDONLY)
                        .build())
                .build();
        assertEquals("v=0\r\n"
                + "o=dialtone 42 1 IN IP4 203.0.113.5\r\n"
                + "s=-\r\n"
                + "c=IN IP4 203.0.113.5\r\n"
                + "t=0 0\r\n"
                + "m=audio 20000 RTP/AVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendonly\r\n", sdp.toString());
    }

    @Test
    void directionBuilder_replacesInPlace() throws Exception {
        SessionDescription sdp = SessionDescription.parse(fixture("valid/asterisk-offer.sdp"));
        MediaDescription held = sdp.media().get(0).toBuilder().direction(Direction.SENDONLY).build();
        assertEquals(Optional.of(Direction.SENDONLY), held.direction());
        assertEquals(sdp.media().get(0).attributes().size(), held.attributes().size());
        assertEquals(Attribute.property("sendonly"), held.attributes().get(held.attributes().size() - 1));
    }

    @Test
    void originVersionBump_keepsSessionIdAndHandlesHugeValues() {
        Origin o = Origin.of("-", "18446744073709551615", "18446744073709551615", "192.0.2.1");
        Origin next = o.withNextVersion();
        assertEquals("18446744073709551615", next.sessionId());
        assertEquals("18446744073709551616", next.sessionVersion());
    }

    @Test
    void sameContentAs_ignoresOnlyTheVersion() throws Exception {
        SessionDescription a = SessionDescription.parse(fixture("valid/asterisk-offer.sdp"));
        SessionDescription b = a.toBuilder().origin(a.origin().withNextVersion()).build();
        assertTrue(a.sameContentAs(b));
        SessionDescription c = a.withMedia(0, m -> m.toBuilder().port(16652).build());
        assertFalse(a.sameContentAs(c));
    }

    private static SdpParseException bad(String sdp) {
        return assertThrows(SdpParseException.class, () -> SessionDescription.parse(sdp.replace("\n", "\r\n")));
    }

    private static final String HEAD = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n";

    @Test
    void badVersionLine() {
        SdpParseException e = bad("v=1\no=- 1 1 IN IP4 192.0.2.1\ns=-\n");
        assertEquals(1, e.lineNumber());
        assertEquals("unsupported SDP version '1'", e.reason());
    }

    @Test
    void originWithMissingField() {
        SdpParseException e = bad("v=0\no=- 1 IN IP4 192.0.2.1\ns=-\n");
        assertEquals(2, e.lineNumber());
        assertTrue(e.reason().startsWith("o= needs 6 fields"), e.reason());
    }

    @Test
    void originWithNonNumericVersion() {
        SdpParseException e = bad("v=0\no=- 1 abc IN IP4 192.0.2.1\ns=-\n");
        assertEquals(2, e.lineNumber());
        assertEquals("o= session version is not a number: 'abc'", e.reason());
    }

    @Test
    void missingSessionName() {
        SdpParseException e = bad("v=0\no=- 1 1 IN IP4 192.0.2.1\nc=IN IP4 192.0.2.1\n");
        assertEquals(3, e.lineNumber());
        assertTrue(e.reason().startsWith("missing s= line"), e.reason());
    }

    @Test
    void connectionWithUnknownAddressType() {
        SdpParseException e = bad("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IPX 192.0.2.1\n");
        assertEquals(4, e.lineNumber());
        assertEquals("c= addrtype 'IPX' is not IP4 or IP6", e.reason());
    }

    @Test
    void ip4ConnectionWithIpv6Address() {
        SdpParseException e = bad("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 2001:db8::1\n");
        assertEquals(4, e.lineNumber());
    }

    @Test
    void mediaPortNotANumber() {
        SdpParseException e = bad(HEAD + "m=audio port RTP/AVP 0\n");
        assertEquals(6, e.lineNumber());
        assertEquals("m= port is not a number: 'port'", e.reason());
    }

    @Test
    void mediaPortOutOfRange() {
        assertEquals("m= port out of range: 70000", bad(HEAD + "m=audio 70000 RTP/AVP 0\n").reason());
    }

    @Test
    void rtpFormatNotAPayloadType() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/AVP 0 200\n");
        assertEquals("m= RTP format '200' is not a payload type 0-127", e.reason());
    }

    @Test
    void mediaWithoutFormats() {
        assertEquals(6, bad(HEAD + "m=audio 4000 RTP/AVP\n").lineNumber());
    }

    @Test
    void rtpmapWithoutClockRate() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus\n");
        assertEquals(7, e.lineNumber());
        assertEquals("a=rtpmap encoding must be <name>/<clock rate>[/<channels>]", e.reason());
    }

    @Test
    void rtpmapClockRateNotANumber() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus/fast/2\n");
        assertEquals("a=rtpmap clock rate is not a number: 'fast'", e.reason());
    }

    @Test
    void ptimeNotANumber() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/AVP 0\na=ptime:soon\n");
        assertEquals(7, e.lineNumber());
        assertEquals("a=ptime is not a positive number: 'soon'", e.reason());
    }

    @Test
    void cryptoWithoutKey() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80\n");
        assertEquals(7, e.lineNumber());
        assertEquals("a=crypto needs '<tag> <suite> <key-params>'", e.reason());
    }

    @Test
    void directionWithValue() {
        assertEquals("a=sendonly takes no value", bad(HEAD + "m=audio 4000 RTP/AVP 0\na=sendonly:yes\n").reason());
    }

    @Test
    void originInsideMediaSection() {
        SdpParseException e = bad(HEAD + "m=audio 4000 RTP/AVP 0\no=- 1 1 IN IP4 192.0.2.1\n");
        assertEquals(7, e.lineNumber());
        assertEquals("o= is not allowed in a media section", e.reason());
    }

    @Test
    void mediaWithoutAnyConnection() {
        SdpParseException e = bad("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n");
        assertEquals(5, e.lineNumber());
        assertEquals("media section has no c= line and there is no session-level c=", e.reason());
    }

    @Test
    void rejectedMediaWithoutConnection_isFine() throws Exception {
        SessionDescription sdp = SessionDescription.parse(
                "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n");
        assertTrue(sdp.media().get(0).isRejected());
    }

    @Test
    void garbageLine() {
        SdpParseException e = bad(HEAD + "hello world\n");
        assertEquals(6, e.lineNumber());
        assertTrue(e.reason().startsWith("not a '<type>=<value>' line"), e.reason());
    }

    @Test
    void emptyBody() {
        assertEquals(0, assertThrows(SdpParseException.class, () -> SessionDescription.parse("")).lineNumber());
    }
}
