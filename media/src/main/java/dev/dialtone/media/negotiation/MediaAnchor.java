package dev.dialtone.media.negotiation;

/** Where Dialtone receives RTP for one leg: its own address and port (RTCP on port + 1, RFC 3550 11). */
public record MediaAnchor(String address, int port) {
    public MediaAnchor {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("anchor address required");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("anchor port out of range: " + port);
        }
    }
}
