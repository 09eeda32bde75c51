package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.SipMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link SipMessage}'s wire bytes (for a parsed, unmodified message: exactly the bytes received). For UDP
 * the transport wraps {@link #encode(ByteBufAllocator, SipMessage)} in a {@code DatagramPacket} itself.
 */
@Sharable
public final class SipEncoder extends MessageToByteEncoder<SipMessage> {

    public SipEncoder() {
        super(SipMessage.class);
    }

    /** A new buffer holding {@code message}'s wire form; the caller owns (and releases) it. */
    public static ByteBuf encode(ByteBufAllocator alloc, SipMessage message) {
        ByteBuf buf = alloc.ioBuffer(message.wireLength());
        buf.writeBytes(message.wire());
        return buf;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, SipMessage msg, boolean preferDirect) {
        return preferDirect ? ctx.alloc().ioBuffer(msg.wireLength()) : ctx.alloc().heapBuffer(msg.wireLength());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SipMessage msg, ByteBuf out) {
        out.writeBytes(msg.wire());
    }
}
