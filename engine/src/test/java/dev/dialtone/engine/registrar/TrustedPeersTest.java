package dev.dialtone.engine.registrar;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedPeersTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void noList_trustsEveryone() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(List.of());
        assertTrue(peers.isOpen());
        assertTrue(peers.allows(ip("198.51.100.7")));
        assertTrue(peers.allows(ip("2001:db8::1")));
    }

    @Test
    void ipv4Blocks_matchByPrefix_andSingleAddressesExactly() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(List.of("203.0.113.0/24", " 198.51.100.7 ", "10.0.0.0/8"));
        assertTrue(peers.allows(ip("203.0.113.200")));
        assertFalse(peers.allows(ip("203.0.114.1")));
        assertTrue(peers.allows(ip("198.51.100.7")));
        assertFalse(peers.allows(ip("198.51.100.8")));
        assertTrue(peers.allows(ip("10.255.1.2")));
        assertFalse(peers.allows(ip("127.0.0.1")));
        assertFalse(peers.allows(ip("2001:db8::1")), "an IPv6 source never matches an IPv4 block");
        assertEquals("203.0.113.0/24,198.51.100.7/32,10.0.0.0/8", peers.toString());
    }

    @Test
    void ipv6Blocks_andIpv4MappedSources() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(List.of("2001:db8::/32", "[fd00::1]", "192.0.2.0/25"));
        assertTrue(peers.allows(ip("2001:db8:ffff::5")));
        assertFalse(peers.allows(ip("2001:db9::5")));
        assertTrue(peers.allows(ip("fd00::1")));
        assertFalse(peers.allows(ip("fd00::2")));
        // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
        assertTrue(peers.allows(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192,
                0, 2, 100})));
        assertFalse(peers.allows(ip("192.0.2.200")));
    }

    @Test
    void prefixZero_trustsTheWholeFamily() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(List.of("0.0.0.0/0"));
        assertTrue(peers.allows(ip("8.8.8.8")));
        assertFalse(peers.allows(ip("::1")));
    }

    @Test
    void badEntries_nameTheEntry() {
        assertEquals("trusted peer 'example.com' is not an IP address or CIDR block",
                assertThrows(IllegalArgumentException.class, () -> TrustedPeers.parse(List.of("example.com")))
                        .getMessage());
        assertEquals("trusted peer '10.0.0.0/33' has a prefix outside 0..32",
                assertThrows(IllegalArgumentException.class, () -> TrustedPeers.parse(List.of("10.0.0.0/33")))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedPeers.parse(List.of("::/129")));
        assertThrows(IllegalArgumentException.class, () -> TrustedPeers.parse(List.of("10.0.0.0/x")));
    }
}
