package dev.dialtone.sip.dns;

import dev.dialtone.sip.transport.Transport;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What RFC 3263 4 starts from: the host of the URI to contact (or of its maddr), its port and transport
 * parameter when present, and whether it is a {@code sips:} URI.
 *
 * @param host      a domain name or an IP literal (IPv6 with or without brackets)
 * @param port      the URI port, empty when absent
 * @param transport the {@code transport} parameter, empty when absent
 * @param secure    true for a {@code sips:} URI
 */
public record NextHop(String host, OptionalInt port, Optional<Transport> transport, boolean secure) {

    public NextHop {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(transport, "transport");
        if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
            throw new IllegalArgumentException("port out of range: " + port.getAsInt());
        }
    }

    /** {@code sip:host}: no port, no transport. */
    public static NextHop sip(String host) {
        return new NextHop(host, OptionalInt.empty(), Optional.empty(), false);
    }

    /** {@code sips:host}: no port, no transport. */
    public static NextHop sips(String host) {
        return new NextHop(host, OptionalInt.empty(), Optional.empty(), true);
    }

    public NextHop withPort(int port) {
        return new NextHop(host, OptionalInt.of(port), transport, secure);
    }

    public NextHop withTransport(Transport transport) {
        return new NextHop(host, port, Optional.of(transport), secure);
    }
}
