package dev.dialtone.sip.transaction;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

import java.nio.charset.StandardCharsets;

/** Literal messages for the transaction tests. */
final class Messages {
    private Messages() {
    }

    static SipRequest request(String method, String branch) {
        return (SipRequest) SipParser.parse((method + " sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "Route: <sip:127.0.0.1:5080;lr>\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=f1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: call-" + branch + "\r\n"
                + "CSeq: 7 " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    static SipRequest invite(String branch) {
        return request("INVITE", branch);
    }

    static SipResponse response(SipRequest request, int status, String toTag) {
        SipResponse r = request.createResponse(status);
        return toTag == null ? r : r.toBuilder().toTag(toTag).build();
    }
}
