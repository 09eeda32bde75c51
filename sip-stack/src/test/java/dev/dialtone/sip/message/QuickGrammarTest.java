package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fast path ({@link Quick}) must never disagree with the full grammar: whenever it returns a value, the grammar
 * returns an equal one for the same text (and does not fail). Every fast parser is tried on every header value and
 * Request-URI of the fixtures, of mutations of them, and of hand-written edge cases.
 */
class QuickGrammarTest {

    private static final byte[] SPECIAL = " \t\r\n:;,=\"<>@%[]?\\/0-*'".getBytes(StandardCharsets.US_ASCII);

    @Test
    void edgeCases() {
        String[] values = {
            "<sip:a@b>", "<sip:a@b>;tag=x", "\"A B\" <sip:a@b:5060;lr>;tag=1", "A  B <sip:a@b>", "A\tB <sip:a@b>",
            "A B  <sip:a@b>", " A <sip:a@b>", "<sip:a@b>, <sip:c@d>", "<sip:a@b>,", ",<sip:a@b>", "<sip:a@b>,,<sip:c>",
            "<sip:a@b> ; tag = x", "<sip:a@b>;tag=\"q\"", "<sip:a@b>;tag=\"q\\\"\"", "<sip:a:p@b>", "<sip:%61@b>",
            "<sip:a@[::1]>", "<sip:a@b:65536>", "<sip:a@b:123456>", "<sip:a@b:>", "<sip:a@b;x>", "<sip:a@b;x=>",
            "<sip:a@b;=y>", "<sip:a@b?h=v>", "<sips:a@b>", "<SIP:a@b>", "<tel:+1234>", "<mailto:a@b>", "sip:a@b",
            "sip:a@b;tag=1", "<sip:a@b", "<sip:a@b >", "<sip:@b>", "<sip:a@>", "<sip:a;b=c@d>", "<sip:b;%41=1>",
            "<sip:b;transport=udp;lr>;+sip.instance=\"<urn:uuid:1>\";expires=30", "\"\" <sip:b>", "\"x <sip:b>",
            "<sip:b>;tag", "<sip:b>;tag=", "<sip:b>;;tag=1", "<sip:b>;tag=a,b", "<sip:b>;x=[::1]", "<sip:b> x",
            "SIP/2.0/UDP h", "SIP/2.0/UDP h:5060;branch=z9hG4bK1;rport", "SIP/2.0/UDP h:5060 ;branch=x",
            "SIP/2.0/UDP h : 5060", "SIP/2.0/UDP [::1]:5060", "SIP/2.0/UDP h;received=1.2.3.4;rport=5060",
            "SIP/2.0/TCP h, SIP/2.0/UDP g", "SIP/2.0/UDP h,", "SIP/2.0/UDPh", "sip/2.0/udp h", "SIP/2.0/X-Y h",
            "SIP / 2.0 / UDP h", "SIP/3.0/UDP h", "SIP/2.0/UDP h:99999", "SIP/2.0/UDP h:0123456", "SIP/2.0/UDP",
            "SIP/2.0/UDP h;branch=\"a,b\"", "SIP/2.0/UDP h;ttl=1;maddr=224.0.0.1", "SIP/2.0/UDP h:",
            "Digest realm=\"a\", nonce=\"b\", algorithm=MD5", "Digest realm=\"a\",nonce=b", "Digest realm=\"a\",",
            "Digest", "Digest ", "Basic abc=", "Digest realm", "Digest realm=\"a\\\"b\"", "Digest  realm = \"a\" , x=y",
            "Digest realm=\"a\" nonce=\"b\"", "Digest a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9",
            "1 INVITE", "01 INVITE", "1  INVITE", "1 invite", "2147483648 INVITE", "999999999 INVITE", "1 INVITE x",
            "1", "INVITE", "1 IN\"VITE", "0", "70", "256", "00070", "1234567890", "-1", "1800;refresher=uac",
            "1800 ;refresher=uac", "1800;refresher", "1800;", "18x;refresher=uac", "1800,x", "", " ", "*",
            "\"Al\u00e9\" <sip:a@b>", "<sip:\u00e9@b>", "SIP/2.0/UDP h\u00e9",
        };
        java.util.List<String> all = new java.util.ArrayList<>(java.util.Arrays.asList(values));
        // quoted strings of every length up to three words, with a quote, backslash or non-ASCII byte at each place
        for (int n = 0; n < 26; n++) {
            String text = "abcdefghijklmnopqrstuvwxyz".substring(0, n);
            all.add("Digest realm=\"" + text + "\", nonce=\"" + text + text + "\"");
            all.add("\"" + text + "\" <sip:a@b>;x=\"" + text + "\"");
            for (int k = 0; k < n; k++) {
                for (String c : new String[] {"\\\"", "\\\\", "\u00e9", "\"", "\t"}) {
                    String t = text.substring(0, k) + c + text.substring(k);
                    all.add("Digest realm=\"" + t + "\", qop=auth");
                    all.add("\"" + t + "\" <sip:a@b>;tag=1");
                }
            }
        }
        values = all.toArray(new String[0]);
        for (String v : values) {
            byte[] b = ("X" + v).getBytes(StandardCharsets.UTF_8);
            compare(b, 1, b.length, new String(b, 1, b.length - 1, StandardCharsets.UTF_8));
        }
    }

    @Test
    void fixturesAndMutations() throws IOException, URISyntaxException {
        List<byte[]> corpus = new ArrayList<>();
        Path root = Path.of(Objects.requireNonNull(getClass().getClassLoader().getResource("sip")).toURI());
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".tsv") && !p.toString().contains("SHA"))
                .forEach(p -> {
                    try {
                        corpus.add(Files.readAllBytes(p));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        }
        assertTrue(corpus.size() > 20);
        Random random = new Random(0x0c0de_1a2L);
        for (byte[] m : corpus) {
            check(m);
        }
        for (int i = 0; i < 30_000; i++) {
            byte[] b = corpus.get(random.nextInt(corpus.size())).clone();
            int rounds = 1 + random.nextInt(3);
            for (int k = 0; k < rounds && b.length > 0; k++) {
                int at = random.nextInt(b.length);
                b[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : SPECIAL[random.nextInt(SPECIAL.length)];
            }
            check(b);
        }
    }

    private static void check(byte[] bytes) {
        SipMessage m;
        try {
            m = SipMessage.parse(bytes, bytes.length, true);
        } catch (SipParseException e) {
            return;
        }
        Head h = m instanceof SipRequest r ? r.head : ((SipResponse) m).head;
        for (int i = 0; i < h.count; i++) {
            if (h.valueEnd(i) > h.valueStart(i) && isUnfolded(h, i)) {
                compare(h.b, h.valueStart(i), h.valueEnd(i), h.value(i));
            }
        }
        if (m instanceof SipRequest r) {
            int start = h.startLine().indexOf(' ') + 1;
            String text = r.requestUriText();
            compareUri(h.b, start, start + text.getBytes(StandardCharsets.UTF_8).length, text);
        }
    }

    private static boolean isUnfolded(Head h, int i) {
        // a folded value decodes to something else than its bytes
        return new String(h.b, h.valueStart(i), h.valueEnd(i) - h.valueStart(i), StandardCharsets.UTF_8).equals(h.value(i));
    }

    /** Every fast parser on {@code b[from, to)}, whose text is {@code v}, against the grammar. */
    private static void compare(byte[] b, int from, int to, String v) {
        compareUri(b, from, to, v);
        Quick q = new Quick(b, from, to);
        List<Address> addresses = new ArrayList<>();
        if (elements(q, addresses, true)) {
            assertEquals(slowList(v, true), addresses, v);
        }
        q = new Quick(b, from, to);
        List<Via> vias = new ArrayList<>();
        if (elements(q, vias, false)) {
            assertEquals(slowList(v, false), vias, v);
        }
        q = new Quick(b, from, to);
        Address single = q.address();
        if (single != null && q.atEnd()) {
            assertEquals(Grammar.address(v, 0, v.length(), "Bad", 0), single, v);
        }
        AuthHeader a = new Quick(b, from, to).auth();
        if (a != null) {
            AuthHeader slow = Grammar.auth(v, "Bad", 0);
            // unquoted reads first, while the fast path's values are still only in the bytes
            for (int i = 0; i < slow.params().size(); i++) {
                String name = slow.params().name(i);
                assertEquals(slow.param(name), a.param(name), v);
            }
            assertEquals(slow.params().size(), a.params().size(), v);
            assertEquals(slow.toString(), new Quick(b, from, to).auth().toString(), v);
            assertEquals(slow, a, v);
            assertEquals(slow.hashCode(), new Quick(b, from, to).auth().hashCode(), v);
            assertEquals(slow.params().with("x", "1"), new Quick(b, from, to).auth().params().with("x", "1"), v);
            if (slow.params().size() > 0) {
                String first = slow.params().name(0);
                assertEquals(slow.params().without(first), new Quick(b, from, to).auth().params().without(first), v);
                assertEquals(slow.params().value(0), new Quick(b, from, to).auth().params().value(0), v);
            }
        }
        CSeq c = Quick.cseq(b, from, to);
        if (c != null) {
            assertEquals(c, slowCSeq(b, from, to), v);
        }
        long n = Quick.digits(b, from, to);
        if (n >= 0) {
            assertEquals(Grammar.deltaSeconds(v, "Bad"), n, v);
            if (n <= 255) {
                assertEquals(Grammar.number(v, 3, "Bad"), n, v);
            }
        }
        Parameters[] out = new Parameters[1];
        int digitsEnd = new Quick(b, from, to).digitsThenParams(out);
        long delta = digitsEnd < 0 ? -1 : Quick.digits(b, from, digitsEnd);
        if (delta >= 0) {
            Parameters[] slow = new Parameters[1];
            String head = Grammar.valueWithParams(v, "Bad", 0, slow);
            assertEquals(Grammar.deltaSeconds(head, "Bad"), delta, v);
            assertEquals(slow[0], out[0], v);
        }
    }

    private static void compareUri(byte[] b, int from, int to, String v) {
        SipUri u = Quick.sipUri(b, from, to);
        if (u != null) {
            assertEquals(Grammar.uri(v, 0, v.length(), "Bad", 0), u, v);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean elements(Quick q, List<T> out, boolean address) {
        do {
            Object t = address ? q.address() : q.via();
            if (t == null) {
                return false;
            }
            out.add((T) t);
        } while (q.nextElement());
        return q.atEnd();
    }

    private static List<Object> slowList(String v, boolean address) {
        int[] parts = Grammar.split(v);
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < parts.length; k += 2) {
            if (parts[k] == parts[k + 1]) {
                fail("fast path accepted an empty element: " + v);
            }
            out.add(address ? Grammar.address(v, parts[k], parts[k + 1], "Bad", 0)
                : Grammar.via(v, parts[k], parts[k + 1], "Bad", 0));
        }
        return out;
    }

    private static CSeq slowCSeq(byte[] b, int from, int to) {
        // CSeq's grammar lives in Head: parse a message carrying just this value.
        byte[] msg = ("OPTIONS sip:x SIP/2.0\r\nCSeq: " + new String(b, from, to - from, StandardCharsets.UTF_8)
            + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(msg, msg.length, true).cseq();
    }
}
