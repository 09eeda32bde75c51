package dev.dialtone.sip.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Decodes one SIP message per UDP datagram into a {@link SipFrame} carrying the sender and recipient. RFC 3261
 * 18.3: octets beyond Content-Length are discarded, fewer than Content-Length is an error, and without
 * Content-Length the body is the rest of the datagram. A datagram of only CR/LF is reported as a
 * {@link SipFrame.Ping}. Never throws: every fault is a {@link SipFrame.Invalid}.
 */
@Sharable
public final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

    private final SipDecoderConfig config;

    public SipDatagramDecoder() {
        this(SipDecoderConfig.DEFAULT);
    }

    public SipDatagramDecoder(SipDecoderConfig config) {
        super(DatagramPacket.class);
        this.config = config;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        ByteBuf content = packet.content();
        int n = content.readableBytes();
        if (n > config.maxMessageSize()) {
            out.add(new SipFrame.Invalid(new dev.dialtone.sip.message.SipParseException(config.maxMessageSize(),
                "Message too large"), null, false, packet.sender(), packet.recipient()));
            return;
        }
        if (n > 0 && isOnlyLineBreaks(content)) {
            out.add(new SipFrame.Ping(packet.sender(), packet.recipient()));
            return;
        }
        byte[] bytes = new byte[n];
        content.getBytes(content.readerIndex(), bytes);
        out.add(SipFrame.decode(bytes, n, true, config.validate(), packet.sender(), packet.recipient()));
    }

    private static boolean isOnlyLineBreaks(ByteBuf b) {
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            byte c = b.getByte(i);
            if (c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }
}
