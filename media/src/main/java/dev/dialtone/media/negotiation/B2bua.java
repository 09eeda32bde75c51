package dev.dialtone.media.negotiation;

import dev.dialtone.media.negotiation.Streams.Format;
import dev.dialtone.media.negotiation.Streams.Rejection;
import dev.dialtone.media.negotiation.Streams.SrtpChoice;
import dev.dialtone.media.sdp.Attribute;
import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Offer/answer across the two legs of a bridged call, media anchored on Dialtone. The caller's offer is turned
 * into an offer to the callee ({@link #offerToCallee}); the callee's answer is turned back into the answer to the
 * caller ({@link #answerToCaller}). Both also serve a re-INVITE from either side: pass the re-offering side as
 * "caller". Payload type numbers of the caller are kept on both legs, so the relay forwards packets unchanged
 * unless the callee answered with other numbers (see {@link LegMedia#payloadTypeFor}).
 */
public final class B2bua {
    private B2bua() {
    }

    /**
     * The offer to send to the callee: the caller's first audio stream, restricted to the codecs of the
     * {@code <Sip codecs>} attribute that the caller offered, in the attribute's order (an empty list keeps the
     * caller's formats in the caller's order), with the caller's payload types and fmtp, telephone-event when the
     * caller offered it, the caller's ptime and direction ({@code c=0.0.0.0} hold becomes {@code a=sendonly}),
     * the callee leg's anchor and SRTP policy. Other streams are not offered. 488 when no codec is left.
     */
    public static NegotiationResult offerToCallee(SessionDescription callerOffer, List<Codec> codecs,
                                                  LocalLeg calleeLeg) {
        int index = Streams.firstAudio(callerOffer);
        if (index < 0) {
            return NegotiationResult.Failure.notAcceptable("no audio stream in the offer");
        }
        MediaDescription m = callerOffer.media().get(index);
        List<Format> offered = Streams.formats(m);
        List<Format> chosen = new ArrayList<>();
        if (codecs.isEmpty()) {
            offered.stream().filter(f -> !Codec.isTelephoneEvent(f.rtpMap())).forEach(chosen::add);
        } else {
            for (Codec c : codecs) {
                offered.stream().filter(f -> c.matches(f.rtpMap())).findFirst().ifPresent(chosen::add);
            }
        }
        if (chosen.isEmpty()) {
            return NegotiationResult.Failure.notAcceptable("no common codec (offered: " + Streams.describe(offered)
                    + "; allowed: " + String.join(", ", codecs.stream().map(Codec::name).toList()) + ")");
        }
        offered.stream().filter(f -> Codec.isTelephoneEvent(f.rtpMap())).forEach(chosen::add);

        boolean savp = calleeLeg.srtp().mode() == SrtpPolicy.Mode.REQUIRED;
        MediaDescription.Builder b = MediaDescription.builder("audio", calleeLeg.anchor().port(),
                savp ? "RTP/SAVP" : "RTP/AVP");
        for (Format f : chosen) {
            b.addRtpFormat(f.rtpMap(), f.fmtp());
        }
        b.addAttribute(Attribute.of("ptime", Integer.toString(m.ptime().orElse(OfferAnswer.DEFAULT_PTIME))));
        m.maxptime().ifPresent(p -> b.addAttribute(Attribute.of("maxptime", Integer.toString(p))));
        b.direction(Streams.effectiveDirection(callerOffer, m));
        Streams.offerCryptos(calleeLeg.srtp()).forEach(c -> b.addAttribute(c.toAttribute()));
        SessionDescription offer = SessionDescription.builder(calleeLeg.origin())
                .connection(Connection.of(calleeLeg.anchor().address())).addMedia(b.build()).build();
        return new NegotiationResult.Success(offer, Optional.empty());
    }

    /**
     * The answer to the caller once the callee answered. {@code calleeAnswer} is checked against
     * {@code offerSentToCallee} first (use {@link OfferAnswer#acceptAnswer} for the callee leg's stream). The
     * answer has the caller's m-line count (other streams port 0), the formats the callee accepted in the
     * caller's order with the caller's payload types and the callee's fmtp, the callee's ptime, the callee's
     * direction, and the caller leg's own anchor and SDES key. The success carries the caller leg's stream.
     */
    public static NegotiationResult answerToCaller(SessionDescription callerOffer,
                                                   SessionDescription offerSentToCallee,
                                                   SessionDescription calleeAnswer, LocalLeg callerLeg) {
        NegotiationResult callee = OfferAnswer.acceptAnswer(offerSentToCallee, calleeAnswer);
        if (!(callee instanceof NegotiationResult.Success calleeOk)) {
            return callee;
        }
        LegMedia calleeMedia = calleeOk.media().orElseThrow();
        MediaDescription answered = calleeAnswer.media().get(calleeMedia.mediaIndex());
        List<Format> answeredFormats = Streams.formats(answered);
        int index = Streams.firstAudio(callerOffer);
        if (index < 0) {
            return NegotiationResult.Failure.notAcceptable("no audio stream in the offer");
        }
        MediaDescription m = callerOffer.media().get(index);
        List<Format> chosen = new ArrayList<>();
        for (Format f : Streams.formats(m)) {
            answeredFormats.stream().filter(a -> a.rtpMap().sameEncoding(f.rtpMap())).findFirst()
                    .ifPresent(a -> chosen.add(new Format(f.rtpMap(), a.fmtp())));
        }
        if (!Streams.hasCodec(chosen)) {
            return NegotiationResult.Failure.notAcceptable("callee answered with none of the caller's codecs ("
                    + Streams.describe(answeredFormats) + ")");
        }
        SrtpChoice srtp;
        try {
            srtp = Streams.chooseCrypto(m, callerLeg.srtp());
        } catch (Rejection e) {
            return NegotiationResult.Failure.notAcceptable(e.getMessage());
        }
        Direction calleeSays = Streams.effectiveDirection(calleeAnswer, answered);
        Direction direction = calleeSays.intersect(Streams.effectiveDirection(callerOffer, m).reverse());
        List<MediaDescription> media = new ArrayList<>();
        for (int i = 0; i < callerOffer.media().size(); i++) {
            MediaDescription om = callerOffer.media().get(i);
            media.add(i == index
                    ? Streams.answerMedia(om, callerLeg.anchor(), chosen, answered.ptime(), direction, srtp)
                    : Streams.rejected(om));
        }
        SessionDescription answer = SessionDescription.builder(callerLeg.origin())
                .connection(Connection.of(callerLeg.anchor().address())).media(media).build();
        return new NegotiationResult.Success(answer,
                Optional.of(Streams.legMedia(index, callerOffer, m, direction, chosen, srtp.keys())));
    }
}
