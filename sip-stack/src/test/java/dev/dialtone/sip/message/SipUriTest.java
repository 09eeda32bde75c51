package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipUriTest {

    @Test
    void fullSipUri() {
        SipUri u = SipUri.parse("sips:alice:secr%65t@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1"
            + "?subject=project%20x&priority=urgent");
        assertTrue(u.secure());
        assertEquals("alice", u.user());
        assertEquals("secret", u.password());
        assertEquals("atlanta.example.com", u.host());
        assertEquals(5061, u.port());
        assertEquals("tcp", u.transport());
        assertTrue(u.lr());
        assertEquals("239.255.255.1", u.maddr());
        assertEquals("project x", u.headers().get("subject"));
        assertEquals("sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1"
            + "?subject=project%20x&priority=urgent", u.toString());
    }

    @Test
    void userEscapesAreDecodedAndReEscapedOnlyWhereNeeded() {
        SipUri u = SipUri.parse("sip:sips%3Auser%40example.com@example.net");
        assertEquals("sips:user@example.com", u.user());
        assertEquals("example.net", u.host());
        assertEquals("sip:sips%3Auser%40example.com@example.net", u.toString());
        assertEquals("user", SipUri.parse("sip:%75se%72@example.com").user());
        assertEquals("sip:user@example.com", SipUri.parse("sip:%75se%72@example.com").toString());
        assertEquals("user;par=u@example.net", SipUri.parse("sip:user;par=u%40example.net@example.com").user());
    }

    @Test
    void ipv6ReferencesAndPorts() {
        SipUri amb = SipUri.parse("sip:[2001:db8::10:5070]");
        assertEquals("[2001:db8::10:5070]", amb.host());
        assertEquals(-1, amb.port());
        SipUri port = SipUri.parse("sip:user@[2001:db8::10]:5070");
        assertEquals("[2001:db8::10]", port.host());
        assertEquals(5070, port.port());
        assertTrue(port.isIpv6());
        assertEquals("Bad URI: IPv6 address must be enclosed in []",
            assertThrows(SipParseException.class, () -> SipUri.parse("sip:2001:db8::10")).reason());
    }

    @Test
    void otherSchemes() {
        assertInstanceOf(TelUri.class, Uri.parse("tel:+358-555-1234567;postd=pp22"));
        AbsoluteUri a = assertInstanceOf(AbsoluteUri.class, Uri.parse("soap.beep://192.0.2.103:3002"));
        assertEquals("soap.beep", a.scheme());
        assertEquals("soap.beep://192.0.2.103:3002", a.toString());
        assertEquals("Bad URI: URI without scheme", assertThrows(SipParseException.class, () -> Uri.parse("<sip:a@b>")).reason());
    }

    @Test
    void withersAndBuilder() {
        SipUri u = SipUri.builder("example.com").user("bob").port(5080).param("transport", "udp").build();
        assertEquals("sip:bob@example.com:5080;transport=udp", u.toString());
        assertEquals("sip:bob@example.com:5080;transport=udp;lr", u.withParam("lr", null).toString());
        assertNull(u.withoutParam("transport").transport());
        assertEquals(u, SipUri.parse(u.toString()));
    }

    @Test
    void badUris() {
        assertEquals("Bad URI: empty URI parameter", assertThrows(SipParseException.class,
            () -> Uri.parse("sip:a@b;;lr")).reason());
        assertEquals("Bad URI: bad escape in user part", assertThrows(SipParseException.class,
            () -> Uri.parse("sip:a%2@b")).reason());
        assertEquals("Bad URI: invalid port", assertThrows(SipParseException.class,
            () -> Uri.parse("sip:a@b:99999999")).reason());
    }
}
