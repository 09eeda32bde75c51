package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class InternedTest {

    private static final String[] WORDS = {
        "a", "tag", "tab", "branch", "received", "receivee", "transport", "transpore", "precondition", "preconditioN",
    };

    @Test
    void findsEachWordWhereverItSitsAndNothingElse() {
        Interned<String> t = Interned.of(WORDS);
        for (String w : WORDS) {
            for (String pad : new String[] {"", "x", "xxxxxxx", "xxxxxxxxxxxx"}) {
                // the word at the end of the array (no eight bytes to read past it) and inside it
                for (String tail : new String[] {"", ";lr=1xxxxxxx"}) {
                    byte[] b = (pad + w + tail).getBytes(StandardCharsets.US_ASCII);
                    assertSame(w, t.get(b, pad.length(), pad.length() + w.length()), pad + w + tail);
                }
            }
            byte[] upper = w.toUpperCase().getBytes(StandardCharsets.US_ASCII);
            if (!w.equals(w.toUpperCase())) {
                assertNull(t.get(upper, 0, upper.length), w);
            }
            byte[] longer = (w + "s").getBytes(StandardCharsets.US_ASCII);
            assertNull(t.get(longer, 0, longer.length), w);
            if (w.length() > 1) {
                byte[] shorter = w.getBytes(StandardCharsets.US_ASCII);
                assertNull(t.get(shorter, 0, shorter.length - 1), w);
            }
        }
        assertNull(t.get(new byte[] {'a'}, 0, 0));
        byte[] other = "precondItion".getBytes(StandardCharsets.US_ASCII);
        assertNull(t.get(other, 0, other.length));
    }
}
