package dev.dialtone.media.negotiation;

import static dev.dialtone.media.negotiation.OfferAnswerTest.failed;
import static dev.dialtone.media.negotiation.OfferAnswerTest.fixture;
import static dev.dialtone.media.negotiation.OfferAnswerTest.ok;
import static dev.dialtone.media.negotiation.OfferAnswerTest.sdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.Crypto;
import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.Origin;
import dev.dialtone.media.sdp.RtpMap;
import dev.dialtone.media.sdp.SessionDescription;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class B2buaTest {
    static final LocalLeg CALLER_LEG = new LocalLeg(Origin.of("dialtone", "7000", "1", "203.0.113.5"),
            new MediaAnchor("203.0.113.5", 20000), SrtpPolicy.disabled());
    static final LocalLeg CALLEE_LEG = new LocalLeg(Origin.of("dialtone", "8000", "1", "203.0.113.5"),
            new MediaAnchor("203.0.113.5", 20002), SrtpPolicy.disabled());

    private static SessionDescription calleeOffer(SessionDescription callerOffer, List<Codec> codecs) {
        return ok(B2bua.offerToCallee(callerOffer, codecs, CALLEE_LEG)).sdp();
    }

    @Test
    void offerToCallee_codecsAttributeOrder_callersPayloadTypes() {
        SessionDescription offer = calleeOffer(fixture("asterisk-offer.sdp"), List.of(Codec.G722, Codec.PCMU));
        assertEquals("v=0\r\n"
                + "o=dialtone 8000 1 IN IP4 203.0.113.5\r\n"
                + "s=-\r\n"
                + "c=IN IP4 203.0.113.5\r\n"
                + "t=0 0\r\n"
                + "m=audio 20002 RTP/AVP 9 0 101\r\n"
                + "a=rtpmap:9 G722/8000\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=maxptime:150\r\n"
                + "a=sendrecv\r\n", offer.toString());
    }

    @Test
    void offerToCallee_emptyCodecs_keepsCallersCodecsInCallersOrder() {
        MediaDescription m = calleeOffer(fixture("asterisk-offer.sdp"), List.of()).media().get(0);
        assertEquals(List.of("0", "8", "9", "18", "101"), m.formats());
        assertEquals("annexb=no", m.fmtp(18).orElseThrow().parameters());
    }

    @Test
    void offerToCallee_noAllowedCodecOffered_is488() {
        NegotiationResult.Failure f = failed(B2bua.offerToCallee(fixture("asterisk-offer.sdp"),
                List.of(Codec.OPUS), CALLEE_LEG));
        assertEquals(488, f.statusCode());
        assertEquals("no common codec (offered: PCMU/8000, PCMA/8000, G722/8000, G729/8000; allowed: OPUS)",
                f.reason());
    }

    @Test
    void callerAnswer_mapsCalleeAnswerBackToCallersNumbersOrderAndMlines() {
        SessionDescription callerOffer = fixture("linphone-ipv6-offer.sdp");
        SessionDescription toCallee = calleeOffer(callerOffer, List.of(Codec.PCMU, Codec.OPUS));
        assertEquals(List.of("0", "96", "101"), toCallee.media().get(0).formats());
        // The callee renumbers opus and telephone-event, prefers opus, and sends ptime 40.
        SessionDescription calleeAnswer = sdp("v=0\no=callee 1 1 IN IP4 198.51.100.20\ns=-\n"
                + "c=IN IP4 198.51.100.20\nt=0 0\nm=audio 40000 RTP/AVP 111 0 100\n"
                + "a=rtpmap:111 opus/48000/2\na=fmtp:111 useinbandfec=1;stereo=0\n"
                + "a=rtpmap:100 telephone-event/8000\na=ptime:40\n");
        NegotiationResult.Success r = ok(B2bua.answerToCaller(callerOffer, toCallee, calleeAnswer, CALLER_LEG));
        SessionDescription answer = r.sdp();
        assertEquals(2, answer.media().size());
        MediaDescription audio = answer.media().get(0);
        assertEquals(List.of("96", "0", "101"), audio.formats(), "caller's order and numbers");
        assertEquals("useinbandfec=1;stereo=0", audio.fmtp(96).orElseThrow().parameters());
        assertEquals(40, audio.ptime().getAsInt());
        assertEquals(0, answer.media().get(1).port());
        assertEquals(Optional.of(Connection.of("203.0.113.5")), answer.connection());

        LegMedia caller = r.media().orElseThrow();
        assertEquals("2001:db8::43", caller.remoteAddress());
        assertEquals(7078, caller.remotePort());
        LegMedia callee = ok(OfferAnswer.acceptAnswer(toCallee, calleeAnswer)).media().orElseThrow();
        assertEquals(111, callee.payloadTypeFor(caller.primaryCodec()));
        assertEquals(96, caller.payloadTypeFor(callee.primaryCodec()));
        assertEquals(100, callee.payloadTypeFor(caller.telephoneEvent().orElseThrow()));
    }

    @Test
    void callerAnswer_calleeRejectedAudio_is488() {
        SessionDescription callerOffer = fixture("asterisk-offer.sdp");
        SessionDescription toCallee = calleeOffer(callerOffer, List.of());
        NegotiationResult.Failure f = failed(B2bua.answerToCaller(callerOffer, toCallee,
                sdp("v=0\no=- 1 1 IN IP4 198.51.100.20\ns=-\nt=0 0\nm=audio 0 RTP/AVP 0\n"), CALLER_LEG));
        assertEquals(488, f.statusCode());
        assertEquals("the audio stream was rejected (port 0)", f.reason());
    }

    @Test
    void holdAndResume_throughTheB2bua() {
        SessionDescription caller = fixture("asterisk-offer.sdp");
        SessionDescription firstToCallee = calleeOffer(caller, Codec.DEFAULT);

        SessionDescription holdReoffer = caller.toBuilder().origin(caller.origin().withNextVersion()).build()
                .withMedia(0, m -> m.toBuilder().direction(Direction.SENDONLY).build());
        SessionDescription holdToCallee = OfferAnswer.sequel(firstToCallee, calleeOffer(holdReoffer, Codec.DEFAULT));
        assertEquals(Direction.SENDONLY, holdToCallee.direction(holdToCallee.media().get(0)));
        assertEquals("2", holdToCallee.origin().sessionVersion());
        assertEquals("8000", holdToCallee.origin().sessionId());

        SessionDescription calleeAnswer = sdp("v=0\no=- 1 2 IN IP4 198.51.100.20\ns=-\nc=IN IP4 198.51.100.20\n"
                + "t=0 0\nm=audio 40000 RTP/AVP 0\na=recvonly\n");
        SessionDescription toCaller = ok(B2bua.answerToCaller(holdReoffer, holdToCallee, calleeAnswer, CALLER_LEG))
                .sdp();
        assertEquals(Direction.RECVONLY, toCaller.direction(toCaller.media().get(0)));

        SessionDescription resumeToCallee = OfferAnswer.sequel(holdToCallee, calleeOffer(caller, Codec.DEFAULT));
        assertEquals(Direction.SENDRECV, resumeToCallee.direction(resumeToCallee.media().get(0)));
        assertEquals("3", resumeToCallee.origin().sessionVersion());
    }

    @Test
    void rfc2543Hold_fromCaller_becomesSendonlyOnOurAddress() {
        SessionDescription oldHold = sdp("v=0\no=- 1 2 IN IP4 192.0.2.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\n"
                + "m=audio 4000 RTP/AVP 0\n");
        SessionDescription toCallee = calleeOffer(oldHold, Codec.DEFAULT);
        assertEquals(Optional.of(Connection.of("203.0.113.5")), toCallee.connection());
        assertEquals(Direction.SENDONLY, toCallee.direction(toCallee.media().get(0)));
    }

    @Test
    void srtpCaller_plainCallee_eachLegNegotiatesItsOwnSecurity() {
        LocalLeg srtpCallerLeg = new LocalLeg(CALLER_LEG.origin(), CALLER_LEG.anchor(),
                SrtpPolicy.optional(SrtpPolicy.DEFAULT_PROFILES, new SecureRandom()));
        SessionDescription callerOffer = fixture("freeswitch-srtp-offer.sdp");
        SessionDescription toCallee = calleeOffer(callerOffer, Codec.DEFAULT);
        assertEquals("RTP/AVP", toCallee.media().get(0).proto());
        assertTrue(toCallee.media().get(0).cryptos().isEmpty());
        assertEquals(List.of("0", "8", "101"), toCallee.media().get(0).formats());

        SessionDescription calleeAnswer = sdp("v=0\no=- 1 1 IN IP4 198.51.100.20\ns=-\nc=IN IP4 198.51.100.20\n"
                + "t=0 0\nm=audio 40000 RTP/AVP 8 101\na=rtpmap:101 telephone-event/8000\n");
        NegotiationResult.Success r = ok(B2bua.answerToCaller(callerOffer, toCallee, calleeAnswer, srtpCallerLeg));
        MediaDescription audio = r.sdp().media().get(0);
        assertEquals("RTP/SAVP", audio.proto());
        assertEquals(List.of("8", "101"), audio.formats());
        Crypto c = audio.cryptos().get(0);
        assertEquals("AES_CM_128_HMAC_SHA1_80", c.suite());
        assertTrue(r.media().orElseThrow().srtp().isPresent());
        assertTrue(ok(OfferAnswer.acceptAnswer(toCallee, calleeAnswer)).media().orElseThrow().srtp().isEmpty());
        assertEquals(new RtpMap(8, "PCMA", 8000, 1), r.media().orElseThrow().primaryCodec());
    }

    @Test
    void rewriter_anchorsAndStripsOrAddsCrypto() {
        SessionDescription fs = fixture("freeswitch-srtp-offer.sdp");
        SessionDescription anchored = SdpRewriter.anchor(fs, new MediaAnchor("2001:db8::5", 30000), 0);
        assertEquals("IN IP6 2001:db8::5", anchored.connection().orElseThrow().toString());
        assertEquals("IP6", anchored.origin().addrType());
        assertEquals(30000, anchored.media().get(0).port());
        assertTrue(anchored.media().get(0).rtcp().isEmpty());

        MediaDescription plain = SdpRewriter.withoutCrypto(fs.media().get(0));
        assertEquals("RTP/AVP", plain.proto());
        assertTrue(plain.cryptos().isEmpty());
        assertEquals("a=x-fs-custom:keep me", "a=" + plain.attributes().get(plain.attributes().size() - 1));

        Crypto crypto = fs.media().get(0).cryptos().get(1);
        MediaDescription secured = SdpRewriter.withCrypto(plain, List.of(crypto), true);
        assertEquals("RTP/SAVP", secured.proto());
        assertEquals(List.of(crypto), secured.cryptos());
    }
}
