package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

/** The negotiation of RFC 4028 as pure functions of the messages; the dialog arms the timers they imply. */
final class SessionTimer {
    private SessionTimer() {
    }

    /** Agreed terms: the interval in seconds (0 for no session timer) and whether we refresh. */
    record Terms(long interval, boolean weRefresh) {
        static final Terms NONE = new Terms(0, false);
    }

    /** What a UAS puts in its 2xx: Session-Expires with this refresher, and Require: timer or not. */
    record Answer(long interval, String refresher, boolean requireTimer) {
        Terms terms() {
            return new Terms(interval, refresher.equals("uas"));
        }
    }

    /**
     * RFC 4028 9: the UAS answer to an INVITE or UPDATE whose interval already passed the Min-SE check. The requested
     * interval is kept; the refresher is the requester's choice, else the requester when it supports timers, else us
     * (a peer without timer support cannot refresh). Without Session-Expires in the request we ask for
     * {@code fallback} seconds and refresh ourselves. Require: timer when the peer supports it.
     */
    static Answer answer(SipRequest request, long fallback) {
        boolean peerSupports = request.supported().contains("timer");
        SessionExpires se = request.sessionExpires();
        long interval = se != null ? se.delta() : fallback;
        String asked = se != null && se.refresher() != null ? se.refresher() : peerSupports && se != null ? "uac" : "uas";
        String refresher = "uac".equalsIgnoreCase(asked) && peerSupports ? "uac" : "uas";
        return new Answer(interval, refresher, peerSupports);
    }

    /**
     * RFC 4028 7.2: the UAC side of a 2xx. Session-Expires names the interval and the refresher (a missing refresher
     * is taken as ours, so that someone refreshes). Without it, a peer that supports timers has turned the timer
     * off; one that does not leaves us refreshing at the interval we asked for, which needs nothing of the peer but
     * answering the refreshes.
     */
    static Terms fromResponse(SipRequest request, SipResponse response) {
        SessionExpires se = response.sessionExpires();
        if (se != null) {
            return new Terms(se.delta(), !"uas".equalsIgnoreCase(se.refresher()));
        }
        SessionExpires asked = request.sessionExpires();
        boolean peerSupports = response.supported().contains("timer") || response.require().contains("timer");
        return asked != null && !peerSupports ? new Terms(asked.delta(), true) : Terms.NONE;
    }

    /** RFC 4028 10: the refresher refreshes at half the interval. */
    static long refreshDelayMillis(long interval) {
        return interval * 1000 / 2;
    }

    /**
     * RFC 4028 10: the side waiting for refreshes sends BYE a little before the session would expire, at
     * interval - min(32 s, interval/3); the refresher, whose refreshes got no answer, at the expiry itself.
     */
    static long expiryDelayMillis(long interval, boolean weRefresh) {
        long ms = interval * 1000;
        return weRefresh ? ms : ms - Math.min(32_000, ms / 3);
    }
}
