package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipStreamDecoderTest {

    private static final List<String> VALID = List.of("valid/invite-compact-forms.sip",
        "valid/register-401-challenge.sip", "valid/prack-rack.sip", "valid/register-star.sip");

    private static List<SipFrame> feed(SipDecoderConfig config, byte[] bytes, int chunk) {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder(config));
        for (int i = 0; i < bytes.length; i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        List<SipFrame> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add((SipFrame) o);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static List<SipFrame> feed(byte[] bytes) {
        return feed(SipDecoderConfig.DEFAULT, bytes, bytes.length);
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Test
    void eachFixtureDecodesWholeAndAtEveryFragmentSize() {
        for (String f : VALID) {
            byte[] bytes = Fixtures.bytes(f);
            for (int chunk = 1; chunk <= bytes.length; chunk++) {
                List<SipFrame> frames = feed(SipDecoderConfig.DEFAULT, bytes, chunk);
                assertEquals(1, frames.size(), f + " at " + chunk);
                SipFrame.Message m = assertInstanceOf(SipFrame.Message.class, frames.get(0), f + " at " + chunk);
                assertArrayEquals(bytes, m.message().toBytes(), f + " at " + chunk);
                assertNull(m.sender());
            }
        }
    }

    @Test
    void severalMessagesAndKeepAlivesInOneRead() {
        byte[] a = Fixtures.bytes("valid/invite-compact-forms.sip");
        byte[] b = Fixtures.bytes("valid/register-star.sip");
        byte[] stream = concat("\r\n\r\n", a, "\r\n", b, "\r\n\r\n", a);
        for (int chunk : new int[] {stream.length, 1, 7, 100}) {
            List<SipFrame> frames = feed(SipDecoderConfig.DEFAULT, stream, chunk);
            assertEquals(5, frames.size(), "chunk " + chunk);
            assertInstanceOf(SipFrame.Ping.class, frames.get(0));
            assertArrayEquals(a, ((SipFrame.Message) frames.get(1)).message().toBytes());
            assertArrayEquals(b, ((SipFrame.Message) frames.get(2)).message().toBytes());
            assertInstanceOf(SipFrame.Ping.class, frames.get(3));
            assertArrayEquals(a, ((SipFrame.Message) frames.get(4)).message().toBytes());
        }
    }

    @Test
    void rfc4475MessagesBackToBackOnAStream() {
        List<String> files = List.of("wsinv.dat", "intmeth.dat", "esc01.dat", "escnull.dat", "esc02.dat",
            "lwsdisp.dat", "longreq.dat", "semiuri.dat", "transports.dat", "mpart01.dat", "unreason.dat",
            "noreason.dat", "regaut01.dat", "dblreq.dat");
        // dblreq's trailing INVITE has Content-Length 150 for a 155-octet body: on a stream it is the next
        // message, and its last 5 octets ("C" CRLF CRLF) are garbage that loses framing
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        files.forEach(f -> all.writeBytes(Fixtures.bytes("rfc4475/" + f)));
        byte[] stream = all.toByteArray();
        for (int chunk : new int[] {stream.length, 1, 2, 3, 5, 64, 1000}) {
            List<SipFrame> frames = feed(SipDecoderConfig.DEFAULT, stream, chunk);
            assertEquals(files.size() + 2, frames.size(), "chunk " + chunk);
            SipFrame.Invalid garbage = assertInstanceOf(SipFrame.Invalid.class, frames.get(files.size() + 1));
            assertEquals("Missing Content-Length", garbage.reason());
            assertTrue(garbage.framingLost());
            for (int i = 0; i < files.size(); i++) {
                byte[] expected = Fixtures.bytes("rfc4475/" + files.get(i));
                SipFrame.Message m = assertInstanceOf(SipFrame.Message.class, frames.get(i), files.get(i));
                assertArrayEquals(Arrays.copyOf(expected, m.message().wireLength()), m.message().toBytes(), files.get(i));
            }
            SipRequest invite = (SipRequest) ((SipFrame.Message) frames.get(files.size())).message();
            assertEquals("INVITE", invite.method().name());
        }
    }

    @Test
    void aLoneCrlfWaitsForMoreInputBeforeDecidingItIsNotAPing() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("\r\n", StandardCharsets.US_ASCII));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("\r\n", StandardCharsets.US_ASCII));
        assertInstanceOf(SipFrame.Ping.class, ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("\r\n", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.wrappedBuffer(Fixtures.bytes("valid/register-star.sip")));
        assertInstanceOf(SipFrame.Message.class, ch.readInbound());
        assertNull(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthLosesFramingButStillAllowsA400() {
        byte[] bad = Fixtures.bytes("invalid/stream-missing-content-length.sip");
        List<SipFrame> frames = feed(concat(bad, Fixtures.bytes("valid/register-star.sip")));
        assertEquals(1, frames.size());
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, frames.get(0));
        assertEquals("Missing Content-Length", inv.reason());
        assertTrue(inv.framingLost());
        SipResponse r = inv.badRequest().orElseThrow();
        assertEquals(400, r.status());
        assertEquals("Missing Content-Length", r.reason());
        assertEquals("z9hG4bKhjhs8ass877", r.topVia().branch());
        assertEquals("a84b4c76e66710", r.callId());
        assertEquals("1928301774", r.from().tag());
    }

    @Test
    void negativeContentLengthLosesFraming() {
        List<SipFrame> frames = feed(Fixtures.bytes("invalid/negative-content-length.sip"));
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, frames.get(0));
        assertEquals("Bad Content-Length: negative value", inv.reason());
        assertTrue(inv.framingLost());
        assertEquals("Bad Content-Length: negative value", inv.badRequest().orElseThrow().reason());
    }

    @Test
    void semanticFaultKeepsFramingAndCarriesTheParsedMessage() {
        byte[] bad = Fixtures.bytes("invalid/cseq-method-mismatch.sip");
        byte[] good = Fixtures.bytes("valid/register-star.sip");
        List<SipFrame> frames = feed(concat(bad, good));
        assertEquals(2, frames.size());
        SipFrame.Invalid inv = assertInstanceOf(SipFrame.Invalid.class, frames.get(0));
        assertFalse(inv.framingLost());
        assertEquals("Bad CSeq: method does not match request line", inv.reason());
        assertInstanceOf(SipRequest.class, inv.message());
        SipResponse r = inv.badRequest().orElseThrow();
        assertEquals("SIP/2.0 400 Bad CSeq: method does not match request line", r.startLine());
        assertEquals("z9hG4bKnashds10", r.topVia().branch());
        assertInstanceOf(SipFrame.Message.class, frames.get(1));
    }

    @Test
    void messagesOverTheSizeLimitAreRejected() {
        byte[] a = Fixtures.bytes("valid/invite-compact-forms.sip");
        SipDecoderConfig small = SipDecoderConfig.DEFAULT.withMaxMessageSize(300);
        for (int chunk : new int[] {a.length, 50}) {
            List<SipFrame> frames = feed(small, a, chunk);
            assertEquals(1, frames.size());
            assertEquals("Message too large", ((SipFrame.Invalid) frames.get(0)).reason());
        }
        byte[] headOnlyTooBig = concat("OPTIONS sip:a@b SIP/2.0\r\nX: ", "y".repeat(400));
        assertEquals("Message too large", ((SipFrame.Invalid) feed(small, headOnlyTooBig, 10).get(0)).reason());
    }

    @Test
    void encoderWritesTheExactBytes() {
        byte[] a = Fixtures.bytes("valid/invite-compact-forms.sip");
        SipRequest m = (SipRequest) SipParser.parse(a);
        EmbeddedChannel ch = new EmbeddedChannel(new SipEncoder());
        ch.writeOutbound(m);
        ByteBuf out = ch.readOutbound();
        byte[] written = new byte[out.readableBytes()];
        out.readBytes(written);
        out.release();
        assertArrayEquals(a, written);
        assertFalse(ch.finish());
    }
}
