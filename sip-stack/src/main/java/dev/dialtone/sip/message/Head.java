package dev.dialtone.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A framed message: the bytes it owns, the header slices found by {@link Framer}, and the typed values parsed on
 * first access. Typed values are cached in plain fields: computing one twice on a race gives an equal value.
 */
final class Head {

    private static final int STRIDE = 3;
    private static final Object NONE = new Object();

    final byte[] b;
    int startLineEnd;
    int bodyStart;
    int length;
    int contentLength = -1;

    int count;
    String[] names;
    // A one-word Bloom filter of the names present (bit = hash mod 64): most lookups are for absent headers.
    private long present;
    // per header: value start, value end, line end (after LF); a negative value end marks a folded value. Header lines
    // are contiguous, so a line starts where the one before ended (the first at headerStart).
    private int[] slices;
    private String[] values;
    int headerStart;

    private Object vias;
    private String callId;
    private String contentType;
    private Object from;
    private Object to;
    private Object cseq;
    private Object contacts;
    private Object maxForwards;
    private Object routes;
    private Object recordRoutes;
    // The lists of option tags and methods, and Session-Expires: the validator parses them for every message and
    // the dialog layer reads them again from the same message.
    private List<String> supported;
    private List<String> require;
    private List<SipMethod> allow;
    private Object sessionExpires;

    Head(byte[] b) {
        this(b, 16);
    }

    /** A head for {@code headers} header lines (it grows past them): a builder knows how many it writes. */
    Head(byte[] b, int headers) {
        this.b = b;
        int n = Math.max(headers, 1);
        this.names = new String[n];
        this.slices = new int[n * STRIDE];
    }

    void add(String name, int valueStart, int valueEnd, int lineEnd) {
        if (count == names.length) {
            names = java.util.Arrays.copyOf(names, count * 2);
            slices = Framer.grow(slices);
            if (values != null) {
                values = java.util.Arrays.copyOf(values, count * 2);
            }
        }
        names[count] = name;
        present |= 1L << name.hashCode();
        int k = count * STRIDE;
        slices[k] = valueStart;
        slices[k + 1] = valueEnd;
        slices[k + 2] = lineEnd;
        count++;
    }

    /** Adds header {@code i} of {@code src}, its line copied {@code delta} bytes further on and now ending at {@code lineEnd}. */
    void addCopy(Head src, int i, int delta, int lineEnd) {
        int k = i * STRIDE;
        int ve = src.slices[k + 1];
        add(src.names[i], src.slices[k] + delta, ve < 0 ? ve - delta : ve + delta, lineEnd);
    }

    /** Sets the decoded value of header {@code i}, known already (a builder wrote it from this very string). */
    void preset(int i, String value) {
        if (values == null) {
            values = new String[names.length];
        }
        values[i] = value;
    }

    /**
     * Caches {@code value}, which a builder wrote as header {@code i}, as the Call-ID or Content-Type when that is
     * what header {@code i} is, and the first of its name.
     */
    void presetOwn(int i, String value) {
        String name = names[i];
        if (name != HeaderName.CALL_ID && name != HeaderName.CONTENT_TYPE || indexOfKnown(name, 0) != i) {
            return;
        }
        if (name == HeaderName.CALL_ID) {
            callId = value;
        } else {
            contentType = value;
        }
    }

    void extendLast(int valueEnd, int lineEnd) {
        int k = (count - 1) * STRIDE;
        if (valueEnd > Math.abs(slices[k + 1])) {
            slices[k + 1] = -valueEnd;
        }
        slices[k + 2] = lineEnd;
    }

    int lineStart(int i) {
        return i == 0 ? headerStart : slices[(i - 1) * STRIDE + 2];
    }

    int lineEnd(int i) {
        return slices[i * STRIDE + 2];
    }

    int valueStart(int i) {
        return slices[i * STRIDE];
    }

    int valueEnd(int i) {
        return Math.abs(slices[i * STRIDE + 1]);
    }

    /** The value of header {@code i}: decoded as UTF-8, folding (CRLF + whitespace) replaced by one space. */
    String value(int i) {
        if (values == null) {
            values = new String[count];
        }
        String v = values[i];
        if (v == null) {
            int vs = valueStart(i);
            int ve = valueEnd(i);
            if (slices[i * STRIDE + 1] >= 0) {
                v = new String(b, vs, ve - vs, StandardCharsets.UTF_8);
            } else {
                v = unfold(vs, ve);
            }
            values[i] = v;
        }
        return v;
    }

    private String unfold(int vs, int ve) {
        byte[] out = new byte[ve - vs];
        int n = 0;
        for (int p = vs; p < ve; p++) {
            byte c = b[p];
            if (c == '\r' || c == '\n') {
                while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t')) {
                    n--;
                }
                while (p + 1 < ve && (b[p + 1] == '\r' || b[p + 1] == '\n' || b[p + 1] == ' ' || b[p + 1] == '\t')) {
                    p++;
                }
                if (n > 0) {
                    out[n++] = ' ';
                }
            } else {
                out[n++] = c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    int indexOf(String canonicalName, int from) {
        if (HeaderName.isKnown(canonicalName)) {
            return indexOfKnown(canonicalName, from);
        }
        for (int i = from; i < count; i++) {
            if (HeaderName.same(names[i], canonicalName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@link #indexOf} for one of the {@link HeaderName} constants: the framer stores that very constant for every
     * spelling of a known header, and an unknown name never equals a known one, so identity is the whole test.
     */
    int indexOfKnown(String constant, int from) {
        if ((present & 1L << constant.hashCode()) == 0) {
            return -1;
        }
        String[] n = names;
        for (int i = from, c = count; i < c; i++) {
            if (n[i] == constant) {
                return i;
            }
        }
        return -1;
    }

    String first(String name) {
        String canonical = HeaderName.canonical(name);
        int i = indexOf(canonical, 0);
        if (i < 0) {
            return null;
        }
        String v = value(i);
        if (v.indexOf(',') >= 0 && HeaderName.isListCanonical(canonical)) {
            int[] parts = Grammar.split(v);
            return v.substring(parts[0], parts[1]);
        }
        return v;
    }

    /** Call-ID, cached on its own: it is read for every message, often alone, and needs no array of all values. */
    String callId() {
        String v = callId;
        if (v == null) {
            v = own(HeaderName.CALL_ID);
            callId = v;
        }
        return v;
    }

    /** Content-Type, cached on its own as Call-ID is. */
    String contentType() {
        String v = contentType;
        if (v == null) {
            v = own(HeaderName.CONTENT_TYPE);
            contentType = v;
        }
        return v;
    }

    /** The first value of a header that is not a list, made without filling the array of all values; null if absent. */
    private String own(String constant) {
        int i = indexOfKnown(constant, 0);
        if (i < 0) {
            return null;
        }
        return values != null && values[i] != null ? values[i] : unfolded(i)
            ? new String(b, valueStart(i), valueEnd(i) - valueStart(i), StandardCharsets.UTF_8) : value(i);
    }

    List<String> all(String name) {
        String canonical = HeaderName.canonical(name);
        boolean list = HeaderName.isListCanonical(canonical);
        List<String> out = new ArrayList<>(2);
        for (int i = indexOf(canonical, 0); i >= 0; i = indexOf(canonical, i + 1)) {
            String v = value(i);
            if (list) {
                int[] parts = Grammar.split(v);
                for (int k = 0; k < parts.length; k += 2) {
                    if (parts[k] < parts[k + 1]) {
                        out.add(v.substring(parts[k], parts[k + 1]));
                    }
                }
            } else {
                out.add(v);
            }
        }
        return Collections.unmodifiableList(out);
    }

    List<Header> rawHeaders() {
        List<Header> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Header(names[i], value(i)));
        }
        return Collections.unmodifiableList(out);
    }

    String startLine() {
        return new String(b, 0, startLineEnd, StandardCharsets.UTF_8);
    }

    byte[] body() {
        return java.util.Arrays.copyOfRange(b, bodyStart, length);
    }

    // ---- typed views

    private interface ElementParser<T> {
        T parse(String v, int from, int to, String ctx, int offset);
    }

    /** The fast path for one element of a list header; null when the full grammar must decide. */
    private interface QuickParser<T> {
        T parse(Quick q);
    }

    private static final QuickParser<Via> QUICK_VIA = Quick::via;
    private static final QuickParser<Address> QUICK_ADDRESS = Quick::address;

    private <T> List<T> list(String name, String ctx, ElementParser<T> parser, QuickParser<T> quick) {
        int first = indexOfKnown(name, 0);
        if (first < 0) {
            return Collections.emptyList();
        }
        boolean alone = indexOfKnown(name, first + 1) < 0;
        if (alone) {
            // The usual case, one line with one value: no list to grow, one immutable singleton.
            T t = quickAlone(first, quick);
            if (t != null) {
                return Collections.singletonList(t);
            }
        }
        List<T> out = new ArrayList<>(2);
        for (int i = first; i >= 0; i = alone ? -1 : indexOfKnown(name, i + 1)) {
            if (!quickElements(i, quick, out)) {
                elements(i, ctx, parser, out);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The value of header {@code i} by the fast path if it is a single element, else null. */
    private <T> T quickAlone(int i, QuickParser<T> quick) {
        return unfolded(i) ? quickWhole(b, valueStart(i), valueEnd(i), quick) : null;
    }

    /** What the fast path reads from the whole of {@code b[from, to)}, or null. */
    private static <T> T quickWhole(byte[] b, int from, int to, QuickParser<T> quick) {
        Quick q = new Quick(b, from, to);
        T t = quick.parse(q);
        return t != null && q.atEnd() ? t : null;
    }

    /** The elements of header {@code i} by the fast path, added to {@code out}; false (and nothing added) if it gave up. */
    private <T> boolean quickElements(int i, QuickParser<T> quick, List<T> out) {
        if (slices[i * STRIDE + 1] < 0) {
            return false;
        }
        Quick q = new Quick(b, valueStart(i), valueEnd(i));
        int mark = out.size();
        do {
            T t = quick.parse(q);
            if (t == null) {
                out.subList(mark, out.size()).clear();
                return false;
            }
            out.add(t);
        } while (q.nextElement());
        if (!q.atEnd()) {
            out.subList(mark, out.size()).clear();
            return false;
        }
        return true;
    }

    private <T> void elements(int i, String ctx, ElementParser<T> parser, List<T> out) {
        String v = value(i);
        int[] parts = Grammar.split(v);
        for (int k = 0; k < parts.length; k += 2) {
            if (parts[k] == parts[k + 1]) {
                throw new SipParseException(valueStart(i) + parts[k], ctx + ": empty list element");
            }
            try {
                out.add(parser.parse(v, parts[k], parts[k + 1], ctx, valueStart(i)));
            } catch (SipParseException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SipParseException(valueStart(i), ctx + ": malformed value");
            }
        }
    }

    /** True if header {@code i} is on one line, so its value is {@code b[valueStart, valueEnd)} as it stands. */
    private boolean unfolded(int i) {
        return slices[i * STRIDE + 1] >= 0;
    }

    private <T> T guard(java.util.function.Supplier<T> parse, String ctx, int i) {
        try {
            return parse.get();
        } catch (SipParseException e) {
            throw e;
        } catch (RuntimeException e) {
            // A grammar slip must still surface as the one parse error, never as another exception.
            throw new SipParseException(i < 0 ? 0 : valueStart(i), ctx + ": malformed value");
        }
    }

    /**
     * A copy whose first Via line has {@code via} for its value, every other byte as it was; null when that line
     * holds a list (a comma in it), which only a builder can split. A server stamps received/rport on the topmost
     * Via of each request that asks for them (RFC 3581 4), most of them; rebuilding each such request with a
     * builder, reading every header as a string and framing the result, cost our UAS a fifth more CPU per call
     * than a caller that does not ask. Header slices shift by the change in length, and the values already
     * decoded or parsed, which do not depend on where they lie, are kept; the Vias are known.
     */
    Head withFirstVia(Via via) {
        int i = indexOfKnown(HeaderName.VIA, 0);
        if (i < 0) {
            return null;
        }
        int vs = valueStart(i);
        int ve = valueEnd(i);
        if (Framer.indexOf(b, vs, ve, (byte) ',') >= 0) {
            return null;
        }
        String text = via.toString();
        int n = Draft.asciiLength(text);
        if (n < 0) {
            return null; // a Via is ASCII; anything else goes the builder's way
        }
        int delta = n - (ve - vs);
        byte[] out = new byte[length + delta];
        System.arraycopy(b, 0, out, 0, vs);
        Draft.putAscii(text, out, vs);
        System.arraycopy(b, ve, out, vs + n, length - ve);
        Head h = new Head(out, count);
        h.startLineEnd = startLineEnd;
        h.headerStart = headerStart;
        for (int j = 0; j < count; j++) {
            if (j < i) {
                h.addCopy(this, j, 0, lineEnd(j));
            } else if (j == i) {
                h.add(names[j], vs, vs + n, lineEnd(j) + delta);
            } else {
                h.addCopy(this, j, delta, lineEnd(j) + delta);
            }
        }
        h.bodyStart = bodyStart + delta;
        h.length = length + delta;
        h.contentLength = contentLength;
        if (values != null) {
            h.values = java.util.Arrays.copyOf(values, h.names.length);
        }
        h.preset(i, text);
        List<Via> old = vias();
        if (old.size() == 1) {
            h.vias = Collections.singletonList(via);
        } else {
            List<Via> now = new ArrayList<>(old);
            now.set(0, via);
            h.vias = Collections.unmodifiableList(now);
        }
        h.callId = callId;
        h.contentType = contentType;
        h.from = from;
        h.to = to;
        h.cseq = cseq;
        h.contacts = contacts;
        h.maxForwards = maxForwards;
        h.routes = routes;
        h.recordRoutes = recordRoutes;
        h.supported = supported;
        h.require = require;
        h.allow = allow;
        h.sessionExpires = sessionExpires;
        return h;
    }

    @SuppressWarnings("unchecked")
    List<Via> vias() {
        Object v = vias;
        if (v == null) {
            v = list(HeaderName.VIA, "Bad Via", Grammar::via, QUICK_VIA);
            vias = v;
        }
        return (List<Via>) v;
    }

    Address from() {
        Object v = from;
        if (v == null) {
            v = single(HeaderName.FROM, "Bad From");
            from = v;
        }
        return v == NONE ? null : (Address) v;
    }

    Address to() {
        Object v = to;
        if (v == null) {
            v = single(HeaderName.TO, "Bad To");
            to = v;
        }
        return v == NONE ? null : (Address) v;
    }

    private Object single(String name, String ctx) {
        int i = indexOfKnown(name, 0);
        if (i < 0) {
            return NONE;
        }
        if (unfolded(i)) {
            Quick q = new Quick(b, valueStart(i), valueEnd(i));
            Address a = q.address();
            if (a != null && q.atEnd()) {
                return a;
            }
        }
        String v = value(i);
        return guard(() -> Grammar.address(v, 0, v.length(), ctx, valueStart(i)), ctx, i);
    }

    CSeq cseq() {
        Object v = cseq;
        if (v == null) {
            int i = indexOfKnown(HeaderName.CSEQ, 0);
            v = i < 0 ? NONE : unfolded(i) ? Quick.cseq(b, valueStart(i), valueEnd(i)) : null;
            if (v == null) {
                v = guard(() -> parseCSeq(value(i), valueStart(i)), "Bad CSeq", i);
            }
            cseq = v;
        }
        return v == NONE ? null : (CSeq) v;
    }

    // CSeq = "CSeq" HCOLON 1*DIGIT LWS Method; RFC 3261 8.1.1.5: the number MUST be less than 2^31
    private static CSeq parseCSeq(String v, int offset) {
        int p = 0;
        int n = v.length();
        while (p < n && Chars.isDigit(v.charAt(p))) {
            p++;
        }
        if (p == 0) {
            throw new SipParseException(offset, "Bad CSeq: missing sequence number");
        }
        int z = 0;
        while (z < p - 1 && v.charAt(z) == '0') {
            z++;
        }
        long seq = p - z > 10 ? Long.MAX_VALUE : Long.parseLong(v, z, p, 10);
        if (seq > Integer.MAX_VALUE) {
            throw new SipParseException(offset, "Bad CSeq: sequence number too large");
        }
        int ws = p;
        while (p < n && Chars.isWs(v.charAt(p))) {
            p++;
        }
        int m = p;
        while (p < n && Chars.isToken(v.charAt(p))) {
            p++;
        }
        if (ws == m || m == p || p != n) {
            throw new SipParseException(offset + p, "Bad CSeq: malformed method");
        }
        return new CSeq(seq, SipMethod.valueOf(v.substring(m, p)));
    }

    // A peer sends the same Contact in every message of every call (and so do we): one parsed list for them all.
    private static final Recent<List<Contact>> CONTACTS = new Recent<>(256, 128, Head::quickContact);

    /** The one Contact of a value the fast path reads whole, or null. */
    private static List<Contact> quickContact(byte[] b, int from, int to) {
        Address a = quickWhole(b, from, to, QUICK_ADDRESS);
        if (a == null) {
            return null;
        }
        Contact c = new Contact(a);
        c.expires();
        c.q();
        return Collections.singletonList(c);
    }

    @SuppressWarnings("unchecked")
    List<Contact> contacts() {
        Object v = contacts;
        if (v == null) {
            int first = indexOfKnown(HeaderName.CONTACT, 0);
            if (first < 0) {
                contacts = Collections.emptyList();
                return Collections.emptyList();
            }
            if (indexOfKnown(HeaderName.CONTACT, first + 1) < 0 && unfolded(first)) {
                List<Contact> one = CONTACTS.of(b, valueStart(first), valueEnd(first));
                if (one != null) {
                    contacts = one;
                    return one;
                }
            }
            List<Contact> out = new ArrayList<>(1);
            for (int i = indexOfKnown(HeaderName.CONTACT, 0); i >= 0; i = indexOfKnown(HeaderName.CONTACT, i + 1)) {
                if (unfolded(i) ? valueEnd(i) - valueStart(i) == 1 && b[valueStart(i)] == '*' : value(i).equals("*")) {
                    out.add(Contact.STAR);
                }
            }
            if (out.isEmpty()) {
                for (Address a : list(HeaderName.CONTACT, "Bad Contact", Grammar::address, QUICK_ADDRESS)) {
                    out.add(new Contact(a));
                }
            } else if (out.size() > 1 || indexOfKnown(HeaderName.CONTACT, indexOfKnown(HeaderName.CONTACT, 0) + 1) >= 0) {
                // RFC 3261 10.2.2: "*" only alone
                throw new SipParseException(0, "Bad Contact: '*' must be the only value");
            }
            for (Contact c : out) {
                c.expires();
                c.q();
            }
            v = Collections.unmodifiableList(out);
            contacts = v;
        }
        return (List<Contact>) v;
    }

    Integer maxForwards() {
        Object v = maxForwards;
        if (v == null) {
            int i = indexOfKnown(HeaderName.MAX_FORWARDS, 0);
            if (i < 0) {
                v = NONE;
            } else {
                long n = unfolded(i) ? Quick.digits(b, valueStart(i), valueEnd(i)) : -1;
                if (n < 0 || n > 255) {
                    n = Grammar.number(value(i), 3, "Bad Max-Forwards");
                }
                if (n > 255) {
                    throw new SipParseException(valueStart(i), "Bad Max-Forwards: value out of range");
                }
                v = (int) n;
            }
            maxForwards = v;
        }
        return v == NONE ? null : (Integer) v;
    }

    @SuppressWarnings("unchecked")
    List<Address> routes() {
        Object v = routes;
        if (v == null) {
            v = list(HeaderName.ROUTE, "Bad Route", Grammar::address, QUICK_ADDRESS);
            routes = v;
        }
        return (List<Address>) v;
    }

    @SuppressWarnings("unchecked")
    List<Address> recordRoutes() {
        Object v = recordRoutes;
        if (v == null) {
            v = list(HeaderName.RECORD_ROUTE, "Bad Record-Route", Grammar::address, QUICK_ADDRESS);
            recordRoutes = v;
        }
        return (List<Address>) v;
    }

    List<AuthHeader> auth(String name) {
        int first = indexOfKnown(name, 0);
        if (first < 0) {
            return Collections.emptyList();
        }
        int second = indexOfKnown(name, first + 1);
        if (second < 0) {
            return Collections.singletonList(authAt(first, name));
        }
        List<AuthHeader> out = new ArrayList<>(2);
        out.add(authAt(first, name));
        for (int i = second; i >= 0; i = indexOfKnown(name, i + 1)) {
            out.add(authAt(i, name));
        }
        return Collections.unmodifiableList(out);
    }

    private AuthHeader authAt(int i, String name) {
        AuthHeader a = unfolded(i) ? new Quick(b, valueStart(i), valueEnd(i)).auth() : null;
        if (a == null) {
            String ctx = "Bad " + name;
            String v = value(i);
            int offset = valueStart(i);
            a = guard(() -> Grammar.auth(v, ctx, offset), ctx, i);
        }
        return a;
    }

    Long seconds(String name) {
        int i = indexOfKnown(name, 0);
        if (i < 0) {
            return null;
        }
        long n = unfolded(i) ? Quick.digits(b, valueStart(i), valueEnd(i)) : -1;
        return n >= 0 ? n : Grammar.deltaSeconds(value(i), "Bad " + name);
    }

    List<String> tokens(String name) {
        return tokenList(name, TOKEN);
    }

    List<String> supported() {
        List<String> v = supported;
        if (v == null) {
            supported = v = tokenList(HeaderName.SUPPORTED, TOKEN);
        }
        return v;
    }

    List<String> require() {
        List<String> v = require;
        if (v == null) {
            require = v = tokenList(HeaderName.REQUIRE, TOKEN);
        }
        return v;
    }

    /** The elements of Allow: no string is made for a standard method. */
    List<SipMethod> allow() {
        List<SipMethod> v = allow;
        if (v == null) {
            allow = v = tokenList(HeaderName.ALLOW, METHOD);
        }
        return v;
    }

    private interface TokenFactory<T> {
        T make(byte[] b, int from, int to);
    }

    // Option tags seen in most Supported and Require headers, returned as shared constants.
    private static final Interned<String> COMMON_TOKENS = Interned.of(
        "timer", "100rel", "replaces", "path", "outbound", "gruu", "norefersub", "precondition", "histinfo");

    // Tokens are ASCII, so Latin-1 decoding gives what UTF-8 would.
    private static final TokenFactory<String> TOKEN = (b, from, to) -> {
        String t = COMMON_TOKENS.get(b, from, to);
        return t != null ? t : new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    };

    private static final TokenFactory<SipMethod> METHOD = SipMethod::of;

    private <T> List<T> tokenList(String name, TokenFactory<T> factory) {
        int first = indexOfKnown(name, 0);
        if (first < 0) {
            return Collections.emptyList();
        }
        List<T> out = new ArrayList<>(8);
        for (int i = first; i >= 0; i = indexOfKnown(name, i + 1)) {
            if (unfolded(i) && quickTokens(valueStart(i), valueEnd(i), factory, out)) {
                continue;
            }
            slowTokens(i, name, factory, out);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The tokens of a well-formed value {@code b[from, to)} ("tok, tok,tok"), added to {@code out}; false (and
     * nothing added) for anything else, which {@link #slowTokens} then rejects with the right error.
     */
    private <T> boolean quickTokens(int from, int to, TokenFactory<T> factory, List<T> out) {
        int p = from;
        if (p == to) {
            return true;
        }
        int mark = out.size();
        while (true) {
            int a = p;
            while (p < to && Chars.isToken(b[p])) {
                p++;
            }
            if (p == a) {
                break;
            }
            out.add(factory.make(b, a, p));
            if (p == to) {
                return true;
            }
            while (p < to && b[p] == ' ') {
                p++;
            }
            if (p == to || b[p] != ',') {
                break;
            }
            p++;
            while (p < to && b[p] == ' ') {
                p++;
            }
        }
        out.subList(mark, out.size()).clear();
        return false;
    }

    private <T> void slowTokens(int i, String name, TokenFactory<T> factory, List<T> out) {
        String ctx = "Bad " + name;
        if (unfolded(i)) {
            tokens(valueStart(i), valueEnd(i), ctx, factory, out);
            return;
        }
        String v = value(i);
        int[] parts = Grammar.split(v);
        for (int k = 0; k < parts.length; k += 2) {
            String t = v.substring(parts[k], parts[k + 1]);
            if (t.isEmpty() && parts.length == 2) {
                continue;
            }
            if (!Chars.isToken(t)) {
                throw new SipParseException(valueStart(i) + parts[k],
                    ctx + (t.isEmpty() ? ": empty list element" : ": not a token"));
            }
            byte[] bytes = t.getBytes(StandardCharsets.ISO_8859_1);
            out.add(factory.make(bytes, 0, bytes.length));
        }
    }

    /**
     * The comma-separated tokens of an unfolded value {@code b[from, to)}, straight from the bytes. Splitting on
     * every comma is enough here: an element holding a quote or bracket is not a token, and is rejected at the same
     * offset as when quotes and brackets are honoured.
     */
    private <T> void tokens(int from, int to, String ctx, TokenFactory<T> factory, List<T> out) {
        int start = from;
        boolean single = true;
        for (int p = from; p <= to; p++) {
            if (p < to && b[p] != ',') {
                continue;
            }
            single &= p == to;
            int a = start;
            int e = p;
            while (a < e && Chars.isWs(b[a])) {
                a++;
            }
            while (e > a && Chars.isWs(b[e - 1])) {
                e--;
            }
            start = p + 1;
            if (a == e) {
                if (single) {
                    continue;
                }
                throw new SipParseException(a, ctx + ": empty list element");
            }
            for (int k = a; k < e; k++) {
                if (!Chars.isToken(b[k])) {
                    throw new SipParseException(a, ctx + ": not a token");
                }
            }
            out.add(factory.make(b, a, e));
        }
    }

    SessionExpires sessionExpires() {
        Object v = sessionExpires;
        if (v == null) {
            SessionExpires se = parseSessionExpires();
            v = se == null ? NONE : se;
            sessionExpires = v;
        }
        return v == NONE ? null : (SessionExpires) v;
    }

    private SessionExpires parseSessionExpires() {
        int i = indexOfKnown(HeaderName.SESSION_EXPIRES, 0);
        if (i < 0) {
            return null;
        }
        Parameters[] params = new Parameters[1];
        if (unfolded(i)) {
            int vs = valueStart(i);
            int digitsEnd = new Quick(b, vs, valueEnd(i)).digitsThenParams(params);
            long n = digitsEnd < 0 ? -1 : Quick.digits(b, vs, digitsEnd);
            if (n >= 0) {
                return new SessionExpires(n, params[0]);
            }
        }
        String v = value(i);
        String delta = guard(() -> Grammar.valueWithParams(v, "Bad Session-Expires", valueStart(i), params),
            "Bad Session-Expires", i);
        return new SessionExpires(Grammar.deltaSeconds(delta, "Bad Session-Expires"), params[0]);
    }

    RAck rack() {
        int i = indexOfKnown(HeaderName.RACK, 0);
        if (i < 0) {
            return null;
        }
        // RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method (RFC 3262 7.2)
        String v = value(i);
        String[] parts = new String[3];
        int n = 0;
        int p = 0;
        while (p < v.length() && n < 3) {
            while (p < v.length() && Chars.isWs(v.charAt(p))) {
                p++;
            }
            int start = p;
            while (p < v.length() && !Chars.isWs(v.charAt(p))) {
                p++;
            }
            if (p > start) {
                parts[n++] = v.substring(start, p);
            }
        }
        if (n != 3 || !v.substring(p).isBlank() || !Chars.isToken(parts[2])) {
            throw new SipParseException(valueStart(i), "Bad RAck: expected response-num CSeq-num method");
        }
        return new RAck(Grammar.deltaSeconds(parts[0], "Bad RAck"), Grammar.deltaSeconds(parts[1], "Bad RAck"),
            SipMethod.valueOf(parts[2]));
    }
}
