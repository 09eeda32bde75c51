package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Via;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5118 IPv6 torture messages (CRLF "wire" variants for parsing; the archive's LF bytes for robustness). */
class Rfc5118ConformanceTest {

    private static SipMessage valid(String file) {
        SipMessage m = SipParser.parse(Fixtures.bytes("rfc5118/wire/" + file));
        SipValidator.validate(m);
        return m;
    }

    @TestFactory
    List<DynamicTest> everyMessageIsClassifiedAsTheRfcSays() {
        List<DynamicTest> tests = new ArrayList<>();
        String index = new String(Fixtures.bytes("rfc5118/INDEX.tsv"), StandardCharsets.UTF_8);
        for (String line : index.split("\n")) {
            String[] col = line.split("\t");
            if (!col[0].equals("file")) {
                tests.add(DynamicTest.dynamicTest(col[0] + " " + col[2], () -> {
                    Optional<String> reason = SipValidator.checkDatagram(Fixtures.bytes("rfc5118/wire/" + col[0]));
                    assertEquals(col[2], reason.isPresent() ? "invalid" : "valid", col[0] + ": " + reason.orElse("ok"));
                }));
            }
        }
        assertEquals(12, tests.size());
        return tests;
    }

    @Test
    void ipv6References() {
        SipMessage good = valid("ipv6-good.dat");
        assertEquals("[2001:db8::10]", ((SipUri) ((SipRequest) good).requestUri()).host());
        assertEquals("[2001:db8::9:1]", good.topVia().host());
        assertEquals("[2001:db8::1]", ((SipUri) good.contacts().get(0).uri()).host());

        SipUri ambiguous = (SipUri) ((SipRequest) valid("port-ambiguous.dat")).requestUri();
        assertEquals("[2001:db8::10:5070]", ambiguous.host());
        assertEquals(-1, ambiguous.port());
        SipUri unambiguous = (SipUri) ((SipRequest) valid("port-unambiguous.dat")).requestUri();
        assertEquals("[2001:db8::10]", unambiguous.host());
        assertEquals(5070, unambiguous.port());

        assertEquals("[2001:db8::9:255]", valid("via-received-param-with-delim.dat").topVia().received());
        Via noDelim = valid("via-received-param-no-delim.dat").topVia();
        assertEquals("2001:db8::9:255", noDelim.received());
        assertEquals("z9hG4bKas3", noDelim.branch());

        List<Via> vias = valid("mult-ip-in-header.dat").vias();
        assertEquals(3, vias.size());
        assertEquals("[2001:db8::9:1]", vias.get(0).host());
        assertEquals(6050, vias.get(0).port());
        assertEquals("192.0.2.1", vias.get(1).host());
        assertEquals("[2001:db8::9:255]", vias.get(2).host());
        assertEquals("192.0.2.200", vias.get(2).received());

        Via mapped = valid("ipv4-mapped-ipv6.dat").topVia();
        assertEquals("[::ffff:192.0.2.10]", mapped.host());
        assertEquals(19823, mapped.port());
        assertEquals("[2001:db8:::192.0.2.1]", ((SipUri) ((SipRequest) valid("ipv6-bug-abnf-3-colons.dat")).requestUri()).host());
        assertEquals("[2001:db8::192.0.2.1]", ((SipUri) ((SipRequest) valid("ipv6-correct-abnf-2-colons.dat")).requestUri()).host());
        assertTrue(valid("ipv6-in-sdp.dat").bodyLength() == 251);
    }

    @Test
    void ipv6WithoutBracketsIsRejected() {
        assertEquals(Optional.of("Bad Request-URI: IPv6 address must be enclosed in []"),
            SipValidator.checkDatagram(Fixtures.bytes("rfc5118/wire/ipv6-bad.dat")));
    }

    @Test
    void archiveBytesWithBareLineFeedsStillParse() {
        for (String f : List.of("ipv6-good.dat", "port-ambiguous.dat", "mult-ip-in-header.dat",
            "ipv6-bug-abnf-3-colons.dat", "ipv6-correct-abnf-2-colons.dat")) {
            assertEquals(Optional.empty(), SipValidator.checkDatagram(Fixtures.bytes("rfc5118/" + f)), f);
        }
        // The archive's Content-Length exceeds its LF body: a datagram with a short body is an error.
        assertEquals(Optional.of("Bad Content-Length: larger than the message body"),
            SipValidator.checkDatagram(Fixtures.bytes("rfc5118/ipv6-in-sdp.dat")));
    }
}
