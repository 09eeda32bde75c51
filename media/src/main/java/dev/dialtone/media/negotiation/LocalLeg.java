package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.Origin;

/**
 * What Dialtone puts in the SDP it sends on one leg: its origin for that leg (one session id per leg, version
 * bumped by {@link OfferAnswer#sequel}), the media anchor, and the leg's SRTP policy.
 */
public record LocalLeg(Origin origin, MediaAnchor anchor, SrtpPolicy srtp) {
    public LocalLeg {
        if (origin == null || anchor == null || srtp == null) {
            throw new IllegalArgumentException("origin, anchor and srtp policy are required");
        }
    }
}
