package dev.dialtone.sip.transaction;

/** Why a transaction failed, as the transaction user sees it. */
public enum TransactionFailure {
    /** Timer B or F expired: no final response. */
    TIMEOUT,
    /** The transport could not deliver a message (RFC 3261 17.1.4, 17.2.4). */
    TRANSPORT_ERROR,
    /** Timer H expired: the final non-2xx response was never acknowledged. */
    NO_ACK
}
