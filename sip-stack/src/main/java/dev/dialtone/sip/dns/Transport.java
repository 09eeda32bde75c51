package dev.dialtone.sip.dns;

import java.util.Locale;
import java.util.Optional;

/** The SIP transports RFC 3263 selects between, with their NAPTR services and SRV labels. */
public enum Transport {
    UDP("SIP+D2U", "_sip._udp", 5060),
    TCP("SIP+D2T", "_sip._tcp", 5060),
    // RFC 3263 4.1: TLS over TCP is SIPS+D2T and _sips._tcp, with 5061 as its default port.
    TLS("SIPS+D2T", "_sips._tcp", 5061);

    private final String naptrService;
    private final String srvPrefix;
    private final int defaultPort;

    Transport(String naptrService, String srvPrefix, int defaultPort) {
        this.naptrService = naptrService;
        this.srvPrefix = srvPrefix;
        this.defaultPort = defaultPort;
    }

    /** The NAPTR service field naming this transport (RFC 3263 4.1). */
    public String naptrService() {
        return naptrService;
    }

    /** The SRV owner-name prefix, e.g. {@code _sips._tcp} (RFC 3263 4.1). */
    public String srvPrefix() {
        return srvPrefix;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The {@code transport} URI parameter value (udp, tcp, tls), case-insensitive. */
    public static Optional<Transport> fromParam(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "udp" -> Optional.of(UDP);
            case "tcp" -> Optional.of(TCP);
            case "tls" -> Optional.of(TLS);
            default -> Optional.empty();
        };
    }

    static Optional<Transport> fromNaptrService(String service) {
        for (Transport t : values()) {
            if (t.naptrService.equalsIgnoreCase(service)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
