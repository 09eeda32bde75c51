package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionTimerTest {

    private static SessionTimer.Answer answer(String headers) {
        return SessionTimer.answer(Msgs.invite(headers), 1800);
    }

    @Test
    void uasAnswer_followsTheRequestersChoice_elseTheRequesterIfItSupportsTimers_elseItself() {
        // RFC 4028 9, table 2.
        assertEquals(new SessionTimer.Answer(600, "uac", true),
                answer("Supported: timer\r\nSession-Expires: 600;refresher=uac\r\n"));
        assertEquals(new SessionTimer.Answer(600, "uas", true),
                answer("Supported: timer\r\nSession-Expires: 600;refresher=uas\r\n"));
        assertEquals(new SessionTimer.Answer(600, "uac", true), answer("Supported: timer\r\nSession-Expires: 600\r\n"));
        assertEquals(new SessionTimer.Answer(600, "uas", false), answer("Session-Expires: 600\r\n"));
        assertEquals(new SessionTimer.Answer(1800, "uas", true), answer("Supported: timer\r\n"));
        assertEquals(new SessionTimer.Answer(1800, "uas", false), answer(""));
        // A peer that cannot refresh is never made the refresher, whatever its request says.
        assertEquals(new SessionTimer.Answer(600, "uas", false), answer("Session-Expires: 600;refresher=uac\r\n"));
    }

    @Test
    void uacTerms_fromThe2xx() {
        SipRequest invite = Msgs.invite("Supported: timer\r\nSession-Expires: 600\r\n");
        SipResponse uas = Msgs.response(invite, 200, "b", "Session-Expires: 900;refresher=uas", "Require: timer");
        assertEquals(new SessionTimer.Terms(900, false), SessionTimer.fromResponse(invite, uas));
        SipResponse uac = Msgs.response(invite, 200, "b", "Session-Expires: 900;refresher=uac", "Require: timer");
        assertEquals(new SessionTimer.Terms(900, true), SessionTimer.fromResponse(invite, uac));
        assertEquals(new SessionTimer.Terms(600, true), SessionTimer.fromResponse(invite, Msgs.response(invite, 200, "b")));
        assertEquals(SessionTimer.Terms.NONE,
                SessionTimer.fromResponse(invite, Msgs.response(invite, 200, "b", "Supported: timer")));
    }

    @Test
    void delays_refreshAtHalf_byeAtIntervalLessMin32sOrAThird() {
        assertEquals(900_000, SessionTimer.refreshDelayMillis(1800));
        assertEquals(1_768_000, SessionTimer.expiryDelayMillis(1800, false));
        assertEquals(60_000, SessionTimer.expiryDelayMillis(90, false));
        assertEquals(1_800_000, SessionTimer.expiryDelayMillis(1800, true));
    }
}
