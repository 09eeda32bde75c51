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
    void headerNamesAreKnownInAnyCaseWhereverTheyEnd() {
        String[][] names = {
            {"VIA", "Via"}, {"v", "Via"}, {"call-id", "Call-ID"}, {"cOnTeNt-TyPe", "Content-Type"},
            {"record-route", "Record-Route"}, {"WWW-AUTHENTICATE", "WWW-Authenticate"}, {"Max-Forwards", "Max-Forwards"},
            {"Max-Forwardz", "Max-Forwardz"}, {"Via_", "Via_"}, {"Vi", "Vi"}, {"Contact-", "Contact-"},
            {"Contacts", "Contacts"}, {"To", "To"}, {"tO", "To"}, {"Session-expires", "Session-Expires"},
            {"Min-SE", "Min-SE"}, {"mime-version", "MIME-Version"}, {"Proxy-Authorizatioo", "Proxy-Authorizatioo"},
        };
        for (String[] n : names) {
            // as the last line of a datagram (no eight bytes to read past the name) and inside the message
            for (String text : new String[] {
                "OPTIONS sip:a SIP/2.0\r\n" + n[0] + ": x\n",
                "OPTIONS sip:a SIP/2.0\r\n" + n[0] + ": x\r\nSubject: a long enough line\r\n\r\n",
            }) {
                byte[] b = text.getBytes(StandardCharsets.US_ASCII);
                SipMessage m = SipMessage.parse(b, b.length, true);
                assertEquals(n[1], m.allHeaders().get(0).name(), text);
            }
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
