package dev.dialtone.media.negotiation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dialtone.media.sdp.Crypto;
import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.Origin;
import dev.dialtone.media.sdp.RtpMap;
import dev.dialtone.media.sdp.SdpParseException;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.media.srtp.SrtpMasterKey;
import dev.dialtone.media.srtp.SrtpProfile;
import dev.dialtone.media.srtp.SrtpTransformer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OfferAnswerTest {
    static final LocalLeg PLAIN_LEG = new LocalLeg(Origin.of("dialtone", "5000", "1", "203.0.113.5"),
            new MediaAnchor("203.0.113.5", 20000), SrtpPolicy.disabled());

    static LocalLeg srtpLeg(SrtpPolicy.Mode mode) {
        return new LocalLeg(Origin.of("dialtone", "5000", "1", "203.0.113.5"), new MediaAnchor("203.0.113.5", 20000),
                new SrtpPolicy(mode, SrtpPolicy.DEFAULT_PROFILES, new SecureRandom()));
    }

    static SessionDescription fixture(String name) {
        try (InputStream in = OfferAnswerTest.class.getResourceAsStream("/sdp/valid/" + name)) {
            return SessionDescription.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | SdpParseException e) {
            throw new AssertionError(e);
        }
    }

    static SessionDescription sdp(String lfText) {
        try {
            return SessionDescription.parse(lfText);
        } catch (SdpParseException e) {
            throw new AssertionError(e);
        }
    }

    static NegotiationResult.Success ok(NegotiationResult r) {
        return assertInstanceOf(NegotiationResult.Success.class, r, () -> r.toString());
    }

    static NegotiationResult.Failure failed(NegotiationResult r) {
        return assertInstanceOf(NegotiationResult.Failure.class, r, () -> r.toString());
    }

    @Test
    void offer_allSipCodecsInAttributeOrder_plusTelephoneEvent() {
        SessionDescription offer = OfferAnswer.createOffer(PLAIN_LEG, Codec.parseList("PCMU,PCMA,G722,G729,OPUS"));
        assertEquals("v=0\r\n"
                + "o=dialtone 5000 1 IN IP4 203.0.113.5\r\n"
                + "s=-\r\n"
                + "c=IN IP4 203.0.113.5\r\n"
                + "t=0 0\r\n"
                + "m=audio 20000 RTP/AVP 0 8 9 18 96 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:9 G722/8000\r\n"
                + "a=rtpmap:18 G729/8000\r\n"
                + "a=rtpmap:96 opus/48000/2\r\n"
                + "a=fmtp:96 useinbandfec=1\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n", offer.toString());
    }

    @Test
    void offer_opusFirst_andDefaultCodecs() {
        MediaDescription m = OfferAnswer.createOffer(PLAIN_LEG, Codec.parseList("opus, pcma")).media().get(0);
        assertEquals(List.of("96", "8", "101"), m.formats());
        assertEquals(List.of("0", "8", "101"), OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT).media().get(0)
                .formats());
    }

    @Test
    void offer_srtpRequired_isSavpWithOneUsableCryptoPerCipher() {
        MediaDescription m = OfferAnswer.createOffer(srtpLeg(SrtpPolicy.Mode.REQUIRED), Codec.DEFAULT).media().get(0);
        assertEquals("RTP/SAVP", m.proto());
        List<Crypto> cryptos = m.cryptos();
        assertEquals(List.of("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80",
                "AES_256_CM_HMAC_SHA1_32", "AEAD_AES_256_GCM_8"), cryptos.stream().map(Crypto::suite).toList());
        assertEquals(List.of(1, 2, 3, 4, 5), cryptos.stream().map(Crypto::tag).toList());
        for (Crypto c : cryptos) {
            SrtpMasterKey.fromSdes(SrtpProfile.fromSuite(c.suite()).orElseThrow(), c.keyParams().get(0));
        }
        assertEquals("RTP/AVP", OfferAnswer.createOffer(srtpLeg(SrtpPolicy.Mode.OPTIONAL), Codec.DEFAULT).media()
                .get(0).proto());
    }

    @Test
    void unknownCodecName_isReported() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Codec.parseList("PCMU,AMR"));
        assertEquals("unknown codec 'AMR' (known: PCMU, PCMA, G722, G729, OPUS)", e.getMessage());
    }

    @Test
    void answerAsteriskOffer_commonCodecsInOfferersOrder() {
        SessionDescription offer = fixture("asterisk-offer.sdp");
        NegotiationResult.Success r = ok(OfferAnswer.answer(offer, PLAIN_LEG, List.of(Codec.PCMA, Codec.PCMU)));
        assertEquals("v=0\r\n"
                + "o=dialtone 5000 1 IN IP4 203.0.113.5\r\n"
                + "s=-\r\n"
                + "c=IN IP4 203.0.113.5\r\n"
                + "t=0 0\r\n"
                + "m=audio 20000 RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n", r.sdp().toString());
        LegMedia media = r.media().orElseThrow();
        assertEquals("192.0.2.10", media.remoteAddress());
        assertEquals(16650, media.remotePort());
        assertEquals(16651, media.remoteRtcpPort());
        assertEquals(Direction.SENDRECV, media.direction());
        assertEquals(new RtpMap(0, "PCMU", 8000, 1), media.primaryCodec());
        assertEquals(101, media.telephoneEvent().orElseThrow().payloadType());
        assertEquals(OptionalInt.of(20), media.ptime());
    }

    @Test
    void answer_staticPayloadTypesWithoutRtpmap_andOfferersDynamicNumbers() {
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=audio 4000 RTP/AVP 111 8 0 110\na=rtpmap:111 OPUS/48000/2\na=fmtp:111 minptime=10\n"
                + "a=rtpmap:110 telephone-event/48000\n");
        NegotiationResult.Success r = ok(OfferAnswer.answer(offer, PLAIN_LEG,
                List.of(Codec.PCMU, Codec.PCMA, Codec.OPUS)));
        MediaDescription m = r.sdp().media().get(0);
        assertEquals(List.of("111", "8", "0", "110"), m.formats());
        assertEquals("minptime=10", m.fmtp(111).orElseThrow().parameters());
        assertEquals(new RtpMap(8, "PCMA", 8000, 1), m.rtpMaps().get(1));
    }

    @Test
    void noCommonCodec_is488WithReason() {
        NegotiationResult.Failure f = failed(OfferAnswer.answer(fixture("asterisk-offer.sdp"), PLAIN_LEG,
                List.of(Codec.OPUS)));
        assertEquals(488, f.statusCode());
        assertEquals("no common codec (offered: PCMU/8000, PCMA/8000, G722/8000, G729/8000; allowed: OPUS)",
                f.reason());
    }

    @Test
    void onlyTelephoneEventInCommon_isNoCommonCodec() {
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=audio 4000 RTP/AVP 3 101\na=rtpmap:101 telephone-event/8000\n");
        assertEquals(488, failed(OfferAnswer.answer(offer, PLAIN_LEG, Codec.DEFAULT)).statusCode());
    }

    @Test
    void linphoneIpv6Offer_videoRejectedWithSameMlineCount() {
        NegotiationResult.Success r = ok(OfferAnswer.answer(fixture("linphone-ipv6-offer.sdp"), PLAIN_LEG,
                List.of(Codec.OPUS, Codec.PCMU)));
        assertEquals(2, r.sdp().media().size());
        assertEquals(List.of("96", "0", "101"), r.sdp().media().get(0).formats());
        MediaDescription video = r.sdp().media().get(1);
        assertEquals("video", video.media());
        assertEquals(0, video.port());
        assertEquals("2001:db8::43", r.media().orElseThrow().remoteAddress());
    }

    @Test
    void rejectedOfferedStream_staysRejected_nextAudioIsUsed() {
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=audio 0 RTP/AVP 0\nm=image 5000 udptl t38\nm=audio 4002 RTP/AVP 8\n");
        NegotiationResult.Success r = ok(OfferAnswer.answer(offer, PLAIN_LEG, Codec.DEFAULT));
        assertEquals(List.of(0, 0, 20000), r.sdp().media().stream().map(MediaDescription::port).toList());
        assertEquals("m=image 0 udptl t38\r\n", r.sdp().media().get(1).toString());
        assertEquals(2, r.media().orElseThrow().mediaIndex());
    }

    private static SessionDescription withDirection(String direction, String address) {
        return sdp("v=0\no=- 1 2 IN IP4 192.0.2.1\ns=-\nc=IN IP4 " + address + "\nt=0 0\n"
                + "m=audio 4000 RTP/AVP 0\n" + (direction.isEmpty() ? "" : "a=" + direction + "\n"));
    }

    @Test
    void hold_sendonlyAnsweredRecvonly_inactiveAnsweredInactive_rfc2543HoldRecognised() {
        assertEquals(Direction.RECVONLY, answerDirection(withDirection("sendonly", "192.0.2.1")));
        assertEquals(Direction.INACTIVE, answerDirection(withDirection("inactive", "192.0.2.1")));
        assertEquals(Direction.SENDONLY, answerDirection(withDirection("recvonly", "192.0.2.1")));
        assertEquals(Direction.SENDRECV, answerDirection(withDirection("", "192.0.2.1")));
        SessionDescription oldHold = withDirection("", "0.0.0.0");
        assertTrue(OfferAnswer.isHold(oldHold, oldHold.media().get(0)));
        assertEquals(Direction.RECVONLY, answerDirection(oldHold));
        assertFalse(ok(OfferAnswer.answer(oldHold, PLAIN_LEG, Codec.DEFAULT)).media().orElseThrow().direction()
                .sends(), "never send to 0.0.0.0");
    }

    @Test
    void sessionLevelDirection_applies() {
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "a=sendonly\nm=audio 4000 RTP/AVP 0\n");
        assertEquals(Direction.RECVONLY, answerDirection(offer));
    }

    private static Direction answerDirection(SessionDescription offer) {
        SessionDescription answer = ok(OfferAnswer.answer(offer, PLAIN_LEG, Codec.DEFAULT)).sdp();
        return answer.direction(answer.media().get(0));
    }

    @Test
    void sequel_keepsVersionWhenUnchanged_bumpsByOneWhenChanged() {
        SessionDescription first = OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT);
        SessionDescription same = OfferAnswer.sequel(first, OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT));
        assertEquals("1", same.origin().sessionVersion());
        assertEquals(first.toString(), same.toString());
        SessionDescription held = OfferAnswer.sequel(first,
                OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT, Direction.SENDONLY));
        assertEquals("5000", held.origin().sessionId());
        assertEquals("2", held.origin().sessionVersion());
        SessionDescription resumed = OfferAnswer.sequel(held, OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT));
        assertEquals("3", resumed.origin().sessionVersion());
    }

    @Test
    void srtpOffer_answeredWithFirstUsableSuite_andKeysInteroperate() {
        SessionDescription offer = fixture("freeswitch-srtp-offer.sdp");
        NegotiationResult.Success r = ok(OfferAnswer.answer(offer, srtpLeg(SrtpPolicy.Mode.OPTIONAL),
                List.of(Codec.PCMU)));
        MediaDescription m = r.sdp().media().get(0);
        assertEquals("RTP/SAVP", m.proto());
        assertEquals(List.of("0", "101"), m.formats());
        Crypto answered = m.cryptos().get(0);
        assertEquals(1, answered.tag());
        assertEquals("AES_CM_128_HMAC_SHA1_80", answered.suite());
        SrtpKeys keys = r.media().orElseThrow().srtp().orElseThrow();

        // The FreeSWITCH side protects with the key of its own offer; Dialtone unprotects with remoteKey.
        SrtpMasterKey freeswitchKey = SrtpMasterKey.fromSdes(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                offer.media().get(0).cryptos().get(0).keyParams().get(0));
        byte[] rtp = new byte[12 + 160 + 32 + 10];
        rtp[0] = (byte) 0x80;
        rtp[3] = 1;
        Arrays.fill(rtp, 12, 172, (byte) 0x7F);
        int len = SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, freeswitchKey).protect(rtp, 0, 172);
        assertEquals(172, keys.newUnprotector().unprotect(rtp, 0, len));
        // And what Dialtone protects, FreeSWITCH decrypts with the key in Dialtone's answer.
        byte[] back = Arrays.copyOf(rtp, rtp.length);
        int backLen = keys.newProtector().protect(back, 0, 172);
        SrtpMasterKey answerKey = SrtpMasterKey.fromSdes(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                answered.keyParams().get(0));
        assertEquals(172, SrtpTransformer.create(SrtpProfile.AES_CM_128_HMAC_SHA1_80, answerKey)
                .unprotect(back, 0, backLen));
        assertArrayEquals(Arrays.copyOf(rtp, 172), Arrays.copyOf(back, 172));
    }

    @Test
    void gcmOnlyOffer_isAnsweredWithGcmKeysThatInteroperate() {
        SrtpMasterKey offerKey = SrtpMasterKey.generate(SrtpProfile.AEAD_AES_256_GCM_8, new SecureRandom());
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=audio 4000 RTP/SAVP 8\na=crypto:7 AEAD_AES_256_GCM_8 " + offerKey.toInline() + "\n");
        NegotiationResult.Success r = ok(OfferAnswer.answer(offer, srtpLeg(SrtpPolicy.Mode.REQUIRED), Codec.DEFAULT));
        Crypto answered = r.sdp().media().get(0).cryptos().get(0);
        assertEquals(7, answered.tag());
        assertEquals(44, java.util.Base64.getDecoder().decode(answered.inlineKey()).length);
        byte[] rtp = new byte[12 + 20 + 8];
        rtp[0] = (byte) 0x80;
        int len = SrtpTransformer.create(SrtpProfile.AEAD_AES_256_GCM_8, offerKey).protect(rtp, 0, 32);
        assertEquals(32, r.media().orElseThrow().srtp().orElseThrow().newUnprotector().unprotect(rtp, 0, len));
    }

    @Test
    void srtpOffer_toPlainOnlyEndpoint_is488() {
        NegotiationResult.Failure f = failed(OfferAnswer.answer(fixture("freeswitch-srtp-offer.sdp"), PLAIN_LEG,
                Codec.DEFAULT));
        assertEquals("SRTP offered but not enabled for this endpoint", f.reason());
    }

    @Test
    void plainOffer_toSrtpRequiredEndpoint_is488() {
        NegotiationResult.Failure f = failed(OfferAnswer.answer(fixture("asterisk-offer.sdp"),
                srtpLeg(SrtpPolicy.Mode.REQUIRED), Codec.DEFAULT));
        assertEquals("SRTP is required but the offer has no a=crypto", f.reason());
    }

    @Test
    void srtpOffer_withOnlyUnsupportedSuites_is488NamingThem() {
        SessionDescription offer = sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=audio 4000 RTP/SAVP 0\na=crypto:1 F8_128_HMAC_SHA1_80 inline:"
                + "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n");
        assertEquals("no acceptable SRTP crypto suite (offered: F8_128_HMAC_SHA1_80)",
                failed(OfferAnswer.answer(offer, srtpLeg(SrtpPolicy.Mode.OPTIONAL), Codec.DEFAULT)).reason());
    }

    @Test
    void acceptAnswer_extractsCalleeStreamAndKeys() {
        LocalLeg leg = srtpLeg(SrtpPolicy.Mode.REQUIRED);
        SessionDescription offer = OfferAnswer.createOffer(leg, Codec.DEFAULT);
        NegotiationResult.Success answered = ok(OfferAnswer.answer(offer,
                new LocalLeg(Origin.of("-", "9", "9", "198.51.100.9"), new MediaAnchor("198.51.100.9", 30000),
                        srtpLeg(SrtpPolicy.Mode.REQUIRED).srtp()), List.of(Codec.PCMA)));
        NegotiationResult.Success r = ok(OfferAnswer.acceptAnswer(offer, answered.sdp()));
        LegMedia media = r.media().orElseThrow();
        assertEquals("198.51.100.9", media.remoteAddress());
        assertEquals(30000, media.remotePort());
        assertEquals(List.of(8, 101), media.formats().stream().map(RtpMap::payloadType).toList());
        SrtpKeys ours = media.srtp().orElseThrow();
        SrtpKeys theirs = answered.media().orElseThrow().srtp().orElseThrow();
        assertEquals(ours.localKey().toInline(), theirs.remoteKey().toInline());
        assertEquals(ours.remoteKey().toInline(), theirs.localKey().toInline());
    }

    @Test
    void acceptAnswer_failures() {
        SessionDescription offer = OfferAnswer.createOffer(PLAIN_LEG, Codec.DEFAULT);
        assertEquals("the audio stream was rejected (port 0)", failed(OfferAnswer.acceptAnswer(offer,
                sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 0 RTP/AVP 0\n"))).reason());
        assertEquals("answer has 2 m-lines, the offer had 1", failed(OfferAnswer.acceptAnswer(offer,
                sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4 RTP/AVP 0\n"
                        + "m=video 0 RTP/AVP 96\n"))).reason());
        assertEquals("the answer has none of the offered codecs (answered: G729/8000)",
                failed(OfferAnswer.acceptAnswer(offer, sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n"
                        + "c=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 18\n"))).reason());
        SessionDescription savp = OfferAnswer.createOffer(srtpLeg(SrtpPolicy.Mode.REQUIRED), Codec.DEFAULT);
        assertEquals("SRTP was offered but the answer has no a=crypto", failed(OfferAnswer.acceptAnswer(savp,
                sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                        + "m=audio 4000 RTP/SAVP 0\n"))).reason());
    }
}
