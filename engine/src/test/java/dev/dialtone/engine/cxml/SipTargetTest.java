package dev.dialtone.engine.cxml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class SipTargetTest {

    static SipTarget ok(String uri) {
        SipTarget.Parsed parsed = SipTarget.parse(uri);
        assertNull(parsed.error(), uri);
        return parsed.target();
    }

    static String error(String uri) {
        return SipTarget.parse(uri).error();
    }

    @Test
    void fullUri_splitsIntoItsParts() {
        SipTarget t = ok("sip:alice:secret@example.com:5080;transport=TCP;lr?X-A=1&X-B=");
        assertFalse(t.secure());
        assertEquals(Optional.of("alice"), t.user());
        assertEquals(Optional.of("secret"), t.password());
        assertEquals("example.com", t.host());
        assertEquals(OptionalInt.of(5080), t.port());
        assertEquals(List.of(new SipTarget.Parameter("transport", Optional.of("TCP")),
                new SipTarget.Parameter("lr", Optional.empty())), t.parameters());
        assertEquals("tcp", t.transport());
        assertEquals(List.of(new SipTarget.Header("X-A", "1"), new SipTarget.Header("X-B", "")), t.headers());
        assertEquals("sip:alice:secret@example.com:5080;transport=TCP;lr", t.requestUri());
    }

    @Test
    void transport_defaultsToTls() {
        assertEquals("tls", ok("sip:example.com").transport());
    }

    @Test
    void headers_arePercentDecodedAsUtf8() {
        assertEquals(List.of(new SipTarget.Header("X-Name", "Jos\u00e9 & Co")),
                ok("sip:a@example.com?X-Name=Jos%C3%A9%20%26%20Co").headers());
    }

    @Test
    void headerPart_atMost1024Characters() {
        String value = "a".repeat(1024 - "X-A=".length());
        assertEquals(1, ok("sip:a@example.com?X-A=" + value).headers().size());
        assertEquals("the header part is 1025 characters, more than 1024",
                error("sip:a@example.com?X-A=" + value + "a"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sip:a@example.com?Via=x|header Via is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?cseq=1|header cseq is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?From=x|header From is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?To=x|header To is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Contact=x|header Contact is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Content-Length=0|header Content-Length is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Max-Forwards=1|header Max-Forwards is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Route=x|header Route is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Record-Route=x|header Record-Route is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Content-Type=x|header Content-Type is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?body=x|header body is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?Call%2DID=x|header Call-ID is set by the SIP stack and cannot come from the URI",
            "sip:a@example.com?X-A=1%0D%0AVia:%20x|header X-A: value contains a line break or NUL",
            "sip:a@example.com?X-A=%zz|header 'X-A=%zz': '%' not followed by two hex digits",
            "sip:a@example.com?X-A=%C3|header 'X-A=%C3': escapes are not valid UTF-8",
            "sip:a@example.com?X-A|header 'X-A' is not name=value",
            "sip:a@example.com?X%20A=1|header name 'X A' is not a token",
            "sip:a@example.com?|empty header part after '?'",
            "tel:+15551234567|'tel:+15551234567' is not a SIP URI: it must start with sip: or sips:",
            "alice@example.com|'alice@example.com' is not a SIP URI: it must start with sip: or sips:",
            "sip:|missing host",
            "sip:a@|missing host",
            "sip:@example.com|empty user part before '@'",
            "sip:a b@example.com|user part: whitespace is not allowed",
            "sip:a@exa_mple.com|'exa_mple.com' is not a host name or IP address",
            "sip:a@-example.com|'-example.com' is not a host name or IP address",
            "sip:a@1.2.3.400|'1.2.3.400' is not a host name or IP address",
            "sip:a@example.com:0|port 0 is out of range 1-65535",
            "sip:a@example.com:70000|port 70000 is out of range 1-65535",
            "sip:a@example.com:50x|port '50x' is not a number",
            "sip:a@[2001:db8::1|IPv6 reference without ']'",
            "sip:a@[zz::1]|'[zz::1]' is not an IPv6 address",
            "sip:a@example.com;transport=udp;transport=tcp|parameter transport appears more than once",
            "sip:a@example.com;;lr|empty URI parameter",
            "sip:a@example.com;transport=|parameter transport: empty value",
    })
    void invalidUri_hasAPreciseReason(String uri, String reason) {
        assertEquals(reason, error(uri));
    }

    @Test
    void sipsAndIpv6AndPort() {
        SipTarget t = ok("SIPS:bob@[::1]:5061");
        assertEquals(true, t.secure());
        assertEquals("[::1]", t.host());
        assertEquals(OptionalInt.of(5061), t.port());
    }

    @Test
    void telephoneUser_mayContainSemicolons() {
        SipTarget t = ok("sip:+1-555-123;phone-context=example.com@gw.example.com;user=phone");
        assertEquals(Optional.of("+1-555-123;phone-context=example.com"), t.user());
        assertEquals("gw.example.com", t.host());
        assertEquals(Optional.of("phone"), t.parameter("user"));
    }

    @Test
    void of_throwsTheReasonForCodeThatBuildsABadUri() {
        assertEquals("sip:a@example.com", SipTarget.of(" sip:a@example.com ").uri());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SipTarget.of("sip:a@example.com?Via=x"));
        assertEquals("header Via is set by the SIP stack and cannot come from the URI", e.getMessage());
    }
}
