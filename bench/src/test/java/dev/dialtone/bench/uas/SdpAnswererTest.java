package dev.dialtone.bench.uas;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpAnswererTest {

    private static SdpAnswerer.Answer answer(String offer) {
        return SdpAnswerer.answer(offer.getBytes(StandardCharsets.US_ASCII), "127.0.0.1", 20000, 7);
    }

    private static String text(SdpAnswerer.Answer a) {
        return new String(a.sdp(), StandardCharsets.US_ASCII);
    }

    @Test
    void sippsOffer_isAnsweredWithPcmu() {
        SdpAnswerer.Answer a = answer("v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
                + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
        assertEquals("PCMU", a.codec());
        assertEquals("v=0\r\no=dialtone-uas 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n", text(a));
    }

    @Test
    void firstG711OfTheOffer_wins_andTelephoneEventIsKept() {
        SdpAnswerer.Answer a = answer("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 18 8 0 96\r\na=rtpmap:18 G729/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:96 telephone-event/8000\r\n");
        assertEquals("PCMA", a.codec());
        assertEquals(8, a.payloadType());
        assertTrue(text(a).contains("m=audio 20000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\n"), text(a));
    }

    @Test
    void staticPayloadTypes_needNoRtpmap_andLfOnlyOffersParse() {
        SdpAnswerer.Answer a = answer("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
                + "m=audio 4000 RTP/AVP 8\n");
        assertEquals("PCMA", a.codec());
    }

    @Test
    void otherStreams_areDeclinedWithPortZero_inOrder() {
        SdpAnswerer.Answer a = answer("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "m=audio 4000 RTP/AVP 0\r\n");
        String sdp = text(a);
        assertTrue(sdp.indexOf("m=video 0 RTP/AVP 96\r\n") < sdp.indexOf("m=audio 20000 RTP/AVP 0\r\n"), sdp);
    }

    @Test
    void directionIsMirrored() {
        SdpAnswerer.Answer a = answer("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n");
        assertTrue(text(a).endsWith("a=recvonly\r\n"), text(a));
    }

    @Test
    void noG711_meansNoAnswer() {
        SdpAnswerer.Answer a = answer("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n");
        assertNull(a.sdp());
    }

    @Test
    void ipv6Host_isWrittenAsIp6() {
        SdpAnswerer.Answer a = SdpAnswerer.answer("v=0\r\nm=audio 4000 RTP/AVP 0\r\n".getBytes(StandardCharsets.US_ASCII),
                "::1", 20002, 1);
        assertTrue(text(a).contains("c=IN IP6 ::1\r\n"), text(a));
    }
}
