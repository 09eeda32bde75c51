package dev.dialtone.media.rtp;

import java.util.Objects;

/**
 * The transforms of one leg: inbound ones run on packets the leg's far end sent before the relay
 * reads them, outbound ones on packets the relay sends to it, after their statistics are taken.
 */
public record LegTransforms(PacketTransform rtpInbound, PacketTransform rtpOutbound,
                            PacketTransform rtcpInbound, PacketTransform rtcpOutbound) {

    /** Plain RTP: every packet relayed untouched. */
    public static final LegTransforms IDENTITY = new LegTransforms(PacketTransform.IDENTITY,
            PacketTransform.IDENTITY, PacketTransform.IDENTITY, PacketTransform.IDENTITY);

    public LegTransforms {
        Objects.requireNonNull(rtpInbound, "rtpInbound");
        Objects.requireNonNull(rtpOutbound, "rtpOutbound");
        Objects.requireNonNull(rtcpInbound, "rtcpInbound");
        Objects.requireNonNull(rtcpOutbound, "rtcpOutbound");
    }
}
