package dev.dialtone.bench.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rtpengine driven over its ng control protocol as a SIP proxy would: per session an
 * {@code offer} with the caller's SDP and an {@code answer} with the callee's; the SDP rtpengine
 * returns for each side names its port for that side. {@code delete} on close.
 */
final class RtpengineTarget implements RelayTarget {

    private static final Pattern MEDIA_PORT = Pattern.compile("^m=audio (\\d+) ", Pattern.MULTILINE);
    private static final Pattern CONNECTION = Pattern.compile("^c=IN IP4 (\\S+)", Pattern.MULTILINE);

    private final InetSocketAddress control;
    private final CpuClock cpu;
    private final String run = Long.toHexString(System.currentTimeMillis());
    private final List<String> calls = new ArrayList<>();
    private NgClient client;

    RtpengineTarget(InetSocketAddress control, CpuClock cpu) {
        this.control = control;
        this.cpu = cpu;
    }

    @Override
    public List<LegPair> open(List<InetSocketAddress> endpoints) throws Exception {
        client = new NgClient(control);
        List<LegPair> pairs = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            InetSocketAddress endpoint = endpoints.get(i);
            String callId = "relay-bench-" + run + "-" + i;
            Map<String, Object> offer = request("offer", callId);
            offer.put("sdp", sdp(endpoint, i));
            // the SDP rtpengine returns to the offer goes to the callee: it names the port of leg B
            InetSocketAddress legB = mediaAddress(client.call(offer));
            calls.add(callId);
            Map<String, Object> answer = request("answer", callId);
            answer.put("to-tag", "callee-" + i);
            answer.put("sdp", sdp(endpoint, i));
            InetSocketAddress legA = mediaAddress(client.call(answer));
            pairs.add(new LegPair(legA, legB));
        }
        return pairs;
    }

    private static Map<String, Object> request(String command, String callId) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", command);
        request.put("call-id", callId);
        request.put("from-tag", "caller");
        return request;
    }

    private static String sdp(InetSocketAddress endpoint, int session) {
        String ip = endpoint.getAddress().getHostAddress();
        return "v=0\r\n"
                + "o=- " + (1000 + session) + " 1 IN IP4 " + ip + "\r\n"
                + "s=-\r\n"
                + "c=IN IP4 " + ip + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + endpoint.getPort() + " RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
    }

    private static InetSocketAddress mediaAddress(Map<String, Object> answer) throws IOException {
        String sdp = String.valueOf(answer.get("sdp"));
        Matcher port = MEDIA_PORT.matcher(sdp);
        Matcher address = CONNECTION.matcher(sdp);
        if (!port.find() || !address.find()) {
            throw new IOException("no audio address in rtpengine's SDP: " + sdp);
        }
        return new InetSocketAddress(address.group(1), Integer.parseInt(port.group(1)));
    }

    @Override
    public CpuClock cpuClock() {
        return cpu;
    }

    @Override
    public String describe() {
        return "rtpengine at " + control + ", CPU: " + cpu.describe();
    }

    @Override
    public void close() throws IOException {
        if (client == null) {
            return;
        }
        try {
            for (String callId : calls) {
                client.call(request("delete", callId));
            }
        } finally {
            client.close();
        }
    }
}
