package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A built message is indexed while its bytes are written instead of being framed again; these hold that index to
 * what the framer makes of the very same bytes, slice for slice, over every valid fixture rebuilt with changes.
 */
class BuiltIndexTest {

    @Test
    void everyRebuiltFixtureIsIndexedAsTheFramerWouldIndexIt() throws IOException {
        // The valid fixtures and every torture message that frames (folding, odd spacing, compact forms, UTF-8).
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("valid", "rfc4475", "rfc5118")) {
            try (Stream<Path> s = Files.list(Path.of("src/test/resources/sip", dir))) {
                s.filter(p -> p.toString().endsWith(".sip") || p.toString().endsWith(".dat")).sorted().forEach(files::add);
            }
        }
        int checked = 0;
        for (Path f : files) {
            byte[] wire = Files.readAllBytes(f);
            SipMessage source;
            try {
                source = SipMessage.parse(wire, wire.length, true);
            } catch (SipParseException e) {
                continue;
            }
            for (java.util.function.Supplier<SipMessage> v : variants(source)) {
                SipMessage built;
                try {
                    built = v.get();
                } catch (IllegalArgumentException | SipParseException e) {
                    continue; // a change this malformed source cannot take (a To that does not parse, say)
                }
                assertSameIndex(built, f.getFileName().toString());
                checked++;
            }
        }
        assertTrue(checked > 150, "rebuilt " + checked);
    }

    @Test
    void builtFromScratchWithEmptyAndNonAsciiValuesAndABody() {
        SipRequest r = SipRequest.builder(SipMethod.INVITE, Uri.parse("sip:bob@example.com"))
            .header("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1")
            .header("From", "\"Zoë\" <sip:zoe@example.com>;tag=1")
            .header("To", "<sip:bob@example.com>")
            .header("Call-ID", "a@b")
            .header("CSeq", "1 INVITE")
            .header("Max-Forwards", "70")
            .header("Subject", "")
            .header("X-Lone", "\uD800")
            .header("i", "ignored-then-replaced")
            .setHeader("Call-ID", "c@d")
            .body("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8))
            .build();
        assertSameIndex(r, "scratch");
        assertEquals("", r.header("Subject"));
        assertEquals("\"Zoë\" <sip:zoe@example.com>;tag=1", r.header("From"));
        assertEquals("?", r.header("X-Lone"));
        assertEquals("c@d", r.callId());
        SipResponse ok = r.responseBuilder(200, "OK").toTag("xyz").body(null, null).build();
        assertSameIndex(ok, "scratch 200");
    }

    @Test
    void aContentLengthLargerThanTheBodyIsStillRefused() {
        SipRequest.Builder b = SipRequest.builder(SipMethod.OPTIONS, Uri.parse("sip:bob@example.com"))
            .header("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-2")
            .header("Content-Length", "10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals("builder produced an invalid message: Bad Content-Length: larger than the message body", e.getMessage());
    }

    @Test
    void aStampedTopVia_changesThoseBytesOnly_asTheBuilderWould() {
        String rest = "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: a@b\r\n"
            + "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
        byte[] wire = ("INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-0\r\n" + rest).getBytes(StandardCharsets.UTF_8);
        SipRequest r = (SipRequest) SipMessage.parse(wire, wire.length, true);
        assertEquals("a@b", r.callId()); // cached values come along
        Via stamped = r.topVia().withReceived("192.0.2.9").withRport(5999);
        SipRequest fast = r.withTopVia(stamped);
        assertEquals("INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport=5999;received=192.0.2.9\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-0\r\n" + rest, fast.toString());
        assertEquals(r.toBuilder().replaceTopVia(stamped).build().toString(), fast.toString());
        assertEquals(5999, fast.topVia().rport());
        assertEquals("10.0.0.2", fast.vias().get(1).host());
        assertEquals("a@b", fast.callId());
        assertEquals("hello", new String(fast.body(), StandardCharsets.UTF_8));
        assertEquals(5999, ((SipRequest) SipMessage.parse(fast.toBytes(), fast.toBytes().length, true)).topVia().rport());
        assertSameIndex(fast, "stamped");
        assertEquals(r.toString(), new String(wire, StandardCharsets.UTF_8), "the source is not touched");

        // Two Vias on the first line: the builder splits them, with the same result as before.
        byte[] list = ("INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport, SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-0\r\n"
            + rest).getBytes(StandardCharsets.UTF_8);
        SipRequest l = (SipRequest) SipMessage.parse(list, list.length, true);
        SipRequest stampedList = l.withTopVia(stamped);
        assertEquals(2, stampedList.vias().size());
        assertEquals(stamped.toString(), stampedList.topVia().toString());
        assertEquals(l.toBuilder().replaceTopVia(stamped).build().toString(), stampedList.toString());
    }

    private static List<java.util.function.Supplier<SipMessage>> variants(SipMessage m) {
        Via via = Via.of("UDP", "192.0.2.7", 5070, "z9hG4bK-added");
        if (m instanceof SipRequest r) {
            return List.of(
                () -> r.toBuilder().build(),
                () -> r.toBuilder().withTopVia(via).build(),
                () -> r.toBuilder().setHeader("Max-Forwards", "69").header("X-Added", " padded ").build(),
                () -> r.toBuilder().body("text/plain", "hello".getBytes(StandardCharsets.UTF_8)).build(),
                () -> r.toBuilder().removeHeader("Call-ID").header("Call-ID", "moved@end").build(),
                () -> r.topVia() == null ? r : r.withTopVia(r.topVia().withReceived("192.0.2.9").withRport(5999)));
        }
        SipResponse s = (SipResponse) m;
        return List.of(
            () -> s.toBuilder().build(),
            () -> s.toBuilder().toTag("t1").build(),
            () -> s.toBuilder().setHeader("Server", "dialtone").header("X-Added", "").build(),
            () -> s.toBuilder().body("text/plain", new byte[0]).build(),
            () -> s.toBuilder().removeHeader("Call-ID").header("Call-ID", "moved@end").build());
    }

    private static void assertSameIndex(SipMessage built, String what) {
        Head a = head(built);
        byte[] wire = built.toBytes();
        Head b = head(SipMessage.parse(wire, wire.length, true));
        assertEquals(b.count, a.count, what + ": header count");
        assertEquals(b.startLineEnd, a.startLineEnd, what + ": start line end");
        assertEquals(b.headerStart, a.headerStart, what + ": header start");
        assertEquals(b.bodyStart, a.bodyStart, what + ": body start");
        assertEquals(b.length, a.length, what + ": length");
        assertEquals(b.contentLength, a.contentLength, what + ": Content-Length");
        for (int i = 0; i < a.count; i++) {
            String at = what + ": header " + i;
            assertEquals(b.names[i], a.names[i], at + " name");
            assertEquals(b.valueStart(i), a.valueStart(i), at + " value start");
            assertEquals(b.valueEnd(i), a.valueEnd(i), at + " value end");
            assertEquals(b.lineStart(i), a.lineStart(i), at + " line start");
            assertEquals(b.lineEnd(i), a.lineEnd(i), at + " line end");
            assertEquals(b.value(i), a.value(i), at + " value");
        }
        for (String name : List.of(HeaderName.VIA, HeaderName.CALL_ID, HeaderName.CONTACT, "X-Added", "Nope")) {
            assertEquals(built.hasHeader(name), SipMessage.parse(wire, wire.length, true).hasHeader(name), what + " " + name);
        }
        assertEquals(new String(wire, 0, b.startLineEnd, StandardCharsets.UTF_8), built.startLine(), what);
    }

    private static Head head(SipMessage m) {
        return m instanceof SipRequest r ? r.head : ((SipResponse) m).head;
    }
}
