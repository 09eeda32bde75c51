package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class SipDatagramDecoderTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5070);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);

    private static SipFrame decode(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new SipDatagramDecoder());
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), LOCAL, PEER));
        SipFrame f = ch.readInbound();
        assertNull(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
        return f;
    }

    @Test
    void messageCarriesSenderAndRecipient() {
        byte[] a = Fixtures.bytes("valid/invite-compact-forms.sip");
        SipFrame.Message m = assertInstanceOf(SipFrame.Message.class, decode(a));
        assertEquals(PEER, m.sender());
        assertEquals(LOCAL, m.recipient());
        assertArrayEquals(a, m.message().toBytes());
    }

    @Test
    void octetsBeyondContentLengthAreDiscarded() {
        byte[] dblreq = Fixtures.bytes("rfc4475/dblreq.dat");
        SipFrame.Message m = assertInstanceOf(SipFrame.Message.class, decode(dblreq));
        SipRequest r = (SipRequest) m.message();
        assertEquals(SipMethod.REGISTER, r.method());
        assertEquals(0, r.bodyLength());
        assertEquals(dblreq.length - 450, r.wireLength());
        assertArrayEquals(Arrays.copyOf(dblreq, dblreq.length - 450), r.toBytes());
    }

    @Test
    void contentLengthLongerThanTheDatagramIsAnError() {
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, decode(Fixtures.bytes("rfc4475/clerr.dat")));
        assertEquals("Bad Content-Length: larger than the message body", inv.reason());
        assertEquals(PEER, inv.sender());
        assertEquals(400, inv.badRequest().orElseThrow().status());
    }

    @Test
    void withoutContentLengthTheBodyIsTheRestOfTheDatagram() {
        SipFrame.Message m = assertInstanceOf(SipFrame.Message.class, decode(Fixtures.bytes("rfc4475/inv2543.dat")));
        assertEquals(105, m.message().bodyLength());
        assertEquals(-1, m.message().contentLength());
    }

    @Test
    void otherSipVersionIsAnsweredWith505() {
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, decode(Fixtures.bytes("rfc4475/badvers.dat")));
        assertEquals(505, inv.badRequest().orElseThrow().status());
        assertEquals("Version Not Supported: SIP/7.0", inv.badRequest().orElseThrow().reason());
    }

    @Test
    void crlfDatagramIsAPing() {
        assertInstanceOf(SipFrame.Ping.class, decode("\r\n\r\n".getBytes()));
    }

    @Test
    void invalidResponseCannotBeAnswered() {
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, decode(Fixtures.bytes("rfc4475/scalarlg.dat")));
        assertEquals("Bad CSeq: sequence number too large", inv.reason());
        assertFalse(inv.badRequest().isPresent());
    }
}
