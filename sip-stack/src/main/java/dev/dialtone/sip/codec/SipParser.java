package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import io.netty.buffer.ByteBuf;

/**
 * Parses one complete SIP message from bytes, with the datagram rules of RFC 3261 18.3: a body longer than
 * Content-Length is cut to it (the rest discarded), a shorter one is an error, no Content-Length means the body
 * is the rest. Any input either yields a message or raises {@link SipParseException}; nothing else escapes.
 */
public final class SipParser {

    private SipParser() {
    }

    /** Parses {@code bytes}; the message copies them, so the array may be reused afterwards. */
    public static SipMessage parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    public static SipMessage parse(byte[] bytes, int offset, int length) {
        byte[] owned = new byte[length];
        System.arraycopy(bytes, offset, owned, 0, length);
        return SipMessage.parse(owned, length, true);
    }

    /** Parses the readable bytes of {@code buf} without consuming them. */
    public static SipMessage parse(ByteBuf buf) {
        byte[] owned = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), owned);
        return SipMessage.parse(owned, owned.length, true);
    }
}
