package dev.dialtone.sip.transport;

import java.util.Locale;

/** The SIP transports Dialtone speaks. */
public enum Transport {
    UDP(false, 5060),
    TCP(true, 5060),
    TLS(true, 5061);

    private final boolean reliable;
    private final int defaultPort;

    Transport(boolean reliable, int defaultPort) {
        this.reliable = reliable;
        this.defaultPort = defaultPort;
    }

    /** Reliable transports carry no retransmissions (RFC 3261 17.1.1.2: Timer A only on unreliable ones). */
    public boolean reliable() {
        return reliable;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The name as written in a Via sent-protocol and a {@code transport=} URI parameter. */
    public String viaName() {
        return name();
    }

    /** Reads a Via transport or URI {@code transport=} value; null when Dialtone does not speak it. */
    public static Transport fromName(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "UDP" -> UDP;
            case "TCP" -> TCP;
            case "TLS" -> TLS;
            default -> null;
        };
    }
}
