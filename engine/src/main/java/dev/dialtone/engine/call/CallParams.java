package dev.dialtone.engine.call;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters every request about a call carries (INTERFACES §4), in the compatibility API's names. */
public final class CallParams {
    public static final String API_VERSION = "2010-04-01";

    private CallParams() {
    }

    /** {@code CallSid, AccountSid, ApiVersion, From, To, CallStatus, Direction, CallerName, ParentCallSid}. */
    public static Map<String, String> standard(Call call, String callerName, String forwardedFrom) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("CallSid", call.callSid());
        p.put("AccountSid", call.accountSid());
        p.put("ApiVersion", API_VERSION);
        p.put("From", call.from());
        p.put("To", call.to());
        p.put("CallStatus", call.status().wire());
        p.put("Direction", call.direction().wire());
        if (callerName != null) {
            p.put("CallerName", callerName);
        }
        if (forwardedFrom != null) {
            p.put("ForwardedFrom", forwardedFrom);
        }
        if (call.parentCallSid() != null) {
            p.put("ParentCallSid", call.parentCallSid());
        }
        return p;
    }

    /**
     * A status callback's fields (seeds/002, INTERFACES §4): the standard ones and the outcome so far. The
     * {@code answered} event reports {@code CallStatus=in-progress}, which the call's own status already is.
     */
    public static Map<String, String> statusEvent(Call call) {
        Map<String, String> p = standard(call, null, null);
        p.remove("CallSid"); // the dispatcher puts CallSid first itself
        p.put("CallDuration", Long.toString(call.durationSeconds()));
        if (call.sipResultCode() > 0) {
            p.put("SipResultCode", Integer.toString(call.sipResultCode()));
            p.put("SipInviteResultPhrase", call.sipResultPhrase());
        }
        if (call.hangupBy() != null) {
            boolean remote = call.hangupBy() == CallEvent.HangupBy.REMOTE;
            // HangupBy names the party that hung up; HangupDirection says whether the hangup came in from the far
            // end of this leg or went out from Dialtone.
            boolean inbound = call.direction() == Call.Direction.INBOUND;
            String farEnd = inbound ? call.from() : call.to();
            String nearEnd = inbound ? call.to() : call.from();
            p.put("HangupBy", remote ? farEnd : nearEnd);
            p.put("HangupDirection", remote ? "inbound" : "outbound");
        }
        return p;
    }
}
