package dev.dialtone.media.sdp;

/**
 * The {@code c=} line (RFC 8866 5.7). {@code address} keeps any multicast {@code /ttl/count} suffix as sent.
 */
public record Connection(String netType, String addrType, String address) {
    public Connection {
        Origin.requireToken(netType, "nettype");
        Origin.requireToken(addrType, "addrtype");
        Origin.requireToken(address, "connection-address");
    }

    /** {@code IN IP4} or {@code IN IP6}, chosen from the address form. */
    public static Connection of(String address) {
        return new Connection("IN", addrTypeOf(address), address);
    }

    /** RFC 3264 8.4 / RFC 2543: {@code c=IN IP4 0.0.0.0} was the old way to put a stream on hold. */
    public boolean isHoldAddress() {
        return "IP4".equalsIgnoreCase(addrType) && "0.0.0.0".equals(address);
    }

    static String addrTypeOf(String address) {
        return address.indexOf(':') >= 0 ? "IP6" : "IP4";
    }

    @Override
    public String toString() {
        return netType + " " + addrType + " " + address;
    }
}
