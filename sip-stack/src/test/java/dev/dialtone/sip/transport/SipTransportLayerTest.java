package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import io.netty.channel.IoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipTransportLayerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    static Path dir;
    static IoEventLoopGroup group;
    static SelfSignedCertificate cert;

    @BeforeAll
    static void setUp() {
        group = SipTransportLayer.newEventLoopGroup(2);
        cert = SelfSignedCertificate.loadOrCreate(dir.resolve("shared"), "127.0.0.1");
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static TlsConfig tls() {
        return TlsConfig.fromPem(cert.certificatePem(), cert.privateKeyPem()).trustingCertificate(cert.certificatePem());
    }

    static Peer peer() throws IOException {
        return new Peer(group, Peer.config().tls(tls()).build());
    }

    static Peer peer(TransportConfig.Builder config) throws IOException {
        return new Peer(group, config.build());
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void requestAndResponse_crossBetweenTwoLayers(Transport transport) throws Exception {
        try (Peer a = peer(); Peer b = peer()) {
            SipRequest request = a.request(SipMethod.OPTIONS, transport, b);
            await(a.layer.send(request, b.destination(transport)));

            Inbound in = b.take();
            assertEquals(transport, in.transport());
            assertEquals(SipMethod.OPTIONS, ((SipRequest) in.message()).method());
            assertEquals(request.callId(), in.message().callId());
            Via via = in.message().topVia();
            // RFC 3581 4: rport filled with the source port, received added even though it equals sent-by.
            assertEquals(in.remote().getPort(), via.rport());
            assertEquals("127.0.0.1", via.received());
            if (transport == Transport.UDP) {
                assertEquals(a.layer.port(), in.remote().getPort(), "UDP leaves from the listening socket");
                assertNull(in.flow());
            } else {
                assertNotNull(in.flow());
                assertTrue(in.flow().isOpen());
            }

            SipResponse ok = ((SipRequest) in.message()).createResponse(200);
            await(b.layer.send(ok, in.responseDestination()));
            Inbound back = a.take();
            assertEquals(transport, back.transport());
            assertEquals(200, ((SipResponse) back.message()).status());
            assertEquals(request.topVia().branch(), back.message().topVia().branch());
        }
    }

    @Test
    void udpResponse_goesToSourcePortWithRport_andToViaPortWithout() throws Exception {
        try (Peer b = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK);
             DatagramSocket viaPort = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(5000);
            viaPort.setSoTimeout(5000);
            InetSocketAddress server = b.address(Transport.UDP);

            // Via names another port than the one the request leaves from; rport asks for the source port.
            byte[] withRport = Fixtures.load("options.sip", Transport.UDP, viaPort.getLocalPort(), true);
            client.send(new DatagramPacket(withRport, withRport.length, server));
            Inbound in = b.take();
            assertEquals(client.getLocalPort(), in.message().topVia().rport());
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
            String response = receive(client);
            assertTrue(response.startsWith("SIP/2.0 200 OK\r\n"), response);
            assertTrue(response.contains(";rport=" + client.getLocalPort()), response);
            assertTrue(response.contains(";received=127.0.0.1"), response);

            // RFC 3261 18.2.2: without rport the response goes to the source IP and the sent-by port.
            byte[] withoutRport = Fixtures.load("options.sip", Transport.UDP, viaPort.getLocalPort(), false);
            client.send(new DatagramPacket(withoutRport, withoutRport.length, server));
            in = b.take();
            assertNull(in.message().topVia().received(), "sent-by equals the source address: no received");
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
            response = receive(viaPort);
            assertTrue(response.startsWith("SIP/2.0 200 OK\r\n"), response);
        }
    }

    @Test
    void aUdpPortAnotherSocketHoldsWithReusePort_isNotJoined_theLayerDoesNotStart() throws Exception {
        // Linux lets a SO_REUSEPORT socket join any other of the same user on its port, and with epoll ours set it:
        // without a check, a second server on a taken port would start and split the first one's datagrams.
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll only");
        try (DatagramSocket other = new DatagramSocket(null)) {
            other.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            other.bind(new InetSocketAddress("127.0.0.1", 0));
            int taken = other.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> peer(Peer.config().port(taken)).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken + ": address already in use"), e.getMessage());
        }
    }

    @Test
    void udpOnAnIpv4Address_isAnIpv4Socket_andStillAnswers() throws Exception {
        // Linux lists IPv4 sockets in /proc/net/udp and IPv6 ones (dual-stack included) in /proc/net/udp6.
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(Path.of("/proc/net/udp6")));
        try (Peer b = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(5000);
            int port = b.address(Transport.UDP).getPort();
            String local = String.format(":%04X ", port);
            List<String> v4 = java.nio.file.Files.readAllLines(Path.of("/proc/net/udp"));
            List<String> v6 = java.nio.file.Files.readAllLines(Path.of("/proc/net/udp6"));
            assertTrue(v4.stream().anyMatch(l -> l.trim().split("\\s+")[1].endsWith(local.trim())), v4.toString());
            assertTrue(v6.stream().skip(1).noneMatch(l -> l.trim().split("\\s+")[1].endsWith(local.trim())),
                v6.toString());

            byte[] req = Fixtures.load("options.sip", Transport.UDP, client.getLocalPort(), true);
            client.send(new DatagramPacket(req, req.length, b.address(Transport.UDP)));
            Inbound in = b.take();
            assertEquals(client.getLocalPort(), in.remote().getPort());
        }
    }

    @Test
    void ipv4Literals_areTold_fromNamesAndIpv6() {
        assertTrue(Channels.isIpv4Literal("127.0.0.1"));
        assertTrue(Channels.isIpv4Literal("0.0.0.0"));
        assertTrue(Channels.isIpv4Literal("255.255.255.255"));
        for (String other : new String[] {"::1", "::", "localhost", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3",
            "a.b.c.d", "01234.1.1.1", "", null}) {
            assertTrue(!Channels.isIpv4Literal(other), String.valueOf(other));
        }
    }

    @Test
    void udp_requestsFromManySourcePorts_areAllHeard_andAnsweredFromTheSipPort() throws Exception {
        try (Peer b = peer()) {
            List<DatagramSocket> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    DatagramSocket c = new DatagramSocket(0, LOOPBACK);
                    c.setSoTimeout(5000);
                    clients.add(c);
                    byte[] req = Fixtures.load("options.sip", Transport.UDP, 9, true);
                    c.send(new DatagramPacket(req, req.length, b.address(Transport.UDP)));
                }
                for (int i = 0; i < clients.size(); i++) {
                    Inbound in = b.take();
                    await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
                }
                for (DatagramSocket c : clients) {
                    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                    c.receive(p);
                    assertEquals(b.layer.port(), p.getPort(), "answered from the SIP port");
                    assertTrue(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)
                        .contains(";rport=" + c.getLocalPort()));
                }
            } finally {
                clients.forEach(DatagramSocket::close);
            }
        }
    }

    /*
     * What one pass of an event loop sends leaves in one sendmmsg, and a receive takes several datagrams at once
     * (recvmmsg into slots the size of the largest datagram): neither may reorder, merge or cut a message.
     */
    @Test
    void udpBurst_sentInOnePassOfTheLoop_arrivesWholeAndInOrder_evenWithDatagramsNear64KiB() throws Exception {
        TransportConfig.Builder config = Peer.config().largeRequestsOverTcp(false).udpSocketBuffer(4 << 20);
        try (Peer a = peer(config); Peer b = peer(config)) {
            int n = 40;
            List<SipRequest> burst = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Every seventh near the largest datagram, so a receive's slots hold big and small ones alike.
                int body = i % 7 == 3 ? 60_000 : i * 13;
                burst.add(a.request(SipMethod.MESSAGE, Transport.UDP, b, body));
            }
            List<CompletionStage<Void>> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            group.next().submit(() -> burst.forEach(r -> sent.add(a.layer.send(r, b.destination(Transport.UDP)))))
                .syncUninterruptibly();
            for (CompletionStage<Void> s : sent) {
                await(s);
            }
            for (SipRequest expected : burst) {
                Inbound in = b.take();
                assertEquals(expected.callId(), in.message().callId(), "in the order sent");
                assertEquals(expected.body().length, in.message().body().length);
                assertTrue(java.util.Arrays.equals(expected.body(), in.message().body()));
            }
            b.assertNothingArrives(Duration.ofMillis(200));
        }
    }

    @Test
    void udpReceiveLoss_dropsThatShareOfDatagrams_butNotStreams() throws Exception {
        int sent = 400;
        try (Peer b = peer(Peer.config().tls(tls()).udpReceiveLoss(0.5)); Peer a = peer();
             DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            byte[] req = Fixtures.load("options.sip", Transport.UDP, client.getLocalPort(), true);
            for (int i = 0; i < sent; i++) {
                client.send(new DatagramPacket(req, req.length, b.address(Transport.UDP)));
                if (i % 50 == 49) {
                    Thread.sleep(5); // well inside the socket buffer: whatever is missing was dropped on purpose
                }
            }
            int heard = 0;
            while (b.inbox.poll(500, TimeUnit.MILLISECONDS) != null) {
                heard++;
            }
            // Binomial(400, 0.5): 200 +- 10; outside 120..280 is beyond 8 standard deviations.
            assertTrue(heard >= 120 && heard <= 280, "heard " + heard + " of " + sent);

            for (int i = 0; i < 20; i++) {
                await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, b), b.destination(Transport.TCP)));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(SipMethod.OPTIONS, ((SipRequest) b.take().message()).method(), "TCP loses nothing");
            }
        }
    }

    @Test
    void udpSendLossAndDuplication_dropOrRepeatThatShareOfSentDatagrams() throws Exception {
        int sent = 400;
        try (Peer lossy = peer(Peer.config().udpSendLoss(0.5)); Peer doubling = peer(Peer.config().udpSendDuplication(0.5));
             Peer other = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(500);
            client.setReceiveBufferSize(1 << 20);
            Destination to = Destination.of(Transport.UDP, new InetSocketAddress(LOOPBACK, client.getLocalPort()));
            for (Peer p : List.of(lossy, doubling)) {
                for (int i = 0; i < sent; i++) {
                    await(p.layer.send(p.request(SipMethod.OPTIONS, Transport.UDP, other), to));
                }
            }
            int fromLossy = 0;
            int fromDoubling = 0;
            byte[] buf = new byte[4096];
            try {
                while (true) {
                    DatagramPacket d = new DatagramPacket(buf, buf.length);
                    client.receive(d);
                    if (d.getPort() == lossy.address(Transport.UDP).getPort()) {
                        fromLossy++;
                    } else {
                        fromDoubling++;
                    }
                }
            } catch (java.net.SocketTimeoutException done) {
                // all arrived
            }
            // Binomial(400, 0.5): 200 +- 10 lost, 200 +- 10 repeated; the bounds are 8 standard deviations out.
            assertTrue(fromLossy >= 120 && fromLossy <= 280, "lossy peer: " + fromLossy + " of " + sent + " arrived");
            assertTrue(fromDoubling >= sent + 120 && fromDoubling <= sent + 280,
                    "doubling peer: " + fromDoubling + " arrived for " + sent + " sent");
        }
    }

    @Test
    void udpDuplicateDelay_sendsTheCopyLater() throws Exception {
        int sent = 100;
        try (Peer doubling = peer(Peer.config().udpSendDuplication(0.5).udpDuplicateDelay(Duration.ofMillis(600)));
             Peer other = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(2_000);
            client.setReceiveBufferSize(1 << 20);
            Destination to = Destination.of(Transport.UDP, new InetSocketAddress(LOOPBACK, client.getLocalPort()));
            for (int i = 0; i < sent; i++) {
                await(doubling.layer.send(doubling.request(SipMethod.OPTIONS, Transport.UDP, other), to));
            }
            long lastSent = System.nanoTime();
            // Each copy is drawn from 0-600 ms after its original: about half the ~50 copies come 300 ms or more
            // after the last original left. Without the delay every one comes at once.
            int received = 0;
            int late = 0;
            byte[] buf = new byte[4096];
            long deadline = lastSent + 1_500_000_000L;
            try {
                while (System.nanoTime() < deadline) {
                    client.receive(new DatagramPacket(buf, buf.length));
                    received++;
                    if (System.nanoTime() - lastSent >= 300_000_000L) {
                        late++;
                    }
                }
            } catch (java.net.SocketTimeoutException done) {
                // nothing more came for 2 s
            }
            // Binomial(100, 0.5) copies: 50 +- 5; bounds 6 standard deviations out. Late ones: about half of those.
            assertTrue(received >= sent + 20 && received <= sent + 80, received + " arrived for " + sent + " sent");
            assertTrue(late >= 5, "only " + late + " of " + (received - sent) + " copies came 300 ms after the last send");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TCP", "TLS"})
    void connections_areReusedInBothDirections(Transport transport) throws Exception {
        Peer a = peer();
        Peer b = peer();
        try (a; b) {
            await(a.layer.send(a.request(SipMethod.OPTIONS, transport, b), b.destination(transport)));
            await(a.layer.send(a.request(SipMethod.MESSAGE, transport, b), b.destination(transport)));
            Inbound first = b.take();
            Inbound second = b.take();
            assertEquals(first.flow().id(), second.flow().id(), "two requests, one connection");
            assertEquals(first.remote(), second.remote());
            assertEquals(1, a.layer.connectionCount());
            assertEquals(1, b.layer.connectionCount());

            // The response rides the request's connection (RFC 3261 18.2.2).
            Destination back = first.responseDestination();
            assertSame(first.flow(), back.flow());
            await(b.layer.send(((SipRequest) first.message()).createResponse(200), back));
            Inbound response = a.take();
            String aSide = response.flow().id();

            // A request from b to the address that connected to it reuses that connection, no flow given.
            SipRequest fromB = b.request(SipMethod.OPTIONS, transport, a);
            await(b.layer.send(fromB, Destination.of(transport, first.remote())));
            Inbound reverse = a.take();
            assertEquals(SipMethod.OPTIONS, ((SipRequest) reverse.message()).method());
            assertEquals(aSide, reverse.flow().id());
            assertEquals(1, a.layer.connectionCount());
            assertEquals(1, b.layer.connectionCount());
            assertEquals(aSide, a.layer.flow(aSide).orElseThrow().id());
        }
        // Closing releases every connection and table entry.
        assertEquals(0, a.layer.connectionCount());
        assertEquals(0, b.layer.connectionCount());
        assertTrue(a.layer.flow("tcp-1").isEmpty());
    }

    @Test
    void closedFlow_failsARequest_butAResponseGoesOverANewConnectionToTheViaPort() throws Exception {
        try (Peer a = peer(); Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, b), b.destination(Transport.TCP)));
            Inbound in = b.take();
            Destination pinned = in.responseDestination();
            assertSame(in.flow(), pinned.flow());
            ((Connection) in.flow()).channel.close().syncUninterruptibly();
            eventually(() -> b.layer.connectionCount() == 0 && a.layer.connectionCount() == 0, "connection gone");

            // RFC 5626: a request pinned to a dead flow fails, so that another flow can be tried.
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(b.layer.send(b.request(SipMethod.OPTIONS, Transport.TCP, a), pinned)));
            assertTrue(e.getCause().getMessage().contains("is closed"), e.getCause().getMessage());

            // RFC 3261 18.2.2: a response opens a new connection to the source IP and the Via sent-by port.
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), pinned));
            Inbound response = a.take();
            assertEquals(200, ((SipResponse) response.message()).status());
            assertEquals(a.layer.port(), response.local().getPort(), "arrived on a's listening port");
            assertNotEquals(in.flow().id(), response.flow().id());

            Destination recomputed = in.responseDestination();
            assertNull(recomputed.flow());
            assertEquals(a.layer.port(), recomputed.address().getPort());
        }
    }

    @Test
    void connectFailure_failsTheSend() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        try (Peer a = peer()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(a.layer.send(
                a.request(SipMethod.OPTIONS, Transport.TCP, a), Destination.of(Transport.TCP,
                    new InetSocketAddress(LOOPBACK, closedPort)))));
            assertInstanceOf(ConnectException.class, e.getCause());
            assertEquals(0, a.layer.connectionCount());
        }
    }

    @Test
    void largeRequestForUdp_goesOverTcp_withTopViaRewritten() throws Exception {
        try (Peer a = peer(); Peer b = peer()) {
            SipRequest big = a.request(SipMethod.MESSAGE, Transport.UDP, b, 1500);
            assertTrue(big.wireLength() > TransportConfig.UDP_MTU_LIMIT);
            await(a.layer.send(big, b.destination(Transport.UDP)));
            Inbound in = b.take();
            assertEquals(Transport.TCP, in.transport());
            assertEquals("TCP", in.message().topVia().transport());
            assertEquals(big.topVia().branch(), in.message().topVia().branch());
            assertEquals(1500, in.message().bodyLength());
        }
        try (Peer a = peer(Peer.config().largeRequestsOverTcp(false)); Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.MESSAGE, Transport.UDP, b, 1500), b.destination(Transport.UDP)));
            assertEquals(Transport.UDP, b.take().transport());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TCP", "TLS"})
    void doubleCrlfPing_getsSingleCrlfPong(Transport transport) throws Exception {
        try (Peer b = peer(); Socket s = RawClients.connect(transport, b.address(transport), cert)) {
            s.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            assertEquals('\r', in.read());
            assertEquals('\n', in.read());
            eventually(() -> b.layer.stats().pings() == 1, "ping counted");
            // Exactly one CRLF: nothing more follows.
            s.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, in::read);
        }
    }

    @Test
    void keepAlivePings_goOutOnClientFlows_andPongsKeepThemUp() throws Exception {
        Peer a = new Peer(group, Peer.config().keepAliveInterval(Duration.ofMillis(100)).build(),
            layer -> layer.pongTimeout(Duration.ofMillis(300)));
        try (a; Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, b), b.destination(Transport.TCP)));
            b.take();
            // Six pings take longer than interval + pong timeout, so the flow lives on its pongs.
            eventually(() -> b.layer.stats().pings() >= 6, "pings from the client flow");
            assertEquals(1, a.layer.connectionCount());
        }
    }

    @Test
    void keepAlivePing_withoutPong_closesTheFlow() throws Exception {
        Peer a = new Peer(group, Peer.config().keepAliveInterval(Duration.ofMillis(100)).build(),
            layer -> layer.pongTimeout(Duration.ofMillis(300)));
        try (a; ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) {
            CompletionStage<Void> sent = a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, a),
                Destination.of(Transport.TCP, new InetSocketAddress(LOOPBACK, silent.getLocalPort())));
            try (Socket s = silent.accept()) {
                await(sent);
                s.setSoTimeout(5000);
                String seen = readMessage(s.getInputStream());
                assertTrue(seen.startsWith("OPTIONS "), seen);
                assertEquals('\r', s.getInputStream().read(), "a ping follows");
                eventually(() -> a.layer.connectionCount() == 0, "flow closed for want of a pong");
            }
        }
    }

    @Test
    void idleConnections_close_serverAcceptedAndClientOpened() throws Exception {
        try (Peer b = peer(Peer.config().serverIdleTimeout(Duration.ofMillis(300)));
             Socket s = new Socket(LOOPBACK, b.layer.port())) {
            s.setSoTimeout(5000);
            eventually(() -> b.layer.connectionCount() == 1, "accepted");
            assertEquals(-1, s.getInputStream().read(), "server closes the idle connection");
            eventually(() -> b.layer.connectionCount() == 0, "table entry removed");
        }
        try (Peer a = peer(Peer.config().clientIdleTimeout(Duration.ofMillis(300))); Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, b), b.destination(Transport.TCP)));
            Inbound in = b.take();
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
            a.take();
            eventually(() -> a.layer.connectionCount() == 0 && b.layer.connectionCount() == 0,
                "client-opened connection closed after its idle timeout");
        }
    }

    @Test
    void idleClientConnection_awaitingAFinalResponse_staysOpen_untilAnswered() throws Exception {
        try (Peer a = peer(Peer.config().clientIdleTimeout(Duration.ofMillis(200))); Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.INVITE, Transport.TCP, b), b.destination(Transport.TCP)));
            Inbound invite = b.take();
            SipRequest request = (SipRequest) invite.message();
            await(b.layer.send(request.createResponse(180), invite.responseDestination()));
            assertEquals(180, ((SipResponse) a.take().message()).status());

            eventually(() -> a.layer.idleCloseDeferred.sum() >= 2, "idle close deferred twice while ringing");
            assertEquals(1, a.layer.connectionCount());

            await(b.layer.send(request.createResponse(200), invite.responseDestination()));
            assertEquals(200, ((SipResponse) a.take().message()).status());
            eventually(() -> a.layer.connectionCount() == 0 && b.layer.connectionCount() == 0,
                "closed once answered and idle");
        }
    }

    @Test
    void malformedRequestOverUdp_gets400WithTheReason() throws Exception {
        try (Peer b = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(5000);
            byte[] bad = Fixtures.load("bad-cseq-method.sip", Transport.UDP, 9, false);
            client.send(new DatagramPacket(bad, bad.length, b.address(Transport.UDP)));
            String response = receive(client);
            assertTrue(response.startsWith("SIP/2.0 400 Bad CSeq: method does not match request line\r\n"), response);
            assertTrue(response.contains("CSeq: 1 INVITE\r\n"), response);
            assertTrue(response.matches("(?s).*To: <sip:probe@127\\.0\\.0\\.1>;tag=\\w+\r\n.*"), response);
            b.assertNothingArrives(Duration.ofMillis(100));
            assertEquals(1, b.layer.stats().badRequestsAnswered());
        }
    }

    @Test
    void malformedRequestWithAnUnreadableVia_isDropped_andTheSocketStaysUp() throws Exception {
        try (Peer b = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(300);
            byte[] bad = Fixtures.load("bad-via-host.sip", Transport.UDP, 9, false);
            client.send(new DatagramPacket(bad, bad.length, b.address(Transport.UDP)));
            eventually(() -> b.layer.stats().dropped() == 1, "dropped");
            assertThrows(java.net.SocketTimeoutException.class, () -> receive(client), "no answer");
            assertEquals(0, b.layer.stats().badRequestsAnswered());
            byte[] good = Fixtures.load("options.sip", Transport.UDP, 9, true);
            client.send(new DatagramPacket(good, good.length, b.address(Transport.UDP)));
            assertEquals(SipMethod.OPTIONS, ((SipRequest) b.take().message()).method());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TCP", "TLS"})
    void lostFramingOnAStream_gets400ThenClose(Transport transport) throws Exception {
        try (Peer b = peer(); Socket s = RawClients.connect(transport, b.address(transport), cert)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(Fixtures.load("negative-content-length.sip", transport, 9, false));
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("SIP/2.0 400 Bad Content-Length: negative value\r\n"), response);
            eventually(() -> b.layer.connectionCount() == 0, "connection closed");
            b.assertNothingArrives(Duration.ofMillis(50));
        }
    }

    @Test
    void oversizeMessages_areDropped_andTheStreamClosed() throws Exception {
        try (Peer a = peer(); Peer b = peer(Peer.config().maxMessageSize(1024));
             Socket s = new Socket(LOOPBACK, b.layer.port())) {
            s.setSoTimeout(5000);
            SipRequest big = a.request(SipMethod.MESSAGE, Transport.TCP, b, 2000);
            s.getOutputStream().write(big.toBytes());
            s.getOutputStream().flush();
            assertClosedByPeer(s);
            eventually(() -> b.layer.connectionCount() == 0, "connection released");

            SipRequest bigUdp = a.request(SipMethod.MESSAGE, Transport.UDP, b, 1100);
            try (DatagramSocket u = new DatagramSocket(0, LOOPBACK)) {
                u.send(new DatagramPacket(bigUdp.toBytes(), bigUdp.wireLength(), b.address(Transport.UDP)));
            }
            eventually(() -> b.layer.stats().dropped() == 2, "both dropped");
            b.assertNothingArrives(Duration.ofMillis(50));
        }
    }

    @Test
    void malformedRequestOverTcp_keepsFraming_gets400_andConnectionStaysUsable() throws Exception {
        try (Peer b = peer(); Socket s = new Socket(LOOPBACK, b.layer.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(Fixtures.load("bad-cseq-method.sip", Transport.TCP, 9, false));
            s.getOutputStream().write(Fixtures.load("options.sip", Transport.TCP, 9, true));
            s.getOutputStream().flush();
            assertTrue(readMessage(s.getInputStream()).startsWith("SIP/2.0 400 Bad CSeq"));
            Inbound in = b.take();
            assertEquals(SipMethod.OPTIONS, ((SipRequest) in.message()).method());
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
            assertTrue(readMessage(s.getInputStream()).startsWith("SIP/2.0 200 OK"));
        }
    }

    @Test
    void responses_notForUs_orMalformed_areDropped() throws Exception {
        try (Peer b = peer(); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(200);
            byte[] foreign = Fixtures.load("response-foreign-via.sip", Transport.UDP, 9, false);
            client.send(new DatagramPacket(foreign, foreign.length, b.address(Transport.UDP)));
            byte[] garbage = "SIP/2.0 20 OK\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(garbage, garbage.length, b.address(Transport.UDP)));
            eventually(() -> b.layer.stats().dropped() == 2, "both dropped");
            b.assertNothingArrives(Duration.ofMillis(50));
            assertThrows(java.net.SocketTimeoutException.class, () -> receive(client), "no answer to a response");
        }
    }

    @Test
    void tls_withJdkSslSocketClient_trustingOnlyTheGeneratedCertificate() throws Exception {
        try (Peer b = peer(); Socket s = RawClients.connect(Transport.TLS, b.address(Transport.TLS), cert)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(Fixtures.load("options.sip", Transport.TLS, 9, true));
            s.getOutputStream().flush();
            Inbound in = b.take();
            assertEquals(Transport.TLS, in.transport());
            await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
            assertTrue(readMessage(s.getInputStream()).startsWith("SIP/2.0 200 OK\r\n"));
        }
    }

    @Test
    void tls_clientRejectsAServerItDoesNotTrust() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.loadOrCreate(dir.resolve("other"), "127.0.0.1");
        TlsConfig jdkTrust = TlsConfig.fromPem(other.certificatePem(), other.privateKeyPem());
        try (Peer a = peer(Peer.config().tls(jdkTrust)); Peer b = peer()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(
                a.layer.send(a.request(SipMethod.OPTIONS, Transport.TLS, b), b.destination(Transport.TLS))));
            assertInstanceOf(javax.net.ssl.SSLException.class, e.getCause());
            b.assertNothingArrives(Duration.ofMillis(50));
            eventually(() -> a.layer.connectionCount() == 0, "failed handshake leaves no connection");
        }
        try (Peer a = peer(Peer.config().tls(jdkTrust.insecureAcceptAnyServerCertificate())); Peer b = peer()) {
            await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TLS, b), b.destination(Transport.TLS)));
            assertEquals(Transport.TLS, b.take().transport());
        }
    }

    @Test
    void tls_selfSignedCertificate_isCreatedOnce_andReusedOnRestart() throws Exception {
        Path data = dir.resolve("restart");
        TransportConfig.Builder config = Peer.config().tls(TlsConfig.selfSigned(data).insecureAcceptAnyServerCertificate());
        byte[] first;
        try (Peer b = peer(config)) {
            first = java.nio.file.Files.readAllBytes(data.resolve("tls/cert.pem"));
            assertTrue(java.nio.file.Files.isRegularFile(data.resolve("tls/key.pem")));
            assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE),
                java.nio.file.Files.getPosixFilePermissions(data.resolve("tls/key.pem")));
        }
        try (Peer b = peer(config); Peer a = peer()) {
            assertEquals(new String(first, StandardCharsets.US_ASCII),
                java.nio.file.Files.readString(data.resolve("tls/cert.pem")), "same certificate after restart");
            SelfSignedCertificate kept = SelfSignedCertificate.loadOrCreate(data, "127.0.0.1");
            try (Socket s = RawClients.connect(Transport.TLS, b.address(Transport.TLS), kept)) {
                javax.net.ssl.SSLSession session = ((javax.net.ssl.SSLSocket) s).getSession();
                assertEquals(kept.certificate(), session.getPeerCertificates()[0]);
            }
            var sans = kept.certificate().getSubjectAlternativeNames().stream().map(l -> l.get(1)).toList();
            assertTrue(sans.containsAll(java.util.List.of("127.0.0.1", "localhost")), sans.toString());
        }
        // Another advertised host is not in the old certificate: a new one replaces it.
        SelfSignedCertificate renamed = SelfSignedCertificate.loadOrCreate(data, "sip.example.com");
        assertNotEquals(new String(first, StandardCharsets.US_ASCII),
            java.nio.file.Files.readString(renamed.certificatePem()));
    }

    @Test
    void tls_withOpensslSClient() throws Exception {
        if (!OpensslClient.available()) {
            System.out.println("SKIPPED tls_withOpensslSClient: no openssl on this machine");
            org.junit.jupiter.api.Assumptions.abort("openssl not installed");
        }
        try (Peer b = peer()) {
            Thread responder = new Thread(() -> {
                try {
                    Inbound in = b.inbox.poll(10, TimeUnit.SECONDS);
                    if (in != null) {
                        b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            responder.start();
            String out = OpensslClient.exchange(b.address(Transport.TLS), cert.certificatePem(),
                Fixtures.load("options.sip", Transport.TLS, 9, true), "SIP/2.0 200 OK");
            responder.join(5000);
            assertTrue(out.contains("Verify return code: 0 (ok)"), out);
            assertTrue(out.contains("SIP/2.0 200 OK"), out);
        }
    }

    @Test
    void close_releasesEveryChannel_andSendsFailAfterwards() throws Exception {
        Peer a = peer();
        Peer b = peer();
        await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TCP, b), b.destination(Transport.TCP)));
        await(a.layer.send(a.request(SipMethod.OPTIONS, Transport.TLS, b), b.destination(Transport.TLS)));
        b.take();
        b.take();
        assertEquals(2, a.layer.connectionCount());
        int port = b.layer.port();
        a.close();
        b.close();
        assertEquals(0, a.layer.connectionCount());
        assertEquals(0, b.layer.connectionCount());
        assertThrows(ExecutionException.class, () -> await(a.layer.send(
            a.request(SipMethod.OPTIONS, Transport.UDP, b), b.destination(Transport.UDP))));
        // The ports are free again.
        try (DatagramSocket u = new DatagramSocket(port, LOOPBACK); ServerSocket t = new ServerSocket(port, 1, LOOPBACK)) {
            assertEquals(port, u.getLocalPort());
            assertEquals(port, t.getLocalPort());
        }
    }

    @Test
    void nioGroup_carriesEveryTransport() throws Exception {
        IoEventLoopGroup nio = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        try (Peer a = new Peer(nio, Peer.config().tls(tls()).build()); Peer b = new Peer(nio, Peer.config().tls(tls()).build())) {
            for (Transport t : Transport.values()) {
                await(a.layer.send(a.request(SipMethod.OPTIONS, t, b), b.destination(t)));
                Inbound in = b.take();
                assertEquals(t, in.transport());
                await(b.layer.send(((SipRequest) in.message()).createResponse(200), in.responseDestination()));
                assertEquals(200, ((SipResponse) a.take().message()).status());
            }
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void withoutAGroup_theLayerCreatesOne_andShutsItDownOnClose() throws Exception {
        SipTransportLayer layer = new SipTransportLayer(Peer.config().build(), null);
        layer.start(in -> { });
        assertTrue(layer.executors().size() >= 1);
        assertTrue(layer.executors().contains(layer.eventLoopGroup().next()));
        layer.close();
        assertTrue(layer.eventLoopGroup().isTerminated());
    }

    /** EOF, or a reset when the peer closed with our bytes still unread in its buffer. */
    private static void assertClosedByPeer(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "connection closed");
        } catch (java.net.SocketException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("reset"), e.toString());
        }
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    /** One message from a stream: its head up to the empty line, then Content-Length bytes. */
    static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("stream ended inside a message: " + head);
            }
            head.write(c);
            matched = (c == '\r' && matched % 2 == 0) || (c == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\n(?:Content-Length|l)\\s*:\\s*(\\d+)")
            .matcher(text);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
