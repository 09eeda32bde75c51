package dev.dialtone.engine.registrar;

import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A phone's side of registration, as literal REGISTER text: one Call-ID, a CSeq that grows per request, and
 * digest credentials computed by {@link DigestClient}.
 */
final class Phone {
    final String user;
    final String domain;
    final String callId;
    final DigestClient digest;
    /** The CSeq of the last request; set it to send an older one. */
    long cseq;
    /** The user of the To address-of-record; the phone's own by default. */
    String toUser;

    Phone(String user, String password, String domain, String callId) {
        this.user = user;
        this.domain = domain;
        this.callId = callId;
        this.digest = new DigestClient(user, password);
        this.toUser = user;
    }

    String requestUri() {
        return "sip:" + domain;
    }

    /** The next REGISTER (CSeq + 1) with these credentials and extra header lines. */
    SipRequest request(List<AuthorizationHeader> credentials, String... headerLines) {
        cseq++;
        List<String> lines = new ArrayList<>();
        lines.add("REGISTER " + requestUri() + " SIP/2.0");
        lines.add("Via: SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK-" + callId.hashCode() + "-" + cseq + ";rport");
        lines.add("Max-Forwards: 70");
        lines.add("From: <sip:" + user + "@" + domain + ">;tag=ph" + Math.abs(callId.hashCode()));
        lines.add("To: <sip:" + toUser + "@" + domain + ">");
        lines.add("Call-ID: " + callId);
        lines.add("CSeq: " + cseq + " REGISTER");
        lines.addAll(List.of(headerLines));
        for (AuthorizationHeader h : credentials) {
            lines.add(h.name() + ": " + h.value());
        }
        lines.add("Content-Length: 0");
        String text = String.join("\r\n", lines) + "\r\n\r\n";
        return (SipRequest) SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A new REGISTER with the credentials of earlier challenges (none before the first). */
    SipRequest request(String... headerLines) {
        return request(digest.authorize("REGISTER", requestUri(), new byte[0]), headerLines);
    }

    /** Answers a 401 as a phone would: the retry, or null when the client gives up. */
    SipRequest answer(SipResponse challenge, String... headerLines) {
        ChallengeAnswer a = digest.onChallenge(challenge.status(), challenge.headers(HeaderName.WWW_AUTHENTICATE),
                "REGISTER", requestUri(), new byte[0]);
        return a instanceof ChallengeAnswer.Retry retry ? request(retry.headers(), headerLines) : null;
    }

    /** Registers through challenges like a phone: sends, answers each 401 the client accepts, returns the last response. */
    SipResponse register(Registrar registrar, Inbound how, String... headerLines) throws Exception {
        SipRequest request = request(headerLines);
        SipResponse response = send(registrar, request, how);
        while (response.status() == 401) {
            SipRequest retry = answer(response, headerLines);
            if (retry == null) {
                return response;
            }
            response = send(registrar, retry, how);
        }
        return response;
    }

    static SipResponse send(Registrar registrar, SipRequest request, Inbound how) throws Exception {
        Inbound in = new Inbound(request, how.transport(), how.remote(), how.local(), how.flow());
        return registrar.handle(request, in).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
