package dev.dialtone.media.sdp;

/** {@code a=fmtp:<payload type> <format specific parameters>} (RFC 8866 6.15); parameters are kept as text. */
public record Fmtp(int payloadType, String parameters) {
    public static final String NAME = "fmtp";

    public Fmtp {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + payloadType);
        }
        if (parameters == null) {
            throw new IllegalArgumentException("fmtp parameters must not be null");
        }
    }

    public static Fmtp parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a=fmtp needs '<payload type> <parameters>'");
        }
        int space = value.indexOf(' ');
        String pt = space < 0 ? value : value.substring(0, space);
        String params = space < 0 ? "" : value.substring(space + 1).trim();
        return new Fmtp(RtpMap.parsePayloadType(pt, "a=fmtp"), params);
    }

    public Fmtp withPayloadType(int pt) {
        return new Fmtp(pt, parameters);
    }

    public Attribute toAttribute() {
        return Attribute.of(NAME, parameters.isEmpty() ? Integer.toString(payloadType) : payloadType + " " + parameters);
    }
}
