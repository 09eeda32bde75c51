package dev.dialtone.media.sdp;

import java.util.Optional;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]} (RFC 8866 6.6). {@code channels} is
 * 1 when the line leaves it out.
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {
    public RtpMap {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + payloadType);
        }
        if (encodingName == null || encodingName.isEmpty() || encodingName.indexOf('/') >= 0
                || encodingName.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("bad encoding name: " + encodingName);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive: " + channels);
        }
    }

    public static final String NAME = "rtpmap";

    /** Parses the attribute value; the message of the exception says what is wrong. */
    public static RtpMap parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a=rtpmap needs a value");
        }
        int space = value.indexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException("a=rtpmap needs '<payload type> <encoding>/<clock rate>'");
        }
        int pt = parsePayloadType(value.substring(0, space), "a=rtpmap");
        String[] parts = value.substring(space + 1).trim().split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("a=rtpmap encoding must be <name>/<clock rate>[/<channels>]");
        }
        int rate = parsePositive(parts[1], "a=rtpmap clock rate");
        int channels = parts.length == 3 ? parsePositive(parts[2], "a=rtpmap channels") : 1;
        return new RtpMap(pt, parts[0], rate, channels);
    }

    /**
     * RFC 3551 table 4: the static audio payload types an offer may use without an rtpmap. G722 is registered with
     * an 8000 Hz RTP clock even though it samples at 16 kHz (RFC 3551 4.5.2).
     */
    public static Optional<RtpMap> staticPayloadType(int payloadType) {
        return Optional.ofNullable(switch (payloadType) {
            case 0 -> new RtpMap(0, "PCMU", 8000, 1);
            case 3 -> new RtpMap(3, "GSM", 8000, 1);
            case 4 -> new RtpMap(4, "G723", 8000, 1);
            case 5 -> new RtpMap(5, "DVI4", 8000, 1);
            case 6 -> new RtpMap(6, "DVI4", 16000, 1);
            case 7 -> new RtpMap(7, "LPC", 8000, 1);
            case 8 -> new RtpMap(8, "PCMA", 8000, 1);
            case 9 -> new RtpMap(9, "G722", 8000, 1);
            case 10 -> new RtpMap(10, "L16", 44100, 2);
            case 11 -> new RtpMap(11, "L16", 44100, 1);
            case 12 -> new RtpMap(12, "QCELP", 8000, 1);
            case 13 -> new RtpMap(13, "CN", 8000, 1);
            case 14 -> new RtpMap(14, "MPA", 90000, 1);
            case 15 -> new RtpMap(15, "G728", 8000, 1);
            case 16 -> new RtpMap(16, "DVI4", 11025, 1);
            case 17 -> new RtpMap(17, "DVI4", 22050, 1);
            case 18 -> new RtpMap(18, "G729", 8000, 1);
            default -> null;
        });
    }

    /** Same encoding: name (case-insensitive), clock rate and channels; the payload type number is not compared. */
    public boolean sameEncoding(RtpMap other) {
        return encodingName.equalsIgnoreCase(other.encodingName) && clockRate == other.clockRate
                && channels == other.channels;
    }

    public RtpMap withPayloadType(int pt) {
        return new RtpMap(pt, encodingName, clockRate, channels);
    }

    public Attribute toAttribute() {
        return Attribute.of(NAME, payloadType + " " + encodingName + "/" + clockRate
                + (channels != 1 ? "/" + channels : ""));
    }

    static int parsePayloadType(String text, String where) {
        int pt = parseNonNegative(text, where + " payload type");
        if (pt > 127) {
            throw new IllegalArgumentException(where + " payload type out of range 0-127: " + text);
        }
        return pt;
    }

    static int parsePositive(String text, String what) {
        int v = parseNonNegative(text, what);
        if (v == 0) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return v;
    }

    static int parseNonNegative(String text, String what) {
        if (!Origin.isDigits(text) || text.length() > 9) {
            throw new IllegalArgumentException(what + " is not a number: '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
