package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The framer scans lines eight bytes at a time: a stray byte must be found wherever it falls in a word. */
class FramerScanTest {

    private static final String MESSAGE = "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKhjhs8ass877\r\n"
        + "Subject: \u00e9t\u00e9 \t tab and non-ASCII \u00ff\u0080 bytes around\r\n"
        + "Call-ID: a84b4c76e66710\r\n"
        + "Content-Length: 0\r\n\r\n";

    @Test
    void bareCrIsFoundAtEveryOffset() {
        byte[] base = MESSAGE.getBytes(StandardCharsets.UTF_8);
        int headers = MESSAGE.indexOf('\n') + 1;
        int end = MESSAGE.getBytes(StandardCharsets.UTF_8).length - 4;
        for (int at = headers + 4; at < end; at++) {
            if (base[at] == '\r' || base[at] == '\n' || base[at - 1] == '\n' || base[at + 1] == '\n') {
                continue;
            }
            byte[] b = base.clone();
            b[at] = '\r';
            int pos = at;
            SipParseException e = assertThrows(SipParseException.class, () -> SipMessage.parse(b, b.length, false));
            assertEquals("Bad header: bare CR", e.reason(), "at " + pos);
            assertEquals(pos, e.offset(), "at " + pos);
        }
    }

    @Test
    void linesWithControlAndNonAsciiBytesFrameAsBefore() {
        byte[] b = MESSAGE.getBytes(StandardCharsets.UTF_8);
        SipMessage m = SipMessage.parse(b, b.length, false);
        assertEquals("\u00e9t\u00e9 \t tab and non-ASCII \u00ff\u0080 bytes around", m.header("Subject"));
        assertEquals("a84b4c76e66710", m.callId());
        assertEquals(0, m.contentLength());
        for (int cut = MESSAGE.indexOf('\n') + 1; cut < b.length - 4; cut++) {
            byte[] t = java.util.Arrays.copyOf(b, cut);
            assertThrows(SipParseException.class, () -> SipMessage.parse(t, t.length, false));
        }
    }
}
