package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.SessionDescription;
import java.util.Optional;

/** The outcome of an offer/answer step: an SDP to send (and the negotiated stream), or why not. */
public sealed interface NegotiationResult {

    /**
     * {@code sdp} is the SDP to send (an offer or an answer); {@code media} is the negotiated audio stream of the
     * leg the SDP is for, absent for an offer that has not been answered yet.
     */
    record Success(SessionDescription sdp, Optional<LegMedia> media) implements NegotiationResult {
    }

    /**
     * {@code statusCode} is the SIP response the engine sends: 488 (Not Acceptable Here, RFC 3261 21.4.26) when
     * nothing acceptable is in the offer, with {@code reason} for the reason phrase or a Warning header.
     * For a failed answer to one of Dialtone's own offers the code says what to report when ending that leg.
     */
    record Failure(int statusCode, String reason) implements NegotiationResult {
        static Failure notAcceptable(String reason) {
            return new Failure(488, reason);
        }
    }
}
