package dev.dialtone.bench.codec;

import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.pkts.packet.sip.SipMessage;
import io.pkts.packet.sip.address.SipURI;
import io.pkts.packet.sip.address.URI;
import io.pkts.packet.sip.header.SipHeader;

import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentLengthHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import java.util.Iterator;
import java.util.List;

/**
 * The benchmark's unit of work, done through each peer library: parse the bytes, read every standard header
 * and the URIs of the request line, From, To and Contact, then serialize. Each method returns a number folded
 * from what it read so that the JIT cannot drop the reads.
 */
public final class PeerCodecs {
    private PeerCodecs() {
    }

    public static long jainSip(byte[] bytes) throws Exception {
        // A fresh parser per message, as JAIN-SIP's own message processors do.
        SIPMessage m = new StringMsgParser().parseSIPMessage(bytes, true, false, null);
        long acc = 0;
        if (m instanceof SIPRequest r) {
            acc += jainUri(r.getRequestURI());
            acc += r.getMethod().length();
        } else {
            acc += ((gov.nist.javax.sip.message.SIPResponse) m).getStatusCode();
        }
        Iterator<?> vias = m.getHeaders(ViaHeader.NAME);
        while (vias.hasNext()) {
            ViaHeader v = (ViaHeader) vias.next();
            acc += len(v.getBranch()) + len(v.getHost()) + v.getPort() + len(v.getReceived()) + v.getRPort();
        }
        FromHeader from = (FromHeader) m.getHeader(FromHeader.NAME);
        acc += jainUri(from.getAddress().getURI()) + len(from.getTag()) + len(from.getAddress().getDisplayName());
        ToHeader to = (ToHeader) m.getHeader(ToHeader.NAME);
        acc += jainUri(to.getAddress().getURI()) + len(to.getTag());
        acc += ((CallIdHeader) m.getHeader(CallIdHeader.NAME)).getCallId().length();
        CSeqHeader cseq = (CSeqHeader) m.getHeader(CSeqHeader.NAME);
        acc += cseq.getSeqNumber() + cseq.getMethod().length();
        MaxForwardsHeader mf = (MaxForwardsHeader) m.getHeader(MaxForwardsHeader.NAME);
        if (mf != null) {
            acc += mf.getMaxForwards();
        }
        Iterator<?> contacts = m.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            Address a = ((ContactHeader) contacts.next()).getAddress();
            acc += jainUri(a.getURI());
        }
        ContentLengthHeader cl = (ContentLengthHeader) m.getHeader(ContentLengthHeader.NAME);
        if (cl != null) {
            acc += cl.getContentLength();
        }
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        if (ct != null) {
            acc += ct.getContentSubType().length();
        }
        for (String name : List.of("Route", "Record-Route")) {
            Iterator<?> it = m.getHeaders(name);
            while (it.hasNext()) {
                acc += jainUri(((javax.sip.header.HeaderAddress) it.next()).getAddress().getURI());
            }
        }
        for (String name : List.of("WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization")) {
            Iterator<?> it = m.getHeaders(name);
            while (it.hasNext()) {
                AuthenticationHeader h = (AuthenticationHeader) it.next();
                acc += len(h.getRealm()) + len(h.getNonce()) + len(h.getAlgorithm());
            }
        }
        for (String name : List.of("Allow", "Supported", "Require", "Session-Expires", "Min-SE", "Expires")) {
            Iterator<?> it = m.getHeaders(name);
            while (it.hasNext()) {
                acc += ((SIPHeader) it.next()).getName().length();
            }
        }
        return acc + m.encodeAsBytes("UDP").length;
    }

    private static long jainUri(javax.sip.address.URI uri) {
        if (uri instanceof javax.sip.address.SipURI s) {
            return len(s.getUser()) + len(s.getHost()) + s.getPort() + len(s.getTransportParam());
        }
        return uri.getScheme().length();
    }

    public static long pkts(byte[] bytes) throws Exception {
        SipMessage m = SipMessage.frame(bytes);
        long acc = 0;
        if (m.isRequest()) {
            acc += pktsUri(m.toRequest().getRequestUri());
            acc += m.getMethod().getReadableBytes();
        } else {
            acc += m.toResponse().getStatus();
        }
        for (io.pkts.packet.sip.header.ViaHeader v : m.getViaHeaders()) {
            acc += len(v.getBranch()) + len(v.getHost()) + v.getPort() + len(v.getReceived()) + v.getRPort();
        }
        io.pkts.packet.sip.header.FromHeader from = m.getFromHeader();
        acc += pktsUri(from.getAddress().getURI()) + len(from.getTag()) + len(from.getAddress().getDisplayName());
        io.pkts.packet.sip.header.ToHeader to = m.getToHeader();
        acc += pktsUri(to.getAddress().getURI()) + len(to.getTag());
        acc += m.getCallIDHeader().getCallId().getReadableBytes();
        io.pkts.packet.sip.header.CSeqHeader cseq = m.getCSeqHeader();
        acc += cseq.getSeqNumber() + cseq.getMethod().getReadableBytes();
        io.pkts.packet.sip.header.MaxForwardsHeader mf = m.getMaxForwards();
        if (mf != null) {
            acc += mf.getMaxForwards();
        }
        for (SipHeader h : m.getHeaders("Contact")) {
            acc += pktsUri(h.ensure().toContactHeader().getAddress().getURI());
        }
        SipHeader cl = m.getHeader("Content-Length").orElse(null);
        if (cl != null) {
            acc += cl.ensure().toContentLengthHeader().getContentLength();
        }
        io.pkts.packet.sip.header.ContentTypeHeader ct = m.getContentTypeHeader();
        if (ct != null) {
            acc += ct.getContentSubType().getReadableBytes();
        }
        for (io.pkts.packet.sip.header.RouteHeader r : m.getRouteHeaders()) {
            acc += pktsUri(r.getAddress().getURI());
        }
        for (io.pkts.packet.sip.header.RecordRouteHeader r : m.getRecordRouteHeaders()) {
            acc += pktsUri(r.getAddress().getURI());
        }
        // pkts has no typed authentication or option-tag headers: reading the raw value is all it offers.
        for (String name : List.of("WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization",
                "Allow", "Supported", "Require", "Session-Expires", "Min-SE", "Expires")) {
            for (SipHeader h : m.getHeaders(name)) {
                acc += h.getValue().getReadableBytes();
            }
        }
        return acc + m.toBuffer().getArray().length;
    }

    private static long pktsUri(URI uri) {
        if (uri instanceof SipURI s) {
            return len(s.getUser().orElse(null)) + len(s.getHost()) + s.getPort()
                    + s.getTransportParam().map(t -> t.toString().length()).orElse(0);
        }
        return 1;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    private static int len(io.pkts.buffer.Buffer b) {
        return b == null ? 0 : b.getReadableBytes();
    }
}
