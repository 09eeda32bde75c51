package dev.dialtone.bench.codec;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.AuthHeader;
import dev.dialtone.sip.message.CSeq;
import dev.dialtone.sip.message.Contact;
import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;

import java.util.List;

/** The benchmark's unit of work through Dialtone's codec; the same reads as {@link PeerCodecs}. */
public final class DialtoneCodec {
    private DialtoneCodec() {
    }

    public static long work(byte[] bytes) {
        SipMessage m = SipParser.parse(bytes);
        long acc = 0;
        if (m instanceof SipRequest r) {
            acc += uri(r.requestUri());
            acc += r.method().name().length();
        } else {
            acc += ((SipResponse) m).status();
        }
        for (Via v : m.vias()) {
            acc += len(v.branch()) + len(v.host()) + v.port() + len(v.received()) + (v.rport() == null ? 0 : v.rport());
        }
        Address from = m.from();
        acc += uri(from.uri()) + len(from.tag()) + len(from.displayName());
        Address to = m.to();
        acc += uri(to.uri()) + len(to.tag());
        acc += m.callId().length();
        CSeq cseq = m.cseq();
        acc += cseq.seq() + cseq.method().name().length();
        Integer mf = m.maxForwards();
        if (mf != null) {
            acc += mf;
        }
        for (Contact c : m.contacts()) {
            acc += c.isStar() ? 1 : uri(c.uri());
        }
        acc += m.contentLength();
        // Dialtone has no typed Content-Type (media parses it where it needs it): the raw value is what it offers.
        String ct = m.contentType();
        if (ct != null) {
            acc += ct.length();
        }
        for (Address a : m.routes()) {
            acc += uri(a.uri());
        }
        for (Address a : m.recordRoutes()) {
            acc += uri(a.uri());
        }
        acc += auth(m.wwwAuthenticate()) + auth(m.authorization()) + auth(m.proxyAuthenticate())
                + auth(m.proxyAuthorization());
        for (SipMethod method : m.allow()) {
            acc += method.name().length();
        }
        acc += m.supported().size() + m.require().size();
        SessionExpires se = m.sessionExpires();
        if (se != null) {
            acc += se.delta();
        }
        Long minSe = m.minSe();
        Long expires = m.expires();
        acc += (minSe == null ? 0 : minSe) + (expires == null ? 0 : expires);
        return acc + m.toBytes().length;
    }

    private static long auth(List<AuthHeader> headers) {
        long acc = 0;
        for (AuthHeader h : headers) {
            acc += len(h.param("realm")) + len(h.param("nonce")) + len(h.param("algorithm"));
        }
        return acc;
    }

    private static long uri(Uri uri) {
        if (uri instanceof SipUri s) {
            return len(s.user()) + len(s.host()) + s.port() + len(s.transport());
        }
        return 1;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }
}
