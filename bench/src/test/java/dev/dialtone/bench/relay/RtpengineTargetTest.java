package dev.dialtone.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ng exchange against a scripted control socket standing in for rtpengine. */
class RtpengineTargetTest {

    private DatagramSocket server;
    private Thread serving;
    private final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    private volatile boolean refuse;

    @BeforeEach
    void start() throws IOException {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        serving = new Thread(this::serve, "fake-ng");
        serving.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        serving.join(5000);
    }

    @Test
    void offerAndAnswer_giveTheRelayPortOfEachSide_deleteOnClose() throws Exception {
        InetSocketAddress phone = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5004);
        List<LegPair> pairs;
        try (RtpengineTarget target = new RtpengineTarget((InetSocketAddress) server.getLocalSocketAddress(),
                CpuClock.NONE)) {
            pairs = target.open(List.of(phone));
        }
        // the offer's SDP goes to the callee (leg B), the answer's to the caller (leg A)
        assertEquals(List.of(new LegPair(new InetSocketAddress("127.0.0.1", 42000),
                new InetSocketAddress("127.0.0.1", 41000))), pairs);
        assertEquals(List.of("offer", "answer", "delete"),
                requests.stream().map(r -> r.get("command")).toList());
        Map<String, Object> offer = requests.get(0);
        assertEquals(offer.get("call-id"), requests.get(1).get("call-id"));
        assertEquals("caller", offer.get("from-tag"));
        assertTrue(requests.get(1).containsKey("to-tag"));
        String sdp = (String) offer.get("sdp");
        assertTrue(sdp.contains("c=IN IP4 127.0.0.1\r\n") && sdp.contains("m=audio 5004 RTP/AVP 0\r\n"), sdp);
    }

    @Test
    void refusal_carriesTheErrorReason() throws Exception {
        refuse = true;
        try (RtpengineTarget target = new RtpengineTarget((InetSocketAddress) server.getLocalSocketAddress(),
                CpuClock.NONE)) {
            IOException e = assertThrows(IOException.class,
                    () -> target.open(List.of(new InetSocketAddress("127.0.0.1", 5004))));
            assertEquals("rtpengine refused offer: Ran out of ports", e.getMessage());
        }
    }

    private void serve() {
        byte[] buffer = new byte[65535];
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                server.receive(packet);
                int space = 0;
                while (buffer[space] != ' ') {
                    space++;
                }
                String cookie = new String(buffer, 0, space + 1, StandardCharsets.US_ASCII);
                @SuppressWarnings("unchecked")
                Map<String, Object> request = (Map<String, Object>) Bencode.decode(buffer, space + 1,
                        packet.getLength() - space - 1);
                requests.add(request);
                Map<String, Object> answer = switch ((String) request.get("command")) {
                    case "offer" -> refuse ? Map.of("result", "error", "error-reason", "Ran out of ports")
                            : Map.of("result", "ok", "sdp", relaySdp(41000));
                    case "answer" -> Map.of("result", "ok", "sdp", relaySdp(42000));
                    default -> Map.of("result", "ok");
                };
                byte[] body = Bencode.encode(answer);
                byte[] out = new byte[space + 1 + body.length];
                System.arraycopy(cookie.getBytes(StandardCharsets.US_ASCII), 0, out, 0, space + 1);
                System.arraycopy(body, 0, out, space + 1, body.length);
                server.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static String relaySdp(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    }
}
