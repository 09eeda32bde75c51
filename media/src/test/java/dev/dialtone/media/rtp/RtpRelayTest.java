package dev.dialtone.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dialtone.media.stats.LegStats;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RtpRelayTest {

    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;

    private RtpRelay relay;

    static Stream<Boolean> transports() {
        return Epoll.isAvailable() ? Stream.of(false, true) : Stream.of(false);
    }

    private RtpRelay relay(boolean nativeTransport, int low, int high, Duration mediaTimeout) {
        relay = RtpRelay.create(RtpRelayConfig.builder()
                .bindAddress(Phone.LOOPBACK)
                .ports(low, high)
                .ioThreads(1)
                .nativeTransport(nativeTransport)
                .mediaTimeout(mediaTimeout)
                .latchHoldoff(Duration.ofSeconds(30))
                .build());
        assertEquals(nativeTransport, relay.isNativeTransport());
        return relay;
    }

    @AfterEach
    void closeRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void onAnIpv4Address_theSessionsSocketsAreIpv4(boolean nativeTransport) throws Exception {
        // A dual-stack socket would show in /proc/net/udp6 and run each packet through the IPv6 layer too.
        relay(nativeTransport, 25000, 25099, Duration.ofSeconds(5));
        try (MediaSession s = relay.openSession((leg, silence) -> { })) {
            for (int port : new int[]{s.legA().localRtpPort(), s.legA().localRtcpPort(), s.legB().localRtpPort()}) {
                assertTrue(boundIn("/proc/net/udp", port), "IPv4 socket on " + port);
                assertFalse(boundIn("/proc/net/udp6", port), "no IPv6 socket on " + port);
            }
        }
    }

    private static boolean boundIn(String table, int port) throws java.io.IOException {
        return Files.readAllLines(Path.of(table)).stream().skip(1).map(r -> r.trim().split("\\s+")[1])
                .anyMatch(local -> Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port);
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void twoPhones_payloadUntouched_latching_hijackDropped_timeout_stats(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ofMillis(300));
        Map<MediaLeg.Side, Duration> timeouts = new ConcurrentHashMap<>();
        CountDownLatch timedOut = new CountDownLatch(2);
        try (Phone sdpA = new Phone(1); Phone natA = new Phone(0xA0A0A0L); Phone phoneB = new Phone(0xB0B0B0L);
             Phone intruder = new Phone(0xBADL);
             MediaSession s = relay.openSession((leg, silence) -> {
                 timeouts.put(leg.side(), silence);
                 timedOut.countDown();
             })) {
            MediaLeg a = s.legA();
            MediaLeg b = s.legB();
            assertEquals(0, a.localRtpPort() % 2);
            assertEquals(a.localRtpPort() + 1, a.localRtcpPort());
            // A's SDP names one port, but (as behind a NAT) it sends from another
            a.setRemote(sdpA.address());
            b.setRemote(phoneB.address());
            a.setStreamFormat(8000, TELEPHONE_EVENT);
            b.setStreamFormat(8000, TELEPHONE_EVENT);

            for (int i = 0; i < 10; i++) {
                byte[] sent = natA.nextPacket(PCMU, 160);
                natA.send(sent, a.localRtpPort());
                assertArrayEquals(sent, phoneB.receive(), "A -> B packet " + i);
            }
            for (int i = 0; i < 7; i++) {
                byte[] sent = phoneB.nextPacket(PCMU, 160);
                phoneB.send(sent, b.localRtpPort());
                // latched: to the address A really sends from, not the SDP one
                assertArrayEquals(sent, natA.receive(), "B -> A packet " + i);
            }
            assertEquals(natA.address(), a.latchedSource().orElseThrow());
            assertNull(sdpA.receiveWithin(50));

            // a third address may not take over A's stream: its packet is dropped, A's next one goes on
            intruder.send(intruder.nextPacket(PCMU, 160), a.localRtpPort());
            for (int i = 0; i < 2; i++) {
                byte[] dtmf = natA.nextPacket(TELEPHONE_EVENT, 4);
                natA.send(dtmf, a.localRtpPort());
                assertArrayEquals(dtmf, phoneB.receive(), "A's DTMF after the intrusion");
            }
            assertEquals(natA.address(), a.latchedSource().orElseThrow());

            LegStats statsA = a.stats();
            LegStats statsB = b.stats();
            assertEquals(10, statsA.mediaPacketsIn());
            assertEquals(2, statsA.dtmfPacketsIn());
            assertEquals(1, statsA.foreignPacketsDropped());
            assertEquals(7, statsA.mediaPacketsOut());
            assertEquals(7, statsB.mediaPacketsIn());
            assertEquals(10, statsB.mediaPacketsOut());
            assertEquals(2, statsB.dtmfPacketsOut());
            assertEquals(0, statsA.packetsLost());
            assertEquals("10", statsA.toCallbackFields().get("AudioInMediaPacketCount"));
            assertEquals("2", statsB.toCallbackFields().get("AudioOutDtmfPacketCount"));
            assertTrue(relay.packetsRelayed() >= 19);

            s.startMediaTimeout();
            assertTrue(timedOut.await(5, TimeUnit.SECONDS), "both legs reported silent");
            assertTrue(timeouts.get(MediaLeg.Side.A).toMillis() >= 300);
            assertTrue(timeouts.get(MediaLeg.Side.B).toMillis() >= 300);
            assertEquals(1, a.stats().mediaTimeouts());
        }
        assertEquals(0, relay.activeSessions());
        assertEquals(0, relay.allocator().inUse());
        assertEquals(0, relay.openChannels());
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void rtcp_isRelayedPerLeg_andGivesRoundTripTime(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ZERO);
        try (Phone rtpA = new Phone(1); Phone rtcpA = new Phone(2); Phone rtpB = new Phone(3); Phone rtcpB = new Phone(4);
             MediaSession s = relay.openSession((leg, silence) -> { })) {
            s.legA().setRemote(rtpA.address(), rtcpA.address());
            s.legB().setRemote(rtpB.address(), rtcpB.address());

            // RFC 3550 6.4.1 SR from A: header, SSRC, NTP 0x0000AAAA_BBBB0000, RTP ts, counts; no blocks
            ByteBuffer sr = ByteBuffer.allocate(28);
            sr.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(0xA)
                    .putInt(0x0000AAAA).putInt(0xBBBB0000).putInt(1234).putInt(10).putInt(1600);
            rtcpA.send(sr.array(), s.legA().localRtcpPort());
            assertArrayEquals(sr.array(), rtcpB.receive());

            // B answers with an RR whose block echoes LSR = middle 32 bits 0xAAAABBBB, DLSR 0
            ByteBuffer rr = ByteBuffer.allocate(32);
            rr.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(0xB)
                    .putInt(0xA).putInt(0).putInt(0).putInt(0).putInt(0xAAAABBBB).putInt(0);
            rtcpB.send(rr.array(), s.legB().localRtcpPort());
            assertArrayEquals(rr.array(), rtcpA.receive());

            double rtt = s.legB().stats().roundTripTimeMs().orElseThrow();
            assertTrue(rtt >= 0 && rtt < 5000, "rtt " + rtt);
            assertTrue(s.legA().stats().roundTripTimeMs().isEmpty());
            assertNull(rtpB.receiveWithin(20), "RTCP does not leak onto the RTP port");
        }
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void transforms_runOnTheWayInAndOut(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ZERO);
        try (Phone phoneA = new Phone(1); Phone phoneB = new Phone(2);
             MediaSession s = relay.openSession((leg, silence) -> { })) {
            s.legA().setRemote(phoneA.address());
            s.legB().setRemote(phoneB.address());
            // as SRTP would: a 4-byte tag appended on the way out to B; whatever B sends refused,
            // as a failed authentication would be
            s.legB().setTransforms(new LegTransforms(pkt -> -1, pkt -> {
                pkt.writeInt(0xCAFEBABE);
                return pkt.readableBytes();
            }, PacketTransform.IDENTITY, PacketTransform.IDENTITY));

            byte[] sent = phoneA.nextPacket(PCMU, 160);
            phoneA.send(sent, s.legA().localRtpPort());
            byte[] got = phoneB.receive();
            assertEquals(sent.length + 4, got.length);
            assertEquals(0xCAFEBABE, ByteBuffer.wrap(got, sent.length, 4).getInt());

            phoneB.send(phoneB.nextPacket(PCMU, 160), s.legB().localRtpPort());
            assertNull(phoneA.receiveWithin(100));
            assertEquals(0, s.legB().stats().mediaPacketsIn());
        }
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void manySessions_openAndClose_leaveNothingBehind(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 25000, 25999, Duration.ofSeconds(10));
        for (int i = 0; i < 200; i++) {
            MediaSession s = relay.openSession((leg, silence) -> { });
            s.startMediaTimeout();
            assertEquals(4, relay.openChannels());
            s.close();
        }
        assertEquals(0, relay.activeSessions());
        assertEquals(0, relay.allocator().inUse());
        assertEquals(0, relay.openChannels());
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void exhaustedRange_isAValue_andRecovers(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 26000, 26003, Duration.ZERO);
        MediaSession first = relay.openSession((leg, silence) -> { });
        MediaUnavailableException e = assertThrows(MediaUnavailableException.class,
                () -> relay.openSession((leg, silence) -> { }));
        assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
        assertEquals(2, relay.allocator().inUse());
        first.close();
        first.close();
        relay.openSession((leg, silence) -> { }).close();
        assertEquals(0, relay.allocator().inUse());
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void closingFromTheTimeoutCallback_releasesThePorts(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ofMillis(100));
        MediaSession s = relay.openSession((leg, silence) -> leg.session().close());
        s.startMediaTimeout();
        s.closeFuture().get(5, TimeUnit.SECONDS);
        assertEquals(0, relay.allocator().inUse());
        assertEquals(0, relay.openChannels());
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void portHeldByAnotherProcess_isSkipped(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 26100, 26105, Duration.ZERO);
        try (java.net.DatagramSocket squatter = new java.net.DatagramSocket(new InetSocketAddress(Phone.LOOPBACK, 26100))) {
            MediaSession s = relay.openSessionAsync((leg, silence) -> { }).get(5, TimeUnit.SECONDS);
            assertEquals(26102, s.legA().localRtpPort());
            assertEquals(26104, s.legB().localRtpPort());
            assertEquals(2, relay.allocator().inUse());
            assertEquals(4, relay.openChannels());
            s.close();
        }
        assertEquals(0, relay.allocator().inUse());
        assertEquals(0, relay.openChannels());
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void generatedReceiverReports_describeTheEndpointsStream(boolean nativeTransport) throws Exception {
        relay = RtpRelay.create(RtpRelayConfig.builder().bindAddress(Phone.LOOPBACK).ports(24000, 24999)
                .ioThreads(1).nativeTransport(nativeTransport).mediaTimeout(Duration.ZERO)
                .rtcpReportInterval(Duration.ofMillis(40)).build());
        try (Phone rtpA = new Phone(0x5151L); Phone rtcpA = new Phone(2);
             MediaSession s = relay.openSession((leg, silence) -> { })) {
            s.legA().setRemote(rtpA.address(), rtcpA.address());
            int lastSeq = 0;
            for (int i = 0; i < 10; i++) {
                byte[] p = rtpA.nextPacket(PCMU, 160);
                lastSeq = ByteBuffer.wrap(p).getShort(2) & 0xFFFF;
                if (i != 4) {
                    rtpA.send(p, s.legA().localRtpPort());
                }
            }
            ByteBuffer sr = ByteBuffer.allocate(28);
            sr.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(0x5151)
                    .putInt(0x00001111).putInt(0x22220000).putInt(0).putInt(9).putInt(1440);
            rtcpA.socket.send(new java.net.DatagramPacket(sr.array(), 28, Phone.LOOPBACK, s.legA().localRtcpPort()));

            ByteBuffer report = null;
            for (int i = 0; i < 50 && report == null; i++) {
                ByteBuffer r = ByteBuffer.wrap(rtcpA.receive());
                boolean complete = (r.get(0) & 0x1F) == 1 && r.getInt(8 + 16) != 0
                        && (r.getInt(8 + 8) & 0xFFFF) == lastSeq;
                report = complete ? r : null;
            }
            assertTrue(report != null, "a receiver report covering the stream and the SR arrived");
            // RFC 3550 6.4.2 RR with one block: 32 bytes, length 7
            assertEquals(0x81, report.get(0) & 0xFF);
            assertEquals(201, report.get(1) & 0xFF);
            assertEquals(7, report.getShort(2));
            assertEquals(0x5151, report.getInt(8));
            assertEquals(1, report.getInt(12) & 0xFFFFFF, "cumulative lost");
            assertEquals(0x11112222, report.getInt(24), "LSR: the SR's middle NTP bits");
            assertTrue((report.getInt(28) & 0xFFFFFFFFL) < 65536 * 5L, "DLSR under 5 s");
            // then SDES with a CNAME (RFC 3550 6.1: every compound packet carries one)
            assertEquals(202, report.get(32 + 1) & 0xFF);
            assertEquals(report.getInt(4), report.getInt(36), "same SSRC in RR and SDES");
            assertEquals(1, report.get(40), "CNAME item");
            int length = report.get(41);
            String cname = new String(report.array(), 42, length, java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(cname.endsWith("@dialtone"), cname);
            assertEquals(32 + 4 + 4 * report.getShort(34), report.limit(), "compound length adds up");
        }
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void packetRefusedByTheInboundTransform_doesNotLatch(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ZERO);
        try (Phone phoneA = new Phone(0xA1L); Phone phoneB = new Phone(0xB1L); Phone forger = new Phone(0xBADL);
             MediaSession s = relay.openSession((leg, silence) -> { })) {
            s.legA().setRemote(phoneA.address());
            s.legB().setRemote(phoneB.address());
            // stands in for SRTP authentication: the forger's packets fail it
            s.legA().setTransforms(new LegTransforms(pkt -> pkt.getInt(pkt.readerIndex() + 8) == 0xBAD ? -1
                    : pkt.readableBytes(), PacketTransform.IDENTITY, PacketTransform.IDENTITY, PacketTransform.IDENTITY));
            forger.send(forger.nextPacket(PCMU, 160), s.legA().localRtpPort());
            byte[] genuine = phoneA.nextPacket(PCMU, 160);
            phoneA.send(genuine, s.legA().localRtpPort());
            assertArrayEquals(genuine, phoneB.receive());
            assertEquals(phoneA.address(), s.legA().latchedSource().orElseThrow());
            assertEquals(1, s.legA().stats().mediaPacketsIn());
        }
    }

    @ParameterizedTest(name = "native={0}")
    @MethodSource("transports")
    void dtmfEvents_areReportedOncePerEvent_andStillRelayed(boolean nativeTransport) throws Exception {
        relay(nativeTransport, 24000, 24999, Duration.ZERO);
        java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        MediaSessionListener listener = new MediaSessionListener() {
            @Override
            public void onMediaTimeout(MediaLeg leg, Duration silence) {
            }

            @Override
            public void onDtmf(MediaLeg leg, int event) {
                events.add(leg.side() + ":" + event);
                two.countDown();
            }
        };
        try (Phone phoneA = new Phone(1); Phone phoneB = new Phone(2); MediaSession s = relay.openSession(listener)) {
            s.legA().setRemote(phoneA.address());
            s.legB().setRemote(phoneB.address());
            s.legA().setStreamFormat(8000, TELEPHONE_EVENT);
            // RFC 4733: '*' (event 10) as three packets of one event (same timestamp), then '#' (11).
            for (int[] e : new int[][] {{10, 1000}, {10, 1000}, {10, 1000}, {11, 2000}}) {
                byte[] p = new byte[16];
                p[0] = (byte) 0x80;
                p[1] = (byte) TELEPHONE_EVENT;
                ByteBuffer.wrap(p, 4, 4).putInt(e[1]);
                p[12] = (byte) e[0];
                p[13] = (byte) 0x0A;
                phoneA.send(p, s.legA().localRtpPort());
                assertNotNull(phoneB.receive(), "telephone-event packets are relayed too");
            }
            assertTrue(two.await(5, TimeUnit.SECONDS));
            assertEquals(java.util.List.of("A:10", "A:11"), events);
        }
    }
}
