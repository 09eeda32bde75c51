package dev.dialtone.sip.dialog;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

import java.nio.charset.StandardCharsets;

/** Literal messages for the dialog tests. */
final class Msgs {
    private Msgs() {
    }

    static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";

    /** An INVITE from alice (tag a1) to bob, with the given extra header lines (each ending in CRLF). */
    static SipRequest invite(String extra) {
        return (SipRequest) SipParser.parse(("INVITE sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-inv1;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: dlg-test-1\r\n"
                + "CSeq: 10 INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:5060>\r\n"
                + extra
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP).getBytes(StandardCharsets.UTF_8));
    }

    /** A response to {@code request} with To tag {@code toTag} and the given extra header lines. */
    static SipResponse response(SipRequest request, int status, String toTag, String... headerLines) {
        SipResponse.Builder b = request.responseBuilder(status, SipResponse.reasonPhrase(status));
        if (toTag != null) {
            b.toTag(toTag);
        }
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            b.header(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return b.build();
    }

    /** A request from the peer inside the dialog {@code d} (we are {@code d}'s local side). */
    static SipRequest fromPeer(Dialog d, String method, long cseq, String extra, String body) {
        String b = body == null ? "" : body;
        return (SipRequest) SipParser.parse((method + " sip:me@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-peer" + method + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + d.remoteUri() + "\r\n"
                + "To: " + d.localUri() + "\r\n"
                + "Call-ID: " + d.id().callId() + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + extra
                + (body == null ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + b.length() + "\r\n\r\n" + b).getBytes(StandardCharsets.UTF_8));
    }
}
