package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class LocatorTest {
    private final Locator numeric = Locator.numeric();

    private static Uri uri(String text) {
        return SipUri.parse(text);
    }

    @Test
    void anIpLiteralGivesItsAddressPortAndTransport() {
        assertEquals(Destination.of(Transport.TCP, new InetSocketAddress("127.0.0.1", 5070)),
                numeric.locate(uri("sip:bob@127.0.0.1:5070;transport=tcp"), Transport.UDP));
        assertEquals(Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", 5060)),
                numeric.locate(uri("sip:bob@127.0.0.1"), Transport.UDP));
        assertEquals(Destination.of(Transport.TLS, new InetSocketAddress("::1", 5061)),
                numeric.locate(uri("sips:bob@[::1]"), Transport.UDP));
        assertNull(numeric.locate(uri("sip:bob@example.com"), Transport.UDP));
    }

    @Test
    void theSameHopTwiceGivesTheSameDestination_aDifferentOneANewOne() {
        Destination first = numeric.locate(uri("sip:a@127.0.0.1:5080"), Transport.UDP);
        assertSame(first, numeric.locate(uri("sip:b@127.0.0.1:5080"), Transport.UDP));
        assertEquals(5081, numeric.locate(uri("sip:a@127.0.0.1:5081"), Transport.UDP).address().getPort());
        assertEquals(Transport.TCP,
                numeric.locate(uri("sip:a@127.0.0.1:5080;transport=tcp"), Transport.UDP).transport());
        assertEquals("127.0.0.2",
                numeric.locate(uri("sip:a@127.0.0.2:5080"), Transport.UDP).address().getAddress().getHostAddress());
        assertEquals("127.0.0.3", numeric.locate(uri("sip:a@127.0.0.1:5080;maddr=127.0.0.3"), Transport.UDP)
                .address().getAddress().getHostAddress());
    }
}
