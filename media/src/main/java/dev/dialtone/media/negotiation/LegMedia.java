package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.Direction;
import dev.dialtone.media.sdp.RtpMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The negotiated audio stream of one leg, what the relay needs: where the peer receives RTP and RTCP, the
 * direction seen from Dialtone ({@code sends()}: Dialtone may send to the peer; {@code receives()}: the peer
 * sends), the payload types of this leg in preference order (codecs, then telephone-event), and SRTP keys when
 * the leg is encrypted. {@code remoteAddress} is {@code 0.0.0.0} for an RFC 2543 hold, in which case the
 * direction never sends. {@code mediaIndex} is the m-line index in this leg's SDP.
 */
public record LegMedia(int mediaIndex, String remoteAddress, int remotePort, int remoteRtcpPort,
                       Direction direction, List<RtpMap> formats, OptionalInt ptime, Optional<SrtpKeys> srtp) {
    public LegMedia {
        formats = List.copyOf(formats);
    }

    /** The first codec (not telephone-event or CN): the one the peer prefers. */
    public RtpMap primaryCodec() {
        return formats.stream().filter(f -> !Codec.isTelephoneEvent(f) && !Codec.isComfortNoise(f)).findFirst()
                .orElseThrow();
    }

    public Optional<RtpMap> telephoneEvent() {
        return formats.stream().filter(Codec::isTelephoneEvent).findFirst();
    }

    /** The payload type of this leg that carries the same encoding as {@code other}, or -1. */
    public int payloadTypeFor(RtpMap other) {
        for (RtpMap f : formats) {
            if (f.sameEncoding(other) || (f.encodingName().equalsIgnoreCase("opus")
                    && other.encodingName().equalsIgnoreCase("opus"))) {
                return f.payloadType();
            }
        }
        return -1;
    }
}
