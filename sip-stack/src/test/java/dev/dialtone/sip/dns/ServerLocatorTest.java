package dev.dialtone.sip.dns;

import dev.dialtone.sip.transport.Transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerLocatorTest {
    private EventLoopGroup group;
    private TestDnsServer dns;
    private ServerLocator locator;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        dns = new TestDnsServer();
        locator = locator(Set.of(Transport.UDP, Transport.TCP, Transport.TLS), new Random(7));
    }

    private ServerLocator locator(Set<Transport> transports, Random random) {
        return ServerLocator.builder(group.next()).nameServers(List.of(dns.address())).clock(clock).random(random)
                .transports(transports).queryTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        locator.close();
        dns.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private List<Target> locate(NextHop d) throws Exception {
        return locator.locate(d).toCompletableFuture().get(5, TimeUnit.SECONDS).targets();
    }

    private ServerLocationException failure(NextHop d) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> locator.locate(d).toCompletableFuture().get(5, TimeUnit.SECONDS));
        return assertInstanceOf(ServerLocationException.class, e.getCause());
    }

    private static Target target(Transport t, String ip, int port) {
        return new Target(t, new InetSocketAddress(ip, port));
    }

    @Test
    void naptrThenSrvThenA() throws Exception {
        dns.naptr("example.com", 3600, 50, 50, "s", "SIPS+D2T", "_sips._tcp.example.com")
                .naptr("example.com", 3600, 90, 50, "s", "SIP+D2T", "_sip._tcp.example.com")
                .naptr("example.com", 3600, 100, 50, "s", "SIP+D2U", "_sip._udp.example.com")
                .naptr("example.com", 3600, 10, 50, "u", "E2U+sip", "!^.*$!sip:info@example.com!")
                .srv("_sips._tcp.example.com", 3600, 0, 0, 5061, "sip1.example.com")
                .srv("_sip._tcp.example.com", 3600, 0, 0, 5060, "sip1.example.com")
                .srv("_sip._udp.example.com", 3600, 0, 0, 5070, "sip2.example.com")
                .a("sip1.example.com", 3600, "192.0.2.10")
                .aaaa("sip1.example.com", 3600, "2001:db8::10")
                .a("sip2.example.com", 3600, "192.0.2.20");
        assertEquals(List.of(
                target(Transport.TLS, "192.0.2.10", 5061), target(Transport.TLS, "2001:db8::10", 5061),
                target(Transport.TCP, "192.0.2.10", 5060), target(Transport.TCP, "2001:db8::10", 5060),
                target(Transport.UDP, "192.0.2.20", 5070)), locate(NextHop.sip("example.com")));
        assertEquals(1, dns.queries(DnsRecordType.NAPTR, "example.com"));
        // The NAPTR replacement names the SRV records; the per-transport SRV fallback is not needed.
        assertEquals(0, dns.queries(DnsRecordType.A, "example.com"));
    }

    @Test
    void naptrForSipsKeepsOnlySipsServices() throws Exception {
        dns.naptr("example.com", 3600, 10, 50, "s", "SIP+D2U", "_sip._udp.example.com")
                .naptr("example.com", 3600, 20, 50, "s", "SIPS+D2T", "_sips._tcp.example.com")
                .srv("_sip._udp.example.com", 3600, 0, 0, 5060, "udp.example.com")
                .srv("_sips._tcp.example.com", 3600, 0, 0, 5061, "tls.example.com")
                .a("udp.example.com", 3600, "192.0.2.1")
                .a("tls.example.com", 3600, "192.0.2.2");
        assertEquals(List.of(target(Transport.TLS, "192.0.2.2", 5061)), locate(NextHop.sips("example.com")));
        assertEquals(0, dns.queries(DnsRecordType.SRV, "_sip._udp.example.com"));
    }

    @Test
    void srvOnly_preferenceTlsThenTcpThenUdp() throws Exception {
        dns.exists("example.org")
                .srv("_sip._udp.example.org", 600, 0, 0, 5060, "a.example.org")
                .srv("_sip._tcp.example.org", 600, 0, 0, 5060, "b.example.org")
                .a("a.example.org", 600, "198.51.100.1")
                .a("b.example.org", 600, "198.51.100.2");
        assertEquals(List.of(target(Transport.TCP, "198.51.100.2", 5060), target(Transport.UDP, "198.51.100.1", 5060)),
                locate(NextHop.sip("example.org")));
        assertEquals(1, dns.queries(DnsRecordType.SRV, "_sips._tcp.example.org"));
    }

    @Test
    void srvOnlyAmongTransportsWeRun() throws Exception {
        locator.close();
        locator = locator(Set.of(Transport.UDP), new Random(1));
        dns.exists("example.org")
                .srv("_sip._udp.example.org", 600, 0, 0, 5080, "a.example.org")
                .srv("_sip._tcp.example.org", 600, 0, 0, 5060, "b.example.org")
                .a("a.example.org", 600, "198.51.100.1")
                .a("b.example.org", 600, "198.51.100.2");
        assertEquals(List.of(target(Transport.UDP, "198.51.100.1", 5080)), locate(NextHop.sip("example.org")));
        assertEquals(0, dns.queries(DnsRecordType.SRV, "_sip._tcp.example.org"));
    }

    @Test
    void aOnly_defaultPortsPerScheme() throws Exception {
        dns.a("pbx.example.net", 300, "203.0.113.5");
        assertEquals(List.of(target(Transport.UDP, "203.0.113.5", 5060)), locate(NextHop.sip("pbx.example.net")));
        assertEquals(List.of(target(Transport.TLS, "203.0.113.5", 5061)), locate(NextHop.sips("pbx.example.net")));
        assertEquals(List.of(target(Transport.TLS, "203.0.113.5", 5061)),
                locate(NextHop.sip("pbx.example.net").withTransport(Transport.TLS)));
    }

    @Test
    void explicitPortSkipsNaptrAndSrv() throws Exception {
        dns.naptr("example.com", 3600, 50, 50, "s", "SIP+D2T", "_sip._tcp.example.com")
                .srv("_sip._tcp.example.com", 3600, 0, 0, 5060, "other.example.com")
                .a("example.com", 3600, "192.0.2.7");
        assertEquals(List.of(target(Transport.UDP, "192.0.2.7", 5080)),
                locate(NextHop.sip("example.com").withPort(5080)));
        assertEquals(List.of(target(Transport.TLS, "192.0.2.7", 5081)),
                locate(NextHop.sips("example.com").withPort(5081)));
        assertEquals(0, dns.queries(DnsRecordType.NAPTR, "example.com"));
        assertEquals(0, dns.queries(DnsRecordType.SRV, "_sip._tcp.example.com"));
    }

    @Test
    void numericHostSkipsDns() throws Exception {
        assertEquals(List.of(target(Transport.UDP, "192.0.2.9", 5060)), locate(NextHop.sip("192.0.2.9")));
        assertEquals(List.of(target(Transport.TLS, "2001:db8::9", 5061)), locate(NextHop.sips("[2001:db8::9]")));
        assertEquals(List.of(target(Transport.TCP, "192.0.2.9", 5088)),
                locate(NextHop.sip("192.0.2.9").withPort(5088).withTransport(Transport.TCP)));
        assertEquals(0, dns.totalQueries());
    }

    @Test
    void transportParamSelectsThatSrvOnly() throws Exception {
        dns.naptr("example.com", 3600, 50, 50, "s", "SIP+D2U", "_sip._udp.example.com")
                .srv("_sip._tcp.example.com", 3600, 0, 0, 5062, "tcp.example.com")
                .a("tcp.example.com", 3600, "192.0.2.30");
        assertEquals(List.of(target(Transport.TCP, "192.0.2.30", 5062)),
                locate(NextHop.sip("example.com").withTransport(Transport.TCP)));
        assertEquals(0, dns.queries(DnsRecordType.NAPTR, "example.com"));
    }

    @Test
    void sipsWithTransportTcpMeansTls_andUdpIsRefused() throws Exception {
        dns.srv("_sips._tcp.example.com", 3600, 0, 0, 5061, "tls.example.com").a("tls.example.com", 60, "192.0.2.31");
        assertEquals(List.of(target(Transport.TLS, "192.0.2.31", 5061)),
                locate(NextHop.sips("example.com").withTransport(Transport.TCP)));
        ServerLocationException e = failure(NextHop.sips("example.com").withTransport(Transport.UDP));
        assertEquals(ServerLocationException.Reason.INVALID_DESTINATION, e.reason());
        assertEquals("sips: cannot use transport=udp", e.getMessage());
    }

    @Test
    void srvWithoutRecordsFallsBackToHostOnDefaultPort() throws Exception {
        dns.a("example.com", 3600, "192.0.2.40");
        assertEquals(List.of(target(Transport.TCP, "192.0.2.40", 5060)),
                locate(NextHop.sip("example.com").withTransport(Transport.TCP)));
        assertEquals(1, dns.queries(DnsRecordType.SRV, "_sip._tcp.example.com"));
    }

    @Test
    void srvPrioritiesComeFirst_weightsDrawnPerLocate() throws Exception {
        dns.srv("_sip._udp.example.com", 3600, 20, 0, 5060, "backup.example.com")
                .srv("_sip._udp.example.com", 3600, 10, 90, 5060, "heavy.example.com")
                .srv("_sip._udp.example.com", 3600, 10, 10, 5060, "light.example.com")
                .a("backup.example.com", 3600, "192.0.2.99")
                .a("heavy.example.com", 3600, "192.0.2.90")
                .a("light.example.com", 3600, "192.0.2.10");
        NextHop d = NextHop.sip("example.com").withTransport(Transport.UDP);
        int heavyFirst = 0;
        for (int i = 0; i < 400; i++) {
            List<Target> t = locate(d);
            assertEquals(3, t.size());
            assertEquals(target(Transport.UDP, "192.0.2.99", 5060), t.get(2));
            if (t.get(0).equals(target(Transport.UDP, "192.0.2.90", 5060))) {
                heavyFirst++;
            }
        }
        // Weight 90 against 10: the heavy server leads about 90% of the time (seeded, so stable).
        assertTrue(heavyFirst > 320 && heavyFirst < 395, "heavy first " + heavyFirst + "/400");
        // All from the cache: one SRV query.
        assertEquals(1, dns.queries(DnsRecordType.SRV, "_sip._udp.example.com"));
    }

    @Test
    void failoverWalksTheList() throws Exception {
        dns.srv("_sip._udp.example.com", 3600, 10, 0, 5060, "one.example.com")
                .srv("_sip._udp.example.com", 3600, 20, 0, 5060, "two.example.com")
                .a("one.example.com", 3600, "192.0.2.1")
                .a("two.example.com", 3600, "192.0.2.2");
        TargetList list = locator.locate(NextHop.sip("example.com").withTransport(Transport.UDP))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(target(Transport.UDP, "192.0.2.1", 5060)), list.current());
        assertEquals(Optional.of(target(Transport.UDP, "192.0.2.2", 5060)), list.failover());
        assertFalse(list.exhausted());
        assertEquals(Optional.empty(), list.failover());
        assertTrue(list.exhausted());
        assertEquals(Optional.empty(), list.failover());
    }

    @Test
    void cachedForMinimumTtlThenRefetched() throws Exception {
        dns.srv("_sip._udp.example.com", 300, 0, 0, 5060, "host.example.com").a("host.example.com", 60, "192.0.2.50");
        NextHop d = NextHop.sip("example.com").withTransport(Transport.UDP);
        List<Target> first = locate(d);
        assertEquals(List.of(target(Transport.UDP, "192.0.2.50", 5060)), first);
        clock.advance(Duration.ofSeconds(59));
        assertEquals(first, locate(d));
        assertEquals(1, dns.queries(DnsRecordType.SRV, "_sip._udp.example.com"));
        assertEquals(1, dns.queries(DnsRecordType.A, "host.example.com"));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(first, locate(d));
        assertEquals(2, dns.queries(DnsRecordType.SRV, "_sip._udp.example.com"));
        assertEquals(2, dns.queries(DnsRecordType.A, "host.example.com"));
    }

    @Test
    void concurrentLocatesShareOneResolution() throws Exception {
        dns.srv("_sip._tcp.example.com", 300, 0, 0, 5060, "host.example.com").a("host.example.com", 300, "192.0.2.70")
                .hold("_sip._tcp.example.com");
        NextHop d = NextHop.sip("example.com").withTransport(Transport.TCP);
        var first = locator.locate(d).toCompletableFuture();
        var second = locator.locate(d).toCompletableFuture();
        assertFalse(first.isDone());
        dns.release();
        assertEquals(first.get(5, TimeUnit.SECONDS).targets(), second.get(5, TimeUnit.SECONDS).targets());
        assertEquals(1, dns.queries(DnsRecordType.SRV, "_sip._tcp.example.com"));
    }

    @Test
    void nxdomainIsAPreciseError() {
        ServerLocationException e = failure(NextHop.sip("nowhere.invalid"));
        assertEquals(ServerLocationException.Reason.NXDOMAIN, e.reason());
        assertEquals("no A/AAAA records for nowhere.invalid: NXDOMAIN", e.getMessage());
    }

    @Test
    void existingNameWithoutAddressesIsNoRecords() {
        dns.exists("empty.example.com");
        ServerLocationException e = failure(NextHop.sip("empty.example.com").withPort(5060));
        assertEquals(ServerLocationException.Reason.NO_RECORDS, e.reason());
        assertEquals("no A/AAAA records for empty.example.com", e.getMessage());
    }

    @Test
    void unansweredQueriesAreATimeout() {
        locator.close();
        locator = ServerLocator.builder(group.next()).nameServers(List.of(dns.address())).clock(clock)
                .queryTimeout(Duration.ofMillis(200)).build();
        dns.silent("slow.example.com");
        ServerLocationException e = failure(NextHop.sip("slow.example.com").withPort(5060));
        assertEquals(ServerLocationException.Reason.TIMEOUT, e.reason());
        assertEquals("no A/AAAA records for slow.example.com: DNS timeout", e.getMessage());
    }

    @Test
    void servfailIsADnsError() {
        dns.error("broken.example.com", DnsResponseCode.SERVFAIL);
        ServerLocationException e = failure(NextHop.sip("broken.example.com").withPort(5060));
        assertEquals(ServerLocationException.Reason.DNS_ERROR, e.reason());
        assertTrue(e.getMessage().startsWith("no A/AAAA records for broken.example.com: "), e.getMessage());
    }

    @Test
    void srvTargetDotMeansNoService() throws Exception {
        dns.srv("_sip._udp.example.com", 3600, 0, 0, 0, ".").a("example.com", 3600, "192.0.2.60");
        assertEquals(List.of(target(Transport.UDP, "192.0.2.60", 5060)),
                locate(NextHop.sip("example.com").withTransport(Transport.UDP)));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
