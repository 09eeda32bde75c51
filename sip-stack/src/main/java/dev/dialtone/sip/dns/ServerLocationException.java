package dev.dialtone.sip.dns;

/** Why no target could be found for a {@link NextHop}; the stage of {@link ServerLocator#locate} fails with it. */
public final class ServerLocationException extends Exception {

    /** The kind of failure, for callers that map it to a response code (RFC 3263 4.3 / RFC 3261 16.9: 503 or 408). */
    public enum Reason {
        /** The name does not exist (NXDOMAIN). */
        NXDOMAIN,
        /** The name exists but has no usable records. */
        NO_RECORDS,
        /** Every name server failed to answer in time. */
        TIMEOUT,
        /** The name servers answered with an error (SERVFAIL, REFUSED, ...). */
        DNS_ERROR,
        /** The destination itself is unusable, e.g. sips over UDP or a transport we do not run. */
        INVALID_DESTINATION
    }

    private final Reason reason;

    public ServerLocationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
