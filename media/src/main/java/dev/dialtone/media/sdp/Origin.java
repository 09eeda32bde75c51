package dev.dialtone.media.sdp;

import java.math.BigInteger;

/**
 * The {@code o=} line (RFC 8866 5.2). Session id and version are kept as the decimal strings that were sent:
 * some agents use 64-bit NTP-style values, so they are never narrowed to a {@code long}.
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
                     String address) {
    public Origin {
        requireToken(username, "username");
        requireDigits(sessionId, "session id");
        requireDigits(sessionVersion, "session version");
        requireToken(netType, "nettype");
        requireToken(addrType, "addrtype");
        requireToken(address, "unicast-address");
    }

    /** An {@code IN} origin with the address type chosen from the address form. */
    public static Origin of(String username, String sessionId, String sessionVersion, String address) {
        return new Origin(username, sessionId, sessionVersion, "IN", Connection.addrTypeOf(address), address);
    }

    /** RFC 3264 8: a modified session is sent with the version incremented by one, same session id. */
    public Origin withNextVersion() {
        return withSessionVersion(new BigInteger(sessionVersion).add(BigInteger.ONE).toString());
    }

    public Origin withSessionVersion(String version) {
        return new Origin(username, sessionId, version, netType, addrType, address);
    }

    public Origin withAddress(String newAddress) {
        return new Origin(username, sessionId, sessionVersion, netType, Connection.addrTypeOf(newAddress), newAddress);
    }

    static void requireToken(String value, String what) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("origin " + what + " must be a non-empty token: " + value);
        }
    }

    static void requireDigits(String value, String what) {
        if (!isDigits(value)) {
            throw new IllegalArgumentException("origin " + what + " must be decimal digits: " + value);
        }
    }

    static boolean isDigits(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return username + " " + sessionId + " " + sessionVersion + " " + netType + " " + addrType + " " + address;
    }
}
