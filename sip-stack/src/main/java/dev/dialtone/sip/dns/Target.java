package dev.dialtone.sip.dns;

import dev.dialtone.sip.transport.Transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/** One place to send a request: a transport and a resolved address (RFC 3263 4). */
public record Target(Transport transport, InetSocketAddress address) {
    public Target {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
    }

    @Override
    public String toString() {
        return transport + " " + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
