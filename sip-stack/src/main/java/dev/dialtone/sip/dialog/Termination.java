package dev.dialtone.sip.dialog;

/** Why a confirmed dialog ended, as {@link DialogListener#onTerminated} reports it. */
public enum Termination {
    /** We sent BYE. */
    LOCAL_BYE,
    /** The peer sent BYE; it was answered with 200. */
    REMOTE_BYE,
    /** RFC 4028 10: no session refresh in time; we sent BYE. */
    SESSION_EXPIRED,
    /** RFC 3261 13.3.1.4: our 2xx was never acknowledged; we sent BYE. */
    NO_ACK,
    /** RFC 3261 12.2.1.2: an in-dialog request got 481 or 408 or timed out. */
    REQUEST_FAILED,
    /** An early dialog that never got confirmed: rejected, cancelled, or another fork answered. Not reported. */
    EARLY_ENDED
}
