package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

/** Requests the transaction layer builds itself from the INVITE they belong to. */
final class Requests {
    private Requests() {
    }

    /**
     * RFC 3261 17.1.1.3: the ACK for a non-2xx final response is part of the INVITE transaction. Same Request-URI,
     * Call-ID, From, CSeq number and the one top Via of the INVITE (so it matches the server transaction), To from
     * the response (with its tag), and the INVITE's Route headers.
     */
    static SipRequest ackForNonSuccess(SipRequest invite, SipResponse response) {
        return sameTransaction(SipMethod.ACK, invite, response.header("To"));
    }

    /**
     * RFC 3261 9.1: a CANCEL has the INVITE's Request-URI, Call-ID, To, From, CSeq number and its top Via (with the
     * same branch), and the same Route headers.
     */
    static SipRequest cancelFor(SipRequest invite) {
        return sameTransaction(SipMethod.CANCEL, invite, invite.header("To"));
    }

    private static SipRequest sameTransaction(SipMethod method, SipRequest invite, String to) {
        SipRequest.Builder b = SipRequest.builder(method, invite.requestUri())
                .header("Via", invite.topVia().toString())
                .header("Max-Forwards", "70");
        for (String route : invite.headers("Route")) {
            b.header("Route", route);
        }
        return b.header("From", invite.header("From"))
                .header("To", to)
                .header("Call-ID", invite.callId())
                .header("CSeq", invite.cseq().seq() + " " + method.name())
                .header("Content-Length", "0")
                .build();
    }
}
