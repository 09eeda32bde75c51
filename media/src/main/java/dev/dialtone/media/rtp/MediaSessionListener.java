package dev.dialtone.media.rtp;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Events of one media session. Called on the session's event loop: return quickly, never block
 * (calling {@link MediaSession#close()} from here is allowed and does not wait).
 */
public interface MediaSessionListener {

    /** The leg's far end sent no RTP for the configured media timeout: the engine may hang up. */
    void onMediaTimeout(MediaLeg leg, Duration silence);

    /**
     * The leg's far end started a DTMF event (RFC 4733 telephone-event; 0-9 are the digits, 10 is {@code *},
     * 11 is {@code #}). Called once per event, on its first packet, whatever the event's duration.
     */
    default void onDtmf(MediaLeg leg, int event) {
    }

    /** The leg latched to the source its far end really sends from (first packet or re-latch). */
    default void onLatched(MediaLeg leg, InetSocketAddress source) {
    }
}
