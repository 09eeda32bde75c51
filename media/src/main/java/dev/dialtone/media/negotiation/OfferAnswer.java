package dev.dialtone.media.negotiation;

import dev.dialtone.media.negotiation.Streams.Format;
import dev.dialtone.media.negotiation.Streams.Rejection;
import dev.dialtone.media.negotiation.Streams.SrtpChoice;
import dev.dialtone.media.sdp.Attribute;
import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.Crypto;
import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.RtpMap;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.media.srtp.SrtpMasterKey;
import dev.dialtone.media.srtp.SrtpProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 3264 offer/answer as pure functions. Dialtone relays one audio stream per leg and never transcodes, so a
 * negotiation either finds formats both sides have or fails with 488.
 */
public final class OfferAnswer {
    static final int DEFAULT_PTIME = 20;

    private OfferAnswer() {
    }

    /**
     * The initial offer to a dialed leg: one audio m-line with {@code codecs} in their order (static payload types
     * where they exist, dynamic from 96 otherwise), then telephone-event/8000 (fmtp 0-16), {@code a=ptime:20},
     * {@code a=sendrecv}, and per the leg's SRTP policy {@code a=crypto} lines (RTP/SAVP when required).
     */
    public static SessionDescription createOffer(LocalLeg leg, List<Codec> codecs) {
        return createOffer(leg, codecs, Direction.SENDRECV);
    }

    public static SessionDescription createOffer(LocalLeg leg, List<Codec> codecs, Direction direction) {
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("an offer needs at least one codec");
        }
        boolean savp = leg.srtp().mode() == SrtpPolicy.Mode.REQUIRED;
        MediaDescription.Builder m = MediaDescription.builder("audio", leg.anchor().port(),
                savp ? "RTP/SAVP" : "RTP/AVP");
        Set<Integer> used = new HashSet<>();
        codecs.stream().filter(c -> c.staticPayloadType() >= 0).forEach(c -> used.add(c.staticPayloadType()));
        int nextDynamic = 96;
        List<Codec> all = new ArrayList<>(codecs);
        all.add(Codec.TELEPHONE_EVENT);
        for (Codec c : all) {
            int pt = c.staticPayloadType();
            if (pt < 0) {
                // 101 is what most agents use for telephone-event, so keep it free for it.
                if (c == Codec.TELEPHONE_EVENT && !used.contains(101)) {
                    pt = 101;
                } else {
                    while (used.contains(nextDynamic) || nextDynamic == 101) {
                        nextDynamic++;
                    }
                    pt = nextDynamic;
                }
                used.add(pt);
            }
            m.addRtpFormat(c.rtpMap(pt), c.fmtp());
        }
        m.addAttribute(Attribute.of("ptime", Integer.toString(DEFAULT_PTIME)));
        m.direction(direction);
        Streams.offerCryptos(leg.srtp()).forEach(c -> m.addAttribute(c.toAttribute()));
        return SessionDescription.builder(leg.origin()).connection(Connection.of(leg.anchor().address()))
                .addMedia(m.build()).build();
    }

    /**
     * Answers an offer Dialtone terminates itself. The first usable audio stream is accepted with the formats of
     * the offer that {@code allowed} also has (empty list: every known format of the offer), in the offerer's
     * order and with the offerer's payload type numbers (RFC 3264 6.1); telephone-event is kept when offered.
     * Every other m-line is answered with port 0, so the answer has as many m-lines as the offer.
     * The direction is the offer's reversed (sendonly → recvonly, inactive → inactive; {@code c=0.0.0.0} counts
     * as "do not send to me"), intersected with {@code localDirection}.
     */
    public static NegotiationResult answer(SessionDescription offer, LocalLeg leg, List<Codec> allowed,
                                           Direction localDirection) {
        List<MediaDescription> answerMedia = new ArrayList<>();
        LegMedia accepted = null;
        String reason = "no audio stream in the offer";
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media().get(i);
            if (accepted != null || m.isRejected() || !m.media().equalsIgnoreCase("audio") || !m.isRtp()) {
                answerMedia.add(Streams.rejected(m));
                continue;
            }
            List<Format> offered = Streams.formats(m);
            List<Format> chosen = allowed(offered, allowed);
            if (!Streams.hasCodec(chosen)) {
                reason = "no common codec (offered: " + Streams.describe(offered) + "; allowed: "
                        + (allowed.isEmpty() ? "any" : String.join(", ", allowed.stream().map(Codec::name).toList()))
                        + ")";
                answerMedia.add(Streams.rejected(m));
                continue;
            }
            SrtpChoice srtp;
            try {
                srtp = Streams.chooseCrypto(m, leg.srtp());
            } catch (Rejection e) {
                reason = e.getMessage();
                answerMedia.add(Streams.rejected(m));
                continue;
            }
            Direction direction = Streams.effectiveDirection(offer, m).reverse().intersect(localDirection);
            answerMedia.add(Streams.answerMedia(m, leg.anchor(), chosen, m.ptime(), direction, srtp));
            accepted = Streams.legMedia(i, offer, m, direction, chosen, srtp.keys());
        }
        if (accepted == null) {
            return NegotiationResult.Failure.notAcceptable(reason);
        }
        SessionDescription answer = SessionDescription.builder(leg.origin())
                .connection(Connection.of(leg.anchor().address())).media(answerMedia).build();
        return new NegotiationResult.Success(answer, Optional.of(accepted));
    }

    /** {@link #answer(SessionDescription, LocalLeg, List, Direction)} with Dialtone willing to send and receive. */
    public static NegotiationResult answer(SessionDescription offer, LocalLeg leg, List<Codec> allowed) {
        return answer(offer, leg, allowed, Direction.SENDRECV);
    }

    /**
     * Checks the answer to an offer Dialtone sent and extracts the negotiated stream of that leg. Fails when the
     * answer breaks RFC 3264 6 (different m-line count, formats that were not offered), rejects the audio stream,
     * or drops SRTP that the offer required. {@code sdp} of the success is the answer itself.
     */
    public static NegotiationResult acceptAnswer(SessionDescription sentOffer, SessionDescription answer) {
        if (answer.media().size() != sentOffer.media().size()) {
            return NegotiationResult.Failure.notAcceptable("answer has " + answer.media().size()
                    + " m-lines, the offer had " + sentOffer.media().size());
        }
        int index = Streams.firstAudio(sentOffer);
        if (index < 0) {
            return NegotiationResult.Failure.notAcceptable("the offer had no active audio stream");
        }
        MediaDescription offered = sentOffer.media().get(index);
        MediaDescription answered = answer.media().get(index);
        if (answered.isRejected()) {
            return NegotiationResult.Failure.notAcceptable("the audio stream was rejected (port 0)");
        }
        List<Format> offeredFormats = Streams.formats(offered);
        List<Format> formats = new ArrayList<>();
        for (Format f : Streams.formats(answered)) {
            if (offeredFormats.stream().anyMatch(o -> o.rtpMap().sameEncoding(f.rtpMap()))) {
                formats.add(f);
            }
        }
        if (!Streams.hasCodec(formats)) {
            return NegotiationResult.Failure.notAcceptable("the answer has none of the offered codecs (answered: "
                    + Streams.describe(Streams.formats(answered)) + ")");
        }
        Optional<SrtpKeys> keys;
        try {
            keys = answeredKeys(offered, answered);
        } catch (Rejection e) {
            return NegotiationResult.Failure.notAcceptable(e.getMessage());
        }
        Direction direction = Streams.effectiveDirection(answer, answered).reverse()
                .intersect(sentOffer.direction(offered));
        return new NegotiationResult.Success(answer,
                Optional.of(Streams.legMedia(index, answer, answered, direction, formats, keys)));
    }

    private static Optional<SrtpKeys> answeredKeys(MediaDescription offered, MediaDescription answered)
            throws Rejection {
        List<Crypto> ours = offered.cryptos();
        List<Crypto> theirs = answered.cryptos();
        if (ours.isEmpty()) {
            return Optional.empty();
        }
        if (theirs.isEmpty()) {
            if (offered.isSecureRtp()) {
                throw new Rejection("SRTP was offered but the answer has no a=crypto");
            }
            return Optional.empty();
        }
        Crypto answer = theirs.get(0);
        Crypto mine = ours.stream().filter(c -> c.tag() == answer.tag() && c.suite().equals(answer.suite()))
                .findFirst().orElseThrow(() -> new Rejection("answer a=crypto tag " + answer.tag() + " ("
                        + answer.suite() + ") matches no offered crypto"));
        SrtpProfile profile = SrtpProfile.fromSuite(mine.suite()).orElseThrow();
        try {
            return Optional.of(new SrtpKeys(profile, SrtpMasterKey.fromSdes(profile, mine.keyParams().get(0)),
                    SrtpMasterKey.fromSdes(profile, answer.keyParams().get(0))));
        } catch (IllegalArgumentException e) {
            throw new Rejection("answer a=crypto: " + e.getMessage());
        }
    }

    /**
     * The direction an offer or answer means for one m-line: the attribute (media, else session, else sendrecv),
     * with {@code c=0.0.0.0} (RFC 2543 hold, RFC 3264 8.4) removing the receive half.
     */
    public static Direction effectiveDirection(SessionDescription sdp, MediaDescription m) {
        return Streams.effectiveDirection(sdp, m);
    }

    /** True when the peer put the stream on hold: it no longer wants to receive media. */
    public static boolean isHold(SessionDescription sdp, MediaDescription m) {
        return !effectiveDirection(sdp, m).receives();
    }

    /**
     * The next SDP of a leg, RFC 3264 8: same origin username, session id and address as the previous SDP sent on
     * this leg, and the version incremented by one only if anything else changed.
     */
    public static SessionDescription sequel(SessionDescription previous, SessionDescription next) {
        SessionDescription sameOrigin = next.toBuilder().origin(previous.origin()).build();
        if (sameOrigin.sameContentAs(previous)) {
            return sameOrigin;
        }
        return next.toBuilder().origin(previous.origin().withNextVersion()).build();
    }

    private static List<Format> allowed(List<Format> offered, List<Codec> allowed) {
        List<Format> out = new ArrayList<>();
        for (Format f : offered) {
            RtpMap map = f.rtpMap();
            if (Codec.isTelephoneEvent(map) || allowed.isEmpty() || allowed.stream().anyMatch(c -> c.matches(map))) {
                out.add(f);
            }
        }
        return out;
    }
}
