package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.Connection;
import dev.dialtone.media.sdp.Crypto;
import dev.dialtone.media.sdp.MediaDescription;
import dev.dialtone.media.sdp.RtcpAttribute;
import dev.dialtone.media.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/** Rewrites Dialtone applies to SDP it relays: anchoring media on its own ports and adding or removing SDES. */
public final class SdpRewriter {
    private SdpRewriter() {
    }

    /**
     * Points a session at Dialtone: origin address and session {@code c=} become the anchor address, media-level
     * {@code c=} is dropped, the m-line at {@code mediaIndex} gets the anchor port (rejected m-lines keep port 0)
     * and {@code a=rtcp} is removed, since the relay takes RTCP on port + 1 (RFC 3605: the default).
     */
    public static SessionDescription anchor(SessionDescription sdp, MediaAnchor anchor, int mediaIndex) {
        List<MediaDescription> media = new ArrayList<>(sdp.media());
        MediaDescription m = media.get(mediaIndex);
        media.set(mediaIndex, m.toBuilder().port(m.isRejected() ? 0 : anchor.port()).connection(null)
                .removeAttributes(RtcpAttribute.NAME).build());
        return sdp.toBuilder().origin(sdp.origin().withAddress(anchor.address()))
                .connection(Connection.of(anchor.address())).media(media).build();
    }

    /**
     * Replaces the {@code a=crypto} lines of a media section. With {@code savp} the profile becomes RTP/SAVP
     * (AVPF → SAVPF); without, the profile is left as it is (best-effort SRTP on RTP/AVP).
     */
    public static MediaDescription withCrypto(MediaDescription m, List<Crypto> cryptos, boolean savp) {
        MediaDescription.Builder b = m.toBuilder().removeAttributes(Crypto.NAME);
        cryptos.forEach(c -> b.addAttribute(c.toAttribute()));
        if (savp) {
            b.proto(m.proto().replace("RTP/AVP", "RTP/SAVP"));
        }
        return b.build();
    }

    /** Removes every {@code a=crypto} and turns RTP/SAVP[F] into RTP/AVP[F]. */
    public static MediaDescription withoutCrypto(MediaDescription m) {
        return m.toBuilder().removeAttributes(Crypto.NAME).proto(m.proto().replace("RTP/SAVP", "RTP/AVP")).build();
    }
}
