package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.CSeq;
import dev.dialtone.sip.message.Contact;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The semantic checks a transaction layer applies before processing a parsed message (RFC 3261 8.2, 16.3), and
 * that {@code dialtone.jar lint} reports: a message passes when a conforming stack would accept and process it
 * (RFC 4475's meaning of "valid"). Where RFC 4475 lets a stack be liberal (escruri, baddate, badaspec) this is strict.
 * The first fault found is raised as a {@link SipParseException} whose reason fits a {@code 400} reason phrase.
 */
public final class SipValidator {

    /** Start of the reason for a message of another SIP version, which a UAS answers with 505. */
    public static final String VERSION_NOT_SUPPORTED = "Version Not Supported";

    // Headers RFC 3261 (and RFC 3262, 4028, 6665) define with a single value.
    private static final Set<String> SINGLE = Set.of(
        HeaderName.TO, HeaderName.FROM, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.MAX_FORWARDS,
        HeaderName.CONTENT_LENGTH, HeaderName.CONTENT_TYPE, HeaderName.CONTENT_DISPOSITION, HeaderName.EXPIRES,
        HeaderName.MIN_EXPIRES, HeaderName.DATE, HeaderName.SESSION_EXPIRES, HeaderName.MIN_SE, HeaderName.RSEQ,
        HeaderName.RACK, HeaderName.MIME_VERSION, HeaderName.TIMESTAMP, HeaderName.RETRY_AFTER, HeaderName.REPLY_TO,
        HeaderName.PRIORITY, HeaderName.EVENT, HeaderName.REFER_TO, HeaderName.SUBSCRIPTION_STATE);

    private static final List<String> REQUIRED =
        List.of(HeaderName.TO, HeaderName.FROM, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.VIA);

    private SipValidator() {
    }

    /**
     * Parses {@code datagram} as RFC 4475 does (one UDP datagram: trailing octets after Content-Length discarded)
     * and validates it.
     *
     * @return empty if valid, else the reason
     */
    public static Optional<String> checkDatagram(byte[] datagram) {
        try {
            validate(SipParser.parse(datagram));
            return Optional.empty();
        } catch (SipParseException e) {
            return Optional.of(e.reason());
        }
    }

    /**
     * Checks {@code m}; returns normally when a conforming stack would process it.
     *
     * @throws SipParseException naming the first fault
     */
    public static void validate(SipMessage m) {
        // RFC 3261 8.2.2 / 21.5.6: only SIP/2.0 (a UAS answers 505 to anything else)
        if (!SipMessage.SIP_2_0.equalsIgnoreCase(m.version())) {
            throw new SipParseException(0, VERSION_NOT_SUPPORTED + ": " + m.version());
        }
        if (m instanceof SipRequest r) {
            requestLine(r);
        } else {
            int status = ((SipResponse) m).status();
            if (status < 100 || status > 699) {
                throw new SipParseException(8, "Bad Status-Line: status code out of range");
            }
        }
        required(m);
        repeated(m);
        List<Via> vias = m.vias();
        Address from = m.from();
        Address to = m.to();
        checkAddress(from, "From");
        checkAddress(to, "To");
        callId(m.callId());
        CSeq cseq = m.cseq();
        if (m instanceof SipRequest r && !cseq.method().equals(r.method())) {
            // RFC 3261 8.1.1.5 / 12.2.1.1: the CSeq method MUST match the request's
            throw new SipParseException(0, "Bad CSeq: method does not match request line");
        }
        m.maxForwards();
        List<Contact> contacts = m.contacts();
        for (Contact c : contacts) {
            if (!c.isStar()) {
                checkAddress(c.address(), "Contact");
            }
        }
        m.routes().forEach(a -> checkAddress(a, "Route"));
        m.recordRoutes().forEach(a -> checkAddress(a, "Record-Route"));
        m.expires();
        m.minExpires();
        m.sessionExpires();
        m.minSe();
        m.rseq();
        m.rack();
        m.supported();
        m.require();
        m.proxyRequire();
        m.allow();
        m.wwwAuthenticate();
        m.proxyAuthenticate();
        m.authorization();
        m.proxyAuthorization();
        date(m.header(HeaderName.DATE));
        contentType(m.contentType());
        retryAfter(m.header(HeaderName.RETRY_AFTER));
        if (vias.isEmpty()) {
            throw new SipParseException(0, "Missing Via header");
        }
    }

    private static void requestLine(SipRequest r) {
        Uri uri = r.requestUri();
        // RFC 3261 19.1.1 table 1: headers are not allowed in a Request-URI
        if (uri instanceof SipUri u && !u.headers().isEmpty()) {
            throw new SipParseException(0, "Bad Request-URI: headers not allowed");
        }
    }

    /**
     * Names the first single-valued header, in wire order, that comes more than once. Known names are the same
     * {@link HeaderName} constant on every line, so this is a pass of identity comparisons over a dozen lines.
     */
    private static void repeated(SipMessage m) {
        int n = m.headerCount();
        for (int i = 0; i < n - 1; i++) {
            String name = m.headerName(i);
            for (int k = i + 1; k < n; k++) {
                if (m.headerName(k) == name && SINGLE.contains(name)) {
                    throw new SipParseException(0, "Multiple " + name + " headers");
                }
            }
        }
    }

    private static void required(SipMessage m) {
        // One pass over the names, which are the HeaderName constants themselves for every known header.
        int seen = 0; // bit k: REQUIRED.get(k) is present
        boolean maxForwards = false;
        for (int i = 0, n = m.headerCount(); i < n; i++) {
            String name = m.headerName(i);
            for (int k = 0; k < REQUIRED.size(); k++) {
                if (name == REQUIRED.get(k)) {
                    seen |= 1 << k;
                }
            }
            maxForwards |= name == HeaderName.MAX_FORWARDS;
        }
        // RFC 3261 8.1.1: requests carry Max-Forwards; an RFC 2543 peer (no magic cookie, 3.4.1 of RFC 4475) may omit it
        boolean lacksMaxForwards = m instanceof SipRequest && !maxForwards && isRfc3261(m);
        if (seen == (1 << REQUIRED.size()) - 1 && !lacksMaxForwards) {
            return;
        }
        StringBuilder missing = new StringBuilder();
        for (int k = 0; k < REQUIRED.size(); k++) {
            if ((seen & 1 << k) == 0) {
                (missing.isEmpty() ? missing : missing.append(", ")).append(REQUIRED.get(k));
            }
        }
        if (lacksMaxForwards) {
            (missing.isEmpty() ? missing : missing.append(", ")).append(HeaderName.MAX_FORWARDS);
        }
        throw new SipParseException(0, "Missing " + missing + (missing.indexOf(",") >= 0 ? " headers" : " header"));
    }

    private static boolean isRfc3261(SipMessage m) {
        try {
            Via top = m.topVia();
            return top == null || top.hasRfc3261Branch();
        } catch (SipParseException e) {
            return true;
        }
    }

    private static void checkAddress(Address a, String header) {
        // Parsing already enforced name-addr rules; a SIP URI in these headers must not carry a "method" (19.1.1).
        if (a != null && a.uri() instanceof SipUri u && u.params().has("method")
            && !header.equals("Contact") && !header.equals("Refer-To")) {
            throw new SipParseException(0, "Bad " + header + ": method parameter not allowed");
        }
    }

    // callid = word [ "@" word ]
    private static void callId(String v) {
        int at = v.indexOf('@');
        boolean ok = at < 0 ? isWord(v, 0, v.length()) : isWord(v, 0, at) && isWord(v, at + 1, v.length());
        if (!ok) {
            throw new SipParseException(0, "Bad Call-ID");
        }
    }

    private static final boolean[] WORD = chars("-.!%*_+`'~()<>:\\\"/[]?{}");
    private static final boolean[] TOKEN = chars("-.!%*_+`'~");

    private static boolean[] chars(String punctuation) {
        boolean[] t = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            t[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            t[c] = true;
            t[c - 32] = true;
        }
        for (int i = 0; i < punctuation.length(); i++) {
            t[punctuation.charAt(i)] = true;
        }
        return t;
    }

    private static boolean isWord(String s, int from, int to) {
        return all(WORD, s, from, to);
    }

    private static boolean all(boolean[] table, String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !table[c]) {
                return false;
            }
        }
        return true;
    }

    // RFC 3261 20.17: Date = rfc1123-date, and the time zone MUST be GMT
    private static void date(String v) {
        if (v == null) {
            return;
        }
        if (!v.endsWith(" GMT")) {
            throw new SipParseException(0, "Bad Date: time zone must be GMT");
        }
        try {
            DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).parse(v);
        } catch (DateTimeParseException e) {
            throw new SipParseException(0, "Bad Date: not an RFC 1123 date");
        }
    }

    // media-type = m-type SLASH m-subtype *(SEMI m-parameter)
    private static void contentType(String v) {
        if (v == null) {
            return;
        }
        int semi = v.indexOf(';');
        int end = semi < 0 ? v.length() : semi;
        int slash = v.indexOf('/');
        if (slash < 0 || slash >= end || !isToken(v, 0, slash) || !isToken(v, slash + 1, end)) {
            throw new SipParseException(0, "Bad Content-Type");
        }
    }

    // Retry-After = delta-seconds [ comment ] *( SEMI retry-param )
    private static void retryAfter(String v) {
        if (v == null) {
            return;
        }
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 10 || Long.parseLong(v, 0, i, 10) > 0xFFFFFFFFL) {
            throw new SipParseException(0, i > 10 ? "Bad Retry-After: value too large" : "Bad Retry-After");
        }
    }

    /** A token once the linear white space around it is dropped. */
    private static boolean isToken(String s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return all(TOKEN, s, from, to);
    }
}
