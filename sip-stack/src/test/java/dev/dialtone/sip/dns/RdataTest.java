package dev.dialtone.sip.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RdataTest {

    private static void label(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.writeByte(bytes.length).writeBytes(bytes);
    }

    @Test
    void srvWithCompressedTargetFollowsPointerIntoTheMessage() {
        // netty's raw record content shares the message's indices; a pointer is an absolute offset.
        ByteBuf message = Unpooled.buffer();
        message.writeZero(12);
        int exampleCom = message.writerIndex();
        label(message, "example");
        label(message, "com");
        message.writeByte(0);
        int rdata = message.writerIndex();
        message.writeShort(10).writeShort(60).writeShort(5060);
        label(message, "sip");
        message.writeShort(0xc000 | exampleCom);
        ByteBuf content = message.duplicate().setIndex(rdata, message.writerIndex());
        assertEquals(new Rdata.Srv(10, 60, 5060, "sip.example.com", 30), Rdata.srv(content, 30));
        message.release();
    }

    @Test
    void naptrFields() {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(100).writeShort(50);
        label(b, "s");
        label(b, "SIP+D2T");
        label(b, "");
        label(b, "_sip");
        label(b, "_tcp");
        label(b, "example");
        label(b, "com");
        b.writeByte(0);
        assertEquals(new Rdata.Naptr(100, 50, "s", "SIP+D2T", "", "_sip._tcp.example.com", 5), Rdata.naptr(b, 5));
        b.release();
    }

    @Test
    void truncatedAndLoopingDataIsRejected() {
        ByteBuf truncated = Unpooled.buffer().writeShort(10).writeShort(60).writeShort(5060).writeByte(9);
        assertNull(Rdata.srv(truncated, 1));
        ByteBuf loop = Unpooled.buffer().writeShort(10).writeShort(60).writeShort(5060).writeShort(0xc006);
        assertNull(Rdata.srv(loop, 1));
        truncated.release();
        loop.release();
    }
}
