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

    /** The leg latched to the source its far end really sends from (first packet or re-latch). */
    default void onLatched(MediaLeg leg, InetSocketAddress source) {
    }
}
