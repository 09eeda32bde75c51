package dev.dialtone.sip.transaction;

/** The transaction timers of RFC 3261 17 (table 4) and RFC 6026 (L and M). */
public enum Timer {
    /** INVITE request retransmit, unreliable transports only. */
    A,
    /** INVITE transaction timeout. */
    B,
    /** Wait time for response retransmissions after a non-2xx final response to an INVITE. */
    D,
    /** Non-INVITE request retransmit, unreliable transports only. */
    E,
    /** Non-INVITE transaction timeout. */
    F,
    /** INVITE final response retransmit, unreliable transports only. */
    G,
    /** Wait time for the ACK of a non-2xx final response. */
    H,
    /** Wait time for ACK retransmissions. */
    I,
    /** Wait time for non-INVITE request retransmissions. */
    J,
    /** Wait time for non-INVITE response retransmissions. */
    K,
    /** RFC 6026: wait time for INVITE retransmissions after a 2xx was sent (server Accepted state). */
    L,
    /** RFC 6026: wait time for 2xx retransmissions from other forks (client Accepted state). */
    M
}
