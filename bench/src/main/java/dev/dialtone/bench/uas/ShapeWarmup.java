package dev.dialtone.bench.uas;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Calls a UDP callee in this process with requests written the ways other callers write them: SIPp's default
 * scenario (display names, a Contact without angle brackets, no Allow, a Subject), a softphone's (quoted display
 * names, rport, several codecs and telephone-event), a trunk's (compact header names, a Record-Route,
 * P-Asserted-Identity). Each call ends as a caller would end it: a 2xx is acknowledged and the call hung up with a
 * BYE, a rejection acknowledged, a call still ringing after a second cancelled, a BYE from the callee answered.
 *
 * <p>Why: C2 compiles the callee's parsing and answering for the message forms its profile has seen and leaves an
 * uncommon trap where a branch never ran. {@code load}'s caller writes one form. A {@code uas} warmed by it alone and
 * then hit by SIPp's UAC at 20,000 calls/s met SIPp's forms in its first second: a dozen of its hottest methods
 * (the Via, address and Contact parsers, the validator, the SDP answer) were made not entrant at once, C2 took
 * 1.9 s of the first 5 s of the core to compile them again, and SIPp failed 1 % of its calls
 * (bench/RESULTS.md, sixteenth part). Blocking I/O on the caller's own thread: this runs before the callee
 * answers anyone else, on no event loop.
 */
final class ShapeWarmup {
    /** Calls in flight at once: enough that the callee reads several datagrams per wake-up. */
    static final int WINDOW = 16;
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int SHAPES = 3;

    private final DatagramSocket socket;
    private final InetSocketAddress callee;
    private final String calleeHostPort;
    private final String localHost;
    private final int localPort;
    private final byte[] in = new byte[65536];

    private ShapeWarmup(DatagramSocket socket, InetSocketAddress callee) {
        this.socket = socket;
        this.callee = callee;
        this.calleeHostPort = callee.getAddress().getHostAddress() + ":" + callee.getPort();
        this.localHost = socket.getLocalAddress().getHostAddress();
        this.localPort = socket.getLocalPort();
    }

    /**
     * Places {@code calls} calls to {@code callee} over UDP, {@link #WINDOW} at a time; returns how many ended
     * with a 200 to their BYE.
     */
    static long run(InetSocketAddress callee, int calls) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(callee.getAddress(), 0))) {
            socket.setSoTimeout(50);
            return new ShapeWarmup(socket, callee).place(calls);
        }
    }

    private long place(int calls) throws IOException {
        long completed = 0;
        for (int first = 0; first < calls; first += WINDOW) {
            Map<String, Call> open = new HashMap<>();
            for (int n = first; n < Math.min(calls, first + WINDOW); n++) {
                Call c = new Call(n);
                open.put(c.callId, c);
                send(c.invite());
            }
            long deadline = System.nanoTime() + WINDOW_NANOS;
            boolean cancelled = false;
            while (!open.isEmpty()) {
                if (System.nanoTime() >= deadline) {
                    if (cancelled) {
                        break;
                    }
                    // Still ringing (a callee told to answer late or not at all): cancelled, as a caller would.
                    cancelled = true;
                    deadline = System.nanoTime() + WINDOW_NANOS;
                    for (Call c : open.values()) {
                        if (!c.byeSent) {
                            send(c.cancel());
                        }
                    }
                }
                String message = receive();
                if (message == null) {
                    continue;
                }
                if (message.startsWith("BYE ")) {
                    // A callee told to hang up: its BYE is answered.
                    send(okTo(message));
                    Call c = open.remove(header(message, "Call-ID", "i"));
                    completed += c != null ? 1 : 0;
                    continue;
                }
                Call c = open.get(header(message, "Call-ID", "i"));
                String cseq = header(message, "CSeq", null);
                int status = status(message);
                if (c == null || cseq == null || status < 200) {
                    continue;
                }
                if (cseq.endsWith("BYE")) {
                    open.remove(c.callId);
                    completed += status == 200 ? 1 : 0;
                } else if (!cseq.endsWith("INVITE")) {
                    continue; // the answer to a CANCEL: the INVITE's own final response follows
                } else if (status < 300) {
                    // A 2xx repeated while our ACK was on its way is acknowledged again (RFC 3261 13.2.2.4).
                    c.toWithTag = header(message, "To", "t");
                    send(c.ack(false));
                    if (!c.byeSent) {
                        c.byeSent = true;
                        send(c.bye());
                    }
                } else {
                    // A non-2xx final response is acknowledged within its transaction (RFC 3261 17.1.1.3).
                    c.toWithTag = header(message, "To", "t");
                    send(c.ack(true));
                    open.remove(c.callId);
                }
            }
        }
        return completed;
    }

    /** A 200 to {@code request}, its Via, From, To, Call-ID and CSeq copied (RFC 3261 8.2.6.2). */
    private static String okTo(String request) {
        StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String[] h : new String[][] {{"Via", "v"}, {"From", "f"}, {"To", "t"}, {"Call-ID", "i"}, {"CSeq", null}}) {
            r.append(h[0]).append(": ").append(header(request, h[0], h[1])).append("\r\n");
        }
        return r.append("Content-Length: 0\r\n\r\n").toString();
    }

    private void send(String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, callee));
    }

    /** The next datagram as text, or null after the socket's timeout. */
    private String receive() throws IOException {
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(in, 0, p.getLength(), StandardCharsets.UTF_8);
    }

    private static int status(String response) {
        if (!response.startsWith("SIP/2.0 ") || response.length() < 11) {
            return -1;
        }
        try {
            return Integer.parseInt(response.substring(8, 11));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The value of the first header named {@code name} (or its compact form), or null. */
    static String header(String message, String name, String compact) {
        int end = message.indexOf("\r\n\r\n");
        for (String line : message.substring(0, end < 0 ? message.length() : end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String n = line.substring(0, colon).strip();
            if (n.equalsIgnoreCase(name) || compact != null && n.equalsIgnoreCase(compact)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    /** One call, written in shape {@code n % SHAPES}. */
    private final class Call {
        final int shape;
        final String callId;
        final String branch;
        final String requestUri;
        // This call's From (with its tag), To (without a tag) and INVITE CSeq number, as its form writes them.
        final String from;
        final String to;
        final int cseq;
        String toWithTag;
        boolean byeSent;

        Call(int n) {
            this.shape = n % SHAPES;
            String token = Integer.toHexString(0x5a000000 + n);
            this.callId = switch (shape) {
                case 0 -> n + "-" + localPort + "@" + localHost;
                case 1 -> token + "-softphone";
                default -> "c" + token + "@" + localHost;
            };
            this.branch = "z9hG4bK-" + token + "-" + shape;
            String fromTag = shape == 0 ? localPort + "SIPpTag00" + n : "t" + token;
            this.requestUri = switch (shape) {
                case 0 -> "sip:service@" + calleeHostPort;
                case 1 -> "sip:service@" + calleeHostPort + ";transport=udp";
                default -> "sip:+15550100@" + calleeHostPort;
            };
            this.from = switch (shape) {
                case 0 -> "sipp <sip:sipp@" + localHost + ":" + localPort + ">;tag=" + fromTag;
                case 1 -> "\"Alice Smith\" <sip:alice@" + localHost + ">;tag=" + fromTag;
                default -> "<sip:+15550199@" + localHost + ">;tag=" + fromTag;
            };
            this.to = switch (shape) {
                case 0 -> "service <" + requestUri + ">";
                case 1 -> "<sip:service@" + calleeHostPort + ">";
                default -> "<" + requestUri + ">";
            };
            this.cseq = switch (shape) {
                case 0 -> 1;
                case 1 -> 20;
                default -> 101;
            };
        }

        String invite() {
            String sdp;
            StringBuilder h = new StringBuilder("INVITE " + requestUri + " SIP/2.0\r\n");
            switch (shape) {
                case 0 -> {
                    h.append("Via: SIP/2.0/UDP ").append(localHost).append(':').append(localPort)
                            .append(";branch=").append(branch).append("\r\n")
                            .append("From: ").append(from).append("\r\n")
                            .append("To: ").append(to).append("\r\n")
                            .append("Call-ID: ").append(callId).append("\r\n")
                            .append("CSeq: ").append(cseq).append(" INVITE\r\n")
                            .append("Contact: sip:sipp@").append(localHost).append(':').append(localPort).append("\r\n")
                            .append("Max-Forwards: 70\r\n")
                            .append("Subject: Performance Test\r\n")
                            .append("Content-Type: application/sdp\r\n");
                    sdp = "v=0\r\no=user1 53655765 2353687637 IN IP4 " + localHost + "\r\ns=-\r\nc=IN IP4 " + localHost
                            + "\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
                }
                case 1 -> {
                    h.append("Via: SIP/2.0/UDP ").append(localHost).append(':').append(localPort)
                            .append(";rport;branch=").append(branch).append("\r\n")
                            .append("Max-Forwards: 70\r\n")
                            .append("Contact: <sip:alice@").append(localHost).append(':').append(localPort)
                            .append(";transport=udp>;expires=3600\r\n")
                            .append("To: ").append(to).append("\r\n")
                            .append("From: ").append(from).append("\r\n")
                            .append("Call-ID: ").append(callId).append("\r\n")
                            .append("CSeq: ").append(cseq).append(" INVITE\r\n")
                            .append("Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO\r\n")
                            .append("Content-Type: application/sdp\r\n")
                            .append("Supported: replaces, timer\r\n")
                            .append("User-Agent: dialtone-uas-warmup\r\n");
                    sdp = "v=0\r\no=- 3 2 IN IP4 " + localHost + "\r\ns=call\r\nc=IN IP4 " + localHost
                            + "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\n"
                            + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                            + "a=ptime:20\r\na=sendrecv\r\n";
                }
                default -> {
                    h.append("v: SIP/2.0/UDP ").append(localHost).append(':').append(localPort)
                            .append(";branch=").append(branch).append("\r\n")
                            .append("Record-Route: <sip:").append(localHost).append(':').append(localPort)
                            .append(";lr>\r\n")
                            .append("f: ").append(from).append("\r\n")
                            .append("t: ").append(to).append("\r\n")
                            .append("i: ").append(callId).append("\r\n")
                            .append("CSeq: ").append(cseq).append(" INVITE\r\n")
                            .append("m: <sip:+15550199@").append(localHost).append(':').append(localPort).append(">\r\n")
                            .append("Max-Forwards: 69\r\n")
                            .append("P-Asserted-Identity: <sip:+15550199@").append(localHost).append(">\r\n")
                            .append("c: application/sdp\r\n");
                    sdp = "v=0\r\no=trunk 1 1 IN IP4 " + localHost + "\r\ns=-\r\nc=IN IP4 " + localHost
                            + "\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
                }
            }
            h.append(shape == 2 ? "l: " : "Content-Length: ").append(sdp.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n\r\n").append(sdp);
            return h.toString();
        }

        /** The CANCEL of the INVITE: its branch, its From and To, its CSeq number (RFC 3261 9.1). */
        String cancel() {
            return request("CANCEL", cseq, branch, to);
        }

        /** The ACK: of a non-2xx within the INVITE's transaction (same branch), else a request of its own. */
        String ack(boolean nonTwoXx) {
            return request("ACK", cseq, nonTwoXx ? branch : branch + "a", toWithTag);
        }

        String bye() {
            return request("BYE", cseq + 1, branch + "b", toWithTag);
        }

        private String request(String method, int number, String viaBranch, String toHeader) {
            return String.format(Locale.ROOT, "%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=%s\r\nFrom: %s\r\n"
                            + "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
                    method, requestUri, localHost, localPort, viaBranch, from, toHeader, callId, number, method);
        }
    }
}
