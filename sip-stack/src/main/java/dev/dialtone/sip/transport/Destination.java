package dev.dialtone.sip.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a message goes: a transport and a resolved address, and, for a stream, optionally the connection
 * it must use (a response goes back on the connection its request came on, RFC 3261 18.2.2; a call to an
 * endpoint registered over TCP or TLS goes over its registration's flow, RFC 5626).
 */
public record Destination(Transport transport, InetSocketAddress address, Flow flow) {

    public Destination {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
    }

    public static Destination of(Transport transport, InetSocketAddress address) {
        return new Destination(transport, address, null);
    }
}
