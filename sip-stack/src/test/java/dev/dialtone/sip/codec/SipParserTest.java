package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SipParserTest {

    @Test
    void parsesAByteBufWithoutConsumingIt() {
        byte[] b = Fixtures.bytes("valid/prack-rack.sip");
        ByteBuf buf = Unpooled.directBuffer(b.length + 10);
        buf.writeBytes(new byte[10]).skipBytes(10).writeBytes(b);
        try {
            SipMessage m = SipParser.parse(buf);
            assertArrayEquals(b, m.toBytes());
            assertEquals(10, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void parsesASliceAndOwnsACopy() {
        byte[] b = Fixtures.bytes("valid/register-star.sip");
        byte[] padded = new byte[b.length + 4];
        System.arraycopy(b, 0, padded, 2, b.length);
        SipMessage m = SipParser.parse(padded, 2, b.length);
        Arrays.fill(padded, (byte) 'x');
        assertArrayEquals(b, m.toBytes());
    }

    @Test
    void viaWithAnotherSipVersionIsMalformed() {
        SipMessage m = SipParser.parse(
            "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/3.0/UDP h;branch=z9hG4bK1\r\nl: 0\r\n\r\n".getBytes());
        assertEquals("Bad Via: unsupported SIP version", assertThrows(SipParseException.class, m::vias).reason());
    }
}
