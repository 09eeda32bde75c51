package dev.dialtone.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Rewrites one RTP or RTCP packet in place on its way into or out of a leg: the hook for SRTP
 * (unprotect inbound, protect outbound). The packet is the buffer's readable bytes; a transform
 * may change them and move the writer index: an outbound transform has at least
 * {@link #OUTBOUND_ROOM} writable bytes for an SRTP authentication tag and MKI, an inbound one may
 * only shrink the packet. It runs on the leg's event loop and must not block.
 */
@FunctionalInterface
public interface PacketTransform {

    /** Writable bytes an outbound transform may append. */
    int OUTBOUND_ROOM = 64;

    /** Leaves the packet as it is. */
    PacketTransform IDENTITY = ByteBuf::readableBytes;

    /**
     * @return the packet's length after the transform, or a negative value to drop it (for
     *     instance an SRTP authentication failure); the relay releases a dropped buffer
     */
    int apply(ByteBuf packet);
}
