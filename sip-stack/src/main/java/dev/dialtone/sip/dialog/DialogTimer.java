package dev.dialtone.sip.dialog;

/** The timers a dialog arms; each at most once at a time, all cancelled when the dialog ends. */
enum DialogTimer {
    /** RFC 3261 13.3.1.4: retransmit our 2xx to an INVITE, T1 doubling up to T2, until the ACK. */
    RETRANSMIT_2XX,
    /** RFC 3261 13.3.1.4: 64*T1 without an ACK for our 2xx: confirm the dialog and end it with BYE. */
    ACK_TIMEOUT,
    /** RFC 4028 10: the refresher refreshes the session at half the interval. */
    SESSION_REFRESH,
    /** RFC 4028 10: no refresh came in time: BYE at interval - min(32 s, interval/3), or at expiry for the refresher. */
    SESSION_EXPIRES,
    /** RFC 3261 14.1: resend a re-INVITE or UPDATE that got 491 after a random wait. */
    GLARE_RETRY
}
