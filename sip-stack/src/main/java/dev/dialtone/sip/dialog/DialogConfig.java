package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.Address;

/**
 * How the dialog layer behaves.
 *
 * @param contact        our Contact in requests and responses that create or refresh a dialog
 * @param sessionTimers  RFC 4028 session timers: offered on INVITE, accepted from peers, refreshed and enforced
 * @param sessionExpires the session interval we ask for, in seconds (RFC 4028 recommends 1800)
 * @param minSe          the smallest interval we accept, in seconds; RFC 4028 5 puts the floor at 90, smaller
 *                       values exist for tests
 * @param reliableProvisional advertise {@code Supported: 100rel} and PRACK reliable provisional responses (RFC 3262)
 */
public record DialogConfig(Address contact, boolean sessionTimers, long sessionExpires, long minSe,
                           boolean reliableProvisional) {

    public DialogConfig {
        if (contact == null) {
            throw new IllegalArgumentException("a Contact is required");
        }
        if (minSe < 1 || sessionExpires < minSe) {
            throw new IllegalArgumentException("need 1 <= Min-SE <= Session-Expires, got " + minSe + " and " + sessionExpires);
        }
    }

    /** Session timers on at 1800 s with Min-SE 90 s, 100rel supported. */
    public static DialogConfig defaults(Address contact) {
        return new DialogConfig(contact, true, 1800, 90, true);
    }

    public DialogConfig withSessionTimers(boolean on, long sessionExpires, long minSe) {
        return new DialogConfig(contact, on, sessionExpires, minSe, reliableProvisional);
    }

    /** The option tags we put in Supported. */
    String supported() {
        if (sessionTimers && reliableProvisional) {
            return "timer, 100rel";
        }
        return sessionTimers ? "timer" : reliableProvisional ? "100rel" : null;
    }
}
