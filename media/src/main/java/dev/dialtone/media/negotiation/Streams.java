package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.Attribute;
import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.Crypto;
import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.Fmtp;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.RtpMap;
import dev.dialtone.media.sdp.SessionDescription;
import dev.dialtone.media.srtp.SrtpMasterKey;
import dev.dialtone.media.srtp.SrtpProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Shared offer/answer steps of {@link OfferAnswer} and {@link B2bua}. */
final class Streams {
    private Streams() {
    }

    /** A format of an offer or answer as written there: rtpmap (static table if left out) and fmtp text. */
    record Format(RtpMap rtpMap, String fmtp) {
    }

    /** The SRTP outcome of one answered stream: the crypto line to answer with, and the keys, or none. */
    record SrtpChoice(Optional<Crypto> answerCrypto, Optional<SrtpKeys> keys) {
        static final SrtpChoice PLAIN = new SrtpChoice(Optional.empty(), Optional.empty());
    }

    static final class Rejection extends Exception {
        Rejection(String reason) {
            super(reason, null, false, false);
        }
    }

    static int firstAudio(SessionDescription sdp) {
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription m = sdp.media().get(i);
            if (!m.isRejected() && m.media().equalsIgnoreCase("audio") && m.isRtp()) {
                return i;
            }
        }
        return -1;
    }

    /** The known formats of an RTP m-line in its order; dynamic payload types without rtpmap are skipped. */
    static List<Format> formats(MediaDescription m) {
        List<Format> out = new ArrayList<>();
        for (int pt : m.payloadTypes()) {
            m.rtpMap(pt).ifPresent(map -> out.add(new Format(map, m.fmtp(pt).map(Fmtp::parameters).orElse(""))));
        }
        return out;
    }

    static boolean hasCodec(List<Format> formats) {
        return formats.stream().anyMatch(f -> !Codec.isTelephoneEvent(f.rtpMap()));
    }

    static String describe(List<Format> formats) {
        List<String> names = formats.stream().filter(f -> !Codec.isTelephoneEvent(f.rtpMap()))
                .map(f -> f.rtpMap().encodingName() + "/" + f.rtpMap().clockRate()).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /**
     * RFC 3264 8.4 and RFC 2543: the direction the offerer means. {@code c=0.0.0.0} says "do not send to me",
     * so it removes the receive half of whatever direction attribute is present.
     */
    static Direction effectiveDirection(SessionDescription sdp, MediaDescription m) {
        Direction d = sdp.direction(m);
        boolean holdAddress = sdp.connection(m).map(Connection::isHoldAddress).orElse(false);
        return holdAddress ? Direction.of(d.sends(), false) : d;
    }

    /** RFC 3264 6: a rejected stream is answered with port 0 and the offered formats, nothing else. */
    static MediaDescription rejected(MediaDescription m) {
        return MediaDescription.builder(m.media(), 0, m.proto()).formats(m.formats()).build();
    }

    /**
     * RFC 4568 7.1.1 for the answerer: take the first offered crypto line whose suite is allowed and whose key
     * and session params are understood, answer with the same tag and suite and a fresh key of Dialtone's.
     */
    static SrtpChoice chooseCrypto(MediaDescription offer, SrtpPolicy policy) throws Rejection {
        List<Crypto> offered = offer.cryptos();
        boolean savp = offer.isSecureRtp();
        if (offered.isEmpty()) {
            if (savp) {
                throw new Rejection("RTP/SAVP offered without a=crypto");
            }
            if (policy.mode() == SrtpPolicy.Mode.REQUIRED) {
                throw new Rejection("SRTP is required but the offer has no a=crypto");
            }
            return SrtpChoice.PLAIN;
        }
        if (policy.mode() == SrtpPolicy.Mode.DISABLED) {
            if (savp) {
                throw new Rejection("SRTP offered but not enabled for this endpoint");
            }
            return SrtpChoice.PLAIN;
        }
        List<String> suites = new ArrayList<>();
        for (Crypto c : offered) {
            suites.add(c.suite());
            Optional<SrtpProfile> profile = SrtpProfile.fromSuite(c.suite());
            // RFC 4568 6.3: session params we do not understand make the line unusable.
            if (profile.isEmpty() || !policy.profiles().contains(profile.get()) || !c.sessionParams().isEmpty()
                    || c.keyParams().size() != 1) {
                continue;
            }
            SrtpMasterKey remote;
            try {
                remote = SrtpMasterKey.fromSdes(profile.get(), c.keyParams().get(0));
            } catch (IllegalArgumentException e) {
                continue;
            }
            SrtpMasterKey local = SrtpMasterKey.generate(profile.get(), policy.random());
            Crypto answer = new Crypto(c.tag(), c.suite(), List.of(local.toInline()), List.of());
            return new SrtpChoice(Optional.of(answer), Optional.of(new SrtpKeys(profile.get(), local, remote)));
        }
        if (savp || policy.mode() == SrtpPolicy.Mode.REQUIRED) {
            throw new Rejection("no acceptable SRTP crypto suite (offered: " + String.join(", ", suites) + ")");
        }
        return SrtpChoice.PLAIN;
    }

    /** Fresh crypto lines for an offer, tags 1..n in the policy's preference order. */
    static List<Crypto> offerCryptos(SrtpPolicy policy) {
        List<Crypto> out = new ArrayList<>();
        if (policy.mode() == SrtpPolicy.Mode.DISABLED) {
            return out;
        }
        int tag = 1;
        for (SrtpProfile p : policy.profiles()) {
            SrtpMasterKey key = SrtpMasterKey.generate(p, policy.random());
            out.add(new Crypto(tag++, p.suiteName(), List.of(key.toInline()), List.of()));
        }
        return out;
    }

    /** The answer m-line: same media and proto as offered, Dialtone's port, the chosen formats in order. */
    static MediaDescription answerMedia(MediaDescription offer, MediaAnchor anchor, List<Format> formats,
                                        OptionalInt ptime, Direction direction, SrtpChoice srtp) {
        MediaDescription.Builder b = MediaDescription.builder(offer.media(), anchor.port(), offer.proto());
        for (Format f : formats) {
            b.addRtpFormat(f.rtpMap(), f.fmtp());
        }
        ptime.ifPresent(p -> b.addAttribute(Attribute.of("ptime", Integer.toString(p))));
        b.direction(direction);
        srtp.answerCrypto().ifPresent(c -> b.addAttribute(c.toAttribute()));
        return b.build();
    }

    static LegMedia legMedia(int index, SessionDescription peerSdp, MediaDescription peerMedia, Direction direction,
                             List<Format> formats, Optional<SrtpKeys> keys) {
        String address = peerSdp.connection(peerMedia).map(Connection::address).orElse("0.0.0.0");
        int slash = address.indexOf('/');
        if (slash > 0) {
            address = address.substring(0, slash);
        }
        int rtcpPort = peerMedia.rtcp().map(r -> r.port()).orElse(peerMedia.port() + 1);
        return new LegMedia(index, address, peerMedia.port(), rtcpPort, direction,
                formats.stream().map(Format::rtpMap).toList(), peerMedia.ptime(), keys);
    }
}
