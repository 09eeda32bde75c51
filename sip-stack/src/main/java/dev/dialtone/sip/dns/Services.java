package dev.dialtone.sip.dns;

import dev.dialtone.sip.transport.Transport;

import java.util.Optional;

/** RFC 3263 4.1: the NAPTR service and SRV label that name each transport. */
final class Services {
    private Services() {
    }

    static String naptrService(Transport t) {
        return switch (t) {
            case UDP -> "SIP+D2U";
            case TCP -> "SIP+D2T";
            // TLS over TCP is SIPS+D2T and _sips._tcp.
            case TLS -> "SIPS+D2T";
        };
    }

    static String srvPrefix(Transport t) {
        return switch (t) {
            case UDP -> "_sip._udp";
            case TCP -> "_sip._tcp";
            case TLS -> "_sips._tcp";
        };
    }

    static Optional<Transport> fromNaptrService(String service) {
        for (Transport t : Transport.values()) {
            if (naptrService(t).equalsIgnoreCase(service)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
