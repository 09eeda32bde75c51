package dev.dialtone.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RFC 8866 parser. Strict about what Dialtone relies on (v, o, s, c, m and the typed attributes), lenient where
 * deployed agents differ (LF-only line endings, a missing {@code t=}, an empty {@code s=}).
 */
final class SdpParser {
    private SdpParser() {
    }

    static SessionDescription parse(String text) throws SdpParseException {
        if (text == null || text.isEmpty()) {
            throw new SdpParseException(0, "empty SDP body");
        }
        String[] lines = text.split("\r?\n", -1);
        int count = lines.length;
        while (count > 0 && lines[count - 1].isEmpty()) {
            count--;
        }
        if (count == 0) {
            throw new SdpParseException(0, "empty SDP body");
        }

        Origin origin = null;
        String sessionName = null;
        Connection sessionConnection = null;
        List<SdpField> sessionFields = new ArrayList<>();
        List<Attribute> sessionAttributes = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        MediaDescription.Builder current = null;
        int currentLine = 0;
        boolean currentHasConnection = false;
        List<Integer> mediaWithoutConnection = new ArrayList<>();

        for (int i = 0; i < count; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpParseException(lineNo, "not a '<type>=<value>' line: '" + abbreviate(line) + "'");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (value.indexOf('\r') >= 0) {
                throw new SdpParseException(lineNo, "bare CR inside a line");
            }
            if (lineNo == 1) {
                if (type != 'v') {
                    throw new SdpParseException(1, "first line must be v=0");
                }
                if (!value.equals("0")) {
                    throw new SdpParseException(1, "unsupported SDP version '" + value + "'");
                }
                continue;
            }
            try {
                if (current == null) {
                    switch (type) {
                        case 'v' -> throw new SdpParseException(lineNo, "duplicate v= line");
                        case 'o' -> {
                            if (origin != null) {
                                throw new SdpParseException(lineNo, "duplicate o= line");
                            }
                            origin = parseOrigin(value, lineNo);
                        }
                        case 's' -> {
                            if (origin == null) {
                                throw new SdpParseException(lineNo, "s= before o=");
                            }
                            if (sessionName != null) {
                                throw new SdpParseException(lineNo, "duplicate s= line");
                            }
                            sessionName = value;
                        }
                        case 'c' -> {
                            requireHeader(origin, sessionName, lineNo);
                            if (sessionConnection != null) {
                                throw new SdpParseException(lineNo, "duplicate session-level c= line");
                            }
                            sessionConnection = parseConnection(value, lineNo);
                        }
                        case 'a' -> {
                            requireHeader(origin, sessionName, lineNo);
                            sessionAttributes.add(parseAttribute(value, lineNo));
                        }
                        case 'm' -> {
                            requireHeader(origin, sessionName, lineNo);
                            current = parseMediaLine(value, lineNo);
                            currentLine = lineNo;
                            currentHasConnection = false;
                        }
                        default -> {
                            requireHeader(origin, sessionName, lineNo);
                            sessionFields.add(new SdpField(type, value));
                        }
                    }
                } else {
                    switch (type) {
                        case 'v', 'o', 's', 't', 'r', 'z', 'u', 'e', 'p' ->
                                throw new SdpParseException(lineNo, type + "= is not allowed in a media section");
                        case 'i' -> current.title(Optional.of(value));
                        case 'c' -> {
                            if (currentHasConnection) {
                                // RFC 8866 5.7 allows several c= for layered multicast; Dialtone relays unicast.
                                throw new SdpParseException(lineNo, "more than one c= line in a media section");
                            }
                            current.connection(parseConnection(value, lineNo));
                            currentHasConnection = true;
                        }
                        case 'a' -> current.addAttribute(parseAttribute(value, lineNo));
                        case 'm' -> {
                            MediaDescription done = current.build();
                            if (!currentHasConnection && done.port() != 0) {
                                mediaWithoutConnection.add(currentLine);
                            }
                            media.add(done);
                            current = parseMediaLine(value, lineNo);
                            currentLine = lineNo;
                            currentHasConnection = false;
                        }
                        default -> current.addField(new SdpField(type, value));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new SdpParseException(lineNo, e.getMessage());
            }
        }
        requireHeader(origin, sessionName, 0);
        if (current != null) {
            MediaDescription done = current.build();
            if (!currentHasConnection && done.port() != 0) {
                mediaWithoutConnection.add(currentLine);
            }
            media.add(done);
        }
        if (sessionConnection == null && !mediaWithoutConnection.isEmpty()) {
            // RFC 8866 5.7: c= at session level or in every media section.
            throw new SdpParseException(mediaWithoutConnection.get(0),
                    "media section has no c= line and there is no session-level c=");
        }
        return new SessionDescription(origin, sessionName, Optional.ofNullable(sessionConnection), sessionFields,
                sessionAttributes, media);
    }

    private static void requireHeader(Origin origin, String sessionName, int lineNo) throws SdpParseException {
        if (origin == null) {
            throw new SdpParseException(lineNo, "missing o= line (must follow v=)");
        }
        if (sessionName == null) {
            throw new SdpParseException(lineNo, "missing s= line (must follow o=)");
        }
    }

    private static Origin parseOrigin(String value, int lineNo) throws SdpParseException {
        String[] p = value.split(" ", -1);
        if (p.length != 6) {
            throw new SdpParseException(lineNo, "o= needs 6 fields '<username> <sess-id> <sess-version> <nettype> "
                    + "<addrtype> <address>', got " + p.length);
        }
        if (!Origin.isDigits(p[1])) {
            throw new SdpParseException(lineNo, "o= session id is not a number: '" + p[1] + "'");
        }
        if (!Origin.isDigits(p[2])) {
            throw new SdpParseException(lineNo, "o= session version is not a number: '" + p[2] + "'");
        }
        try {
            return new Origin(p[0], p[1], p[2], p[3], p[4], p[5]);
        } catch (IllegalArgumentException e) {
            throw new SdpParseException(lineNo, "o= " + e.getMessage());
        }
    }

    private static Connection parseConnection(String value, int lineNo) throws SdpParseException {
        String[] p = value.split(" ", -1);
        if (p.length != 3) {
            throw new SdpParseException(lineNo, "c= needs '<nettype> <addrtype> <address>'");
        }
        if (!p[0].equals("IN")) {
            throw new SdpParseException(lineNo, "c= nettype '" + p[0] + "' is not IN");
        }
        if (p[1].equals("IP4")) {
            if (p[2].indexOf(':') >= 0 || p[2].isEmpty()) {
                throw new SdpParseException(lineNo, "c= address '" + p[2] + "' is not an IP4 address");
            }
        } else if (p[1].equals("IP6")) {
            if (p[2].indexOf(':') < 0) {
                throw new SdpParseException(lineNo, "c= address '" + p[2] + "' is not an IP6 address");
            }
        } else {
            throw new SdpParseException(lineNo, "c= addrtype '" + p[1] + "' is not IP4 or IP6");
        }
        return new Connection(p[0], p[1], p[2]);
    }

    private static MediaDescription.Builder parseMediaLine(String value, int lineNo) throws SdpParseException {
        String[] p = value.split(" ", -1);
        if (p.length < 4) {
            throw new SdpParseException(lineNo, "m= needs '<media> <port> <proto> <fmt> ...'");
        }
        String portText = p[1];
        int count = 1;
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            count = parseNumber(portText.substring(slash + 1), lineNo, "m= port count");
            portText = portText.substring(0, slash);
        }
        int port = parseNumber(portText, lineNo, "m= port");
        if (port > 65535) {
            throw new SdpParseException(lineNo, "m= port out of range: " + port);
        }
        List<String> formats = new ArrayList<>(p.length - 3);
        for (int i = 3; i < p.length; i++) {
            if (p[i].isEmpty()) {
                throw new SdpParseException(lineNo, "m= has an empty format (double space?)");
            }
            formats.add(p[i]);
        }
        boolean rtp = p[2].toUpperCase(java.util.Locale.ROOT).contains("RTP/");
        if (rtp) {
            for (String f : formats) {
                if (!Origin.isDigits(f) || f.length() > 3 || Integer.parseInt(f) > 127) {
                    throw new SdpParseException(lineNo, "m= RTP format '" + f + "' is not a payload type 0-127");
                }
            }
        }
        try {
            return MediaDescription.builder(p[0], port, p[2]).portCount(Math.max(count, 1)).formats(formats);
        } catch (IllegalArgumentException e) {
            throw new SdpParseException(lineNo, e.getMessage());
        }
    }

    private static int parseNumber(String text, int lineNo, String what) throws SdpParseException {
        if (!Origin.isDigits(text) || text.length() > 9) {
            throw new SdpParseException(lineNo, what + " is not a number: '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    private static Attribute parseAttribute(String value, int lineNo) throws SdpParseException {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        String attrValue = colon < 0 ? null : value.substring(colon + 1);
        if (name.isEmpty()) {
            throw new SdpParseException(lineNo, "a= has no attribute name");
        }
        try {
            Attribute a = new Attribute(name, attrValue);
            validate(a);
            return a;
        } catch (IllegalArgumentException e) {
            throw new SdpParseException(lineNo, e.getMessage());
        }
    }

    /** Typed attributes are checked once here so later typed access cannot fail on a parsed session. */
    private static void validate(Attribute a) {
        switch (a.name()) {
            case RtpMap.NAME -> RtpMap.parse(a.value());
            case Fmtp.NAME -> Fmtp.parse(a.value());
            case RtcpAttribute.NAME -> RtcpAttribute.parse(a.value());
            case Crypto.NAME -> Crypto.parse(a.value());
            case "ptime", "maxptime" -> parseTime(a.value(), a.name());
            case "sendrecv", "sendonly", "recvonly", "inactive", "rtcp-mux" -> {
                if (a.value() != null) {
                    throw new IllegalArgumentException("a=" + a.name() + " takes no value");
                }
            }
            default -> {
            }
        }
    }

    /** ptime/maxptime in milliseconds; a fraction ("20.0", seen in the wild) is truncated. */
    static int parseTime(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a=" + name + " needs a value in milliseconds");
        }
        String whole = value;
        int dot = value.indexOf('.');
        if (dot >= 0) {
            whole = value.substring(0, dot);
            if (!Origin.isDigits(value.substring(dot + 1))) {
                throw new IllegalArgumentException("a=" + name + " is not a number: '" + value + "'");
            }
        }
        if (!Origin.isDigits(whole) || whole.length() > 6 || Integer.parseInt(whole) == 0) {
            throw new IllegalArgumentException("a=" + name + " is not a positive number: '" + value + "'");
        }
        return Integer.parseInt(whole);
    }

    private static String abbreviate(String line) {
        return line.length() > 40 ? line.substring(0, 40) + "…" : line;
    }
}
