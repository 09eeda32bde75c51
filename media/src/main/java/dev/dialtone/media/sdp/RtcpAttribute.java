package dev.dialtone.media.sdp;

import java.util.Optional;

/** {@code a=rtcp:<port> [IN IP4 <address>]} (RFC 3605): where the peer wants RTCP when it is not RTP port + 1. */
public record RtcpAttribute(int port, Optional<Connection> connection) {
    public static final String NAME = "rtcp";

    public RtcpAttribute {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("a=rtcp port out of range: " + port);
        }
        connection = connection == null ? Optional.empty() : connection;
    }

    public static RtcpAttribute parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a=rtcp needs a port");
        }
        String[] parts = value.trim().split(" +");
        int port = RtpMap.parseNonNegative(parts[0], "a=rtcp port");
        if (port > 65535) {
            throw new IllegalArgumentException("a=rtcp port out of range: " + port);
        }
        if (parts.length == 1) {
            return new RtcpAttribute(port, Optional.empty());
        }
        if (parts.length != 4) {
            throw new IllegalArgumentException("a=rtcp must be '<port> [<nettype> <addrtype> <address>]'");
        }
        return new RtcpAttribute(port, Optional.of(new Connection(parts[1], parts[2], parts[3])));
    }

    public Attribute toAttribute() {
        return Attribute.of(NAME, connection.map(c -> port + " " + c).orElse(Integer.toString(port)));
    }
}
