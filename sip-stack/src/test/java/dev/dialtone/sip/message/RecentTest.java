package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentTest {

    private static SipMessage parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(b, b.length, true);
    }

    private static String response(String tag, String branch, String contactUri) {
        return "SIP/2.0 180 Ringing\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=" + branch + ";rport=5060\r\n"
            + "From: <sip:bench@192.0.2.7>;tag=" + tag + "\r\n"
            + "To: <sip:service@192.0.2.9:5070>;tag=" + tag + "x\r\n"
            + "Call-ID: " + tag + "@192.0.2.7\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Contact: <" + contactUri + ">\r\n"
            + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void twoCallsFromOnePeer_shareTheirHostsAndUris_andKeepTheirOwnTags() {
        SipResponse a = (SipResponse) parse(response("1a", "z9hG4bK-1", "sip:service@192.0.2.9:5070"));
        SipResponse b = (SipResponse) parse(response("2b", "z9hG4bK-2", "sip:service@192.0.2.9:5070"));
        // one object per URI and host while calls wait on a peer, not one per message
        assertSame(a.from().uri(), b.from().uri());
        assertSame(a.to().uri(), b.to().uri());
        assertSame(a.contacts(), b.contacts());
        assertSame(a.topVia().host(), b.topVia().host());
        assertEquals("1a", a.from().tag());
        assertEquals("2b", b.from().tag());
        assertEquals("z9hG4bK-2", b.topVia().branch());
        assertEquals("sip:service@192.0.2.9:5070", b.contacts().get(0).uri().toString());
    }

    @Test
    void anotherUriOrHostIsItsOwn() {
        SipResponse a = (SipResponse) parse(response("3c", "z9hG4bK-3", "sip:service@192.0.2.9:5070"));
        SipResponse b = (SipResponse) parse(response("4d", "z9hG4bK-4", "sip:service@192.0.2.9:5071"));
        SipResponse c = (SipResponse) parse(response("5e", "z9hG4bK-5", "sip:servicf@192.0.2.9:5070"));
        assertEquals(5071, ((SipUri) b.contacts().get(0).uri()).port());
        assertEquals("servicf", ((SipUri) c.contacts().get(0).uri()).user());
        assertEquals(5070, ((SipUri) a.contacts().get(0).uri()).port());
        assertEquals("service", ((SipUri) a.contacts().get(0).uri()).user());
    }

    @Test
    void aValueEvictedByAnotherInItsSlot_isMadeAgainEqual_andKeptUntilTheNext() {
        List<String> made = new ArrayList<>();
        Recent<String> r = new Recent<>(2, 64, (b, from, to) -> {
            String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
            made.add(s);
            return s;
        });
        List<String> words = List.of("alpha", "beta", "gamma", "delta", "epsilon");
        for (int round = 0; round < 3; round++) {
            for (String w : words) {
                byte[] b = ("xx" + w + ";").getBytes(StandardCharsets.US_ASCII);
                String first = r.of(b, 2, 2 + w.length());
                assertEquals(w, first);
                assertSame(first, r.of(b, 2, 2 + w.length()), w);
            }
        }
        // Five words in two slots: words that share a slot push each other out and are made again in each round
        // (never twice in a row, asserted above), a word alone in its slot is made once.
        assertTrue(made.size() > words.size() && made.size() <= 3 * words.size(), made.toString());
    }

    @Test
    void longValuesAndValuesThatDoNotParse_areNotKept() {
        Recent<String> r = new Recent<>(16, 4, (b, from, to) ->
            b[from] == '!' ? null : new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        byte[] longWord = "abcdef".getBytes(StandardCharsets.US_ASCII);
        String first = r.of(longWord, 0, longWord.length);
        assertEquals("abcdef", first);
        assertNotSame(first, r.of(longWord, 0, longWord.length));
        byte[] shortWord = "abcd".getBytes(StandardCharsets.US_ASCII);
        assertSame(r.of(shortWord, 0, 4), r.of(shortWord, 0, 4));
        byte[] bad = "!x".getBytes(StandardCharsets.US_ASCII);
        assertNull(r.of(bad, 0, 2));
        assertNull(r.of(bad, 0, 2));
    }
}
