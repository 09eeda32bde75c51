package dev.dialtone.bench.uas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The callee's side of RFC 3264 offer/answer, reduced to what a load-test UAS needs: the first audio stream is
 * answered with the first G.711 codec of the offer (PCMU or PCMA, in the offer's order) plus telephone-event when
 * offered; every other stream is declined with port 0. A single pass over the offer's lines, no object model: it
 * runs once per call on the event loop.
 */
final class SdpAnswerer {

    private SdpAnswerer() {
    }

    /** What the answer chose; {@code sdp} is null when no stream could be accepted (answer 488). */
    record Answer(byte[] sdp, String codec, int payloadType) {
    }

    /**
     * @param offer the offer's bytes (US-ASCII/UTF-8 text)
     * @param host  our media address, an IPv4 or IPv6 literal
     * @param port  our media port for the accepted audio stream
     */
    static Answer answer(byte[] offer, String host, int port, long sessionId) {
        String text = new String(offer, StandardCharsets.UTF_8);
        List<Media> media = parse(text);
        Media chosen = null;
        for (Media m : media) {
            if (m.kind.equals("audio") && m.port != 0 && m.proto.startsWith("RTP/") && m.codecPt >= 0) {
                chosen = m;
                break;
            }
        }
        if (chosen == null) {
            return new Answer(null, null, -1);
        }
        String ipVersion = host.indexOf(':') >= 0 ? "IP6" : "IP4";
        StringBuilder sb = new StringBuilder(256);
        sb.append("v=0\r\n")
                .append("o=dialtone-uas ").append(sessionId).append(' ').append(sessionId).append(" IN ")
                .append(ipVersion).append(' ').append(host).append("\r\n")
                .append("s=-\r\n")
                .append("c=IN ").append(ipVersion).append(' ').append(host).append("\r\n")
                .append("t=0 0\r\n");
        for (Media m : media) {
            if (m != chosen) {
                // RFC 3264 6: a declined stream keeps its m= line with port 0 and at least one format of the offer.
                sb.append("m=").append(m.kind).append(" 0 ").append(m.proto).append(' ')
                        .append(m.firstFormat).append("\r\n");
                continue;
            }
            sb.append("m=audio ").append(port).append(' ').append(m.proto).append(' ').append(m.codecPt);
            if (m.eventPt >= 0) {
                sb.append(' ').append(m.eventPt);
            }
            sb.append("\r\n");
            sb.append("a=rtpmap:").append(m.codecPt).append(' ').append(m.codecName).append("/8000\r\n");
            if (m.eventPt >= 0) {
                sb.append("a=rtpmap:").append(m.eventPt).append(" telephone-event/8000\r\n")
                        .append("a=fmtp:").append(m.eventPt).append(" 0-16\r\n");
            }
            // RFC 3264 6.1: a sendonly offer is answered recvonly, recvonly with sendonly, inactive with inactive.
            sb.append("a=").append(switch (m.direction) {
                case "sendonly" -> "recvonly";
                case "recvonly" -> "sendonly";
                case "inactive" -> "inactive";
                default -> "sendrecv";
            }).append("\r\n");
        }
        return new Answer(sb.toString().getBytes(StandardCharsets.US_ASCII), chosen.codecName, chosen.codecPt);
    }

    /** An offer of PCMU, PCMA and telephone-event, for an INVITE that came without one (RFC 3261 13.2.1). */
    static byte[] offer(String host, int port, long sessionId) {
        String ipVersion = host.indexOf(':') >= 0 ? "IP6" : "IP4";
        return ("v=0\r\no=dialtone-uas " + sessionId + " " + sessionId + " IN " + ipVersion + " " + host + "\r\n"
                + "s=-\r\nc=IN " + ipVersion + " " + host + "\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static final class Media {
        final String kind;
        final int port;
        final String proto;
        final String firstFormat;
        final List<String> formats;
        int codecPt = -1;
        String codecName;
        int eventPt = -1;
        String direction = "sendrecv";

        Media(String kind, int port, String proto, List<String> formats) {
            this.kind = kind;
            this.port = port;
            this.proto = proto;
            this.formats = formats;
            this.firstFormat = formats.isEmpty() ? "0" : formats.get(0);
        }
    }

    private static List<Media> parse(String sdp) {
        List<Media> out = new ArrayList<>(2);
        // Per stream, rtpmap names by payload type; static types 0 and 8 need no rtpmap (RFC 3551 6).
        List<String[]> rtpmaps = new ArrayList<>();
        String sessionDirection = null;
        Media current = null;
        int pos = 0;
        int n = sdp.length();
        while (pos < n) {
            int eol = sdp.indexOf('\n', pos);
            int end = eol < 0 ? n : eol;
            int stop = end > pos && sdp.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = sdp.substring(pos, stop);
            pos = end + 1;
            if (line.startsWith("m=")) {
                if (current != null) {
                    choose(current, rtpmaps);
                }
                rtpmaps.clear();
                current = media(line);
                if (current != null) {
                    if (sessionDirection != null) {
                        current.direction = sessionDirection;
                    }
                    out.add(current);
                }
            } else if (line.startsWith("a=rtpmap:")) {
                int sp = line.indexOf(' ');
                int slash = line.indexOf('/', sp + 1);
                if (sp > 9) {
                    rtpmaps.add(new String[]{line.substring(9, sp).trim(),
                            line.substring(sp + 1, slash < 0 ? line.length() : slash).trim()});
                }
            } else if (line.equals("a=sendonly") || line.equals("a=recvonly") || line.equals("a=inactive")
                    || line.equals("a=sendrecv")) {
                if (current == null) {
                    sessionDirection = line.substring(2);
                } else {
                    current.direction = line.substring(2);
                }
            }
        }
        if (current != null) {
            choose(current, rtpmaps);
        }
        return out;
    }

    private static Media media(String line) {
        String[] parts = line.substring(2).trim().split(" +");
        if (parts.length < 3) {
            return null;
        }
        int port;
        try {
            int slash = parts[1].indexOf('/');
            port = Integer.parseInt(slash < 0 ? parts[1] : parts[1].substring(0, slash));
        } catch (NumberFormatException e) {
            return null;
        }
        List<String> formats = new ArrayList<>(parts.length - 3);
        for (int i = 3; i < parts.length; i++) {
            formats.add(parts[i]);
        }
        return new Media(parts[0], port, parts[2], formats);
    }

    private static void choose(Media m, List<String[]> rtpmaps) {
        for (String f : m.formats) {
            String name = null;
            for (String[] r : rtpmaps) {
                if (r[0].equals(f)) {
                    name = r[1].toUpperCase(Locale.ROOT);
                    break;
                }
            }
            if (name == null) {
                name = f.equals("0") ? "PCMU" : f.equals("8") ? "PCMA" : null;
            }
            int pt;
            try {
                pt = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                continue;
            }
            if (m.codecPt < 0 && ("PCMU".equals(name) || "PCMA".equals(name))) {
                m.codecPt = pt;
                m.codecName = name;
            } else if (m.eventPt < 0 && "TELEPHONE-EVENT".equals(name)) {
                m.eventPt = pt;
            }
        }
    }
}
