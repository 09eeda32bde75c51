package dev.dialtone.sip.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The common case of {@link Grammar}, read straight from the message's bytes: no String for the header value, no
 * list split, no intermediate objects. It accepts a strict subset of what the grammar accepts (ASCII only, no
 * escapes, no quoted-pairs, no IPv6 references, no folding, no URI headers, sip and sips URIs only, no stray
 * whitespace) and builds exactly what the grammar would build for it. Anything else, including every malformed
 * value, makes it give up (return null), and the caller runs the full grammar, which then produces the same value
 * or the same error as before. A cursor over one header value; not thread-safe, use one per parse.
 */
final class Quick {

    // The grammar's shared words, so that both paths hand out the same constants.
    static final Interned<String> PARAMS = Interned.of(Grammar.COMMON_PARAMS);
    static final Interned<String> TRANSPORTS = Interned.of(Grammar.TRANSPORTS);
    // Hosts, users and whole URIs recur in every message of a call and of every call from one peer.
    private static final Recent<String> NAMES = new Recent<>(256, 64,
        (b, from, to) -> new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    private static final Recent<SipUri> URIS = new Recent<>(256, 128, Quick::parseSipUri);
    private static final Interned<String> SCHEMES = Interned.of("Digest");

    private final byte[] b;
    private final int end;
    private int pos;

    Quick(byte[] b, int from, int to) {
        this.b = b;
        this.pos = from;
        this.end = to;
    }

    boolean atEnd() {
        return pos >= end;
    }

    /** Past the comma between two list elements (and the whitespace around it); false if there is none. */
    boolean nextElement() {
        skipWs();
        if (pos >= end || b[pos] != ',') {
            return false;
        }
        pos++;
        skipWs();
        return true;
    }

    private void skipWs() {
        while (pos < end && (b[pos] == ' ' || b[pos] == '\t')) {
            pos++;
        }
    }

    private int peek() {
        return pos < end ? b[pos] : -1;
    }

    private boolean elementEnd() {
        return pos >= end || b[pos] == ',';
    }

    private String ascii(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The token at the cursor as a parameter name (a shared constant when it is a common one); null if none. */
    private String paramName() {
        int nameStart = pos;
        pos = tokenEnd(pos);
        if (pos == nameStart) {
            return null;
        }
        String name = PARAMS.get(b, nameStart, pos);
        return name != null ? name : ascii(nameStart, pos);
    }

    private int tokenEnd(int p) {
        while (p < end && Chars.isToken(b[p])) {
            p++;
        }
        return p;
    }

    private static int run(byte[] b, int p, int to, int charClass) {
        while (p < to && Chars.is(b[p], charClass)) {
            p++;
        }
        return p;
    }

    private static int indexOf(byte[] b, int from, int to, int c) {
        return Framer.indexOf(b, from, to, (byte) c);
    }

    /**
     * The next size of a names-and-values array holding {@code n}: one parameter more while small, so that a list
     * of three or four ends up exactly full (no trimming copy), doubling beyond.
     */
    private static int grown(int n) {
        return n < 8 ? n + 2 : n * 2;
    }

    // ---- URIs

    /** A sip or sips URI filling {@code b[from, to)}, or null. */
    static SipUri sipUri(byte[] b, int from, int to) {
        return URIS.of(b, from, to);
    }

    private static SipUri parseSipUri(byte[] b, int from, int to) {
        int p = from;
        if (to - p < 5 || (b[p] | 0x20) != 's' || (b[p + 1] | 0x20) != 'i' || (b[p + 2] | 0x20) != 'p') {
            return null;
        }
        p += 3;
        boolean secure = (b[p] | 0x20) == 's';
        if (secure) {
            p++;
        }
        if (b[p] != ':') {
            return null;
        }
        p++;
        String user = null;
        int at = indexOf(b, p, to, '@');
        if (at >= 0) {
            int userEnd = run(b, p, at, Chars.USER);
            // An escape, a password or a character the user part may not hold: the grammar decides.
            if (userEnd != at || userEnd == p || indexOf(b, p, at, ':') >= 0) {
                return null;
            }
            user = NAMES.of(b, p, at);
            p = at + 1;
        }
        int hostEnd = p;
        while (hostEnd < to && Chars.isHost(b[hostEnd])) {
            hostEnd++;
        }
        if (hostEnd == p) {
            return null;
        }
        String host = NAMES.of(b, p, hostEnd);
        p = hostEnd;
        int port = -1;
        if (p < to && b[p] == ':') {
            int start = ++p;
            p = portEnd(b, p, to);
            port = port(b, start, p);
            if (port < 0) {
                return null;
            }
        }
        Parameters params = Parameters.EMPTY;
        if (p < to && b[p] == ';') {
            params = uriParams(b, p, to);
            if (params == null) {
                return null;
            }
        } else if (p != to) {
            return null;
        }
        return new SipUri(secure, user, null, host, port, params, Parameters.EMPTY);
    }

    /** {@code ;name[=value]} URI parameters filling {@code b[p, to)} (p at a ';'), or null. */
    private static Parameters uriParams(byte[] b, int p, int to) {
        // one URI parameter (lr, transport, ob) is the usual case
        String[] pairs = new String[2];
        int n = 0;
        while (p < to) {
            if (b[p] != ';') {
                return null;
            }
            p++;
            int nameEnd = p;
            while (nameEnd < to && Chars.isParam(b[nameEnd])) {
                nameEnd++;
            }
            if (nameEnd == p) {
                return null;
            }
            String name = PARAMS.get(b, p, nameEnd);
            if (name == null) {
                name = new String(b, p, nameEnd - p, StandardCharsets.ISO_8859_1);
            }
            p = nameEnd;
            String value = null;
            if (p < to && b[p] == '=') {
                p++;
                int valueEnd = p;
                while (valueEnd < to && Chars.isParam(b[valueEnd])) {
                    valueEnd++;
                }
                if (valueEnd == p) {
                    return null;
                }
                value = new String(b, p, valueEnd - p, StandardCharsets.ISO_8859_1);
                p = valueEnd;
            }
            if (n == pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, grown(n));
            }
            pairs[n++] = name;
            pairs[n++] = value;
        }
        return Parameters.ofArray(n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n));
    }

    // ---- name-addr / addr-spec with parameters, ending at the value's end or a list comma

    Address address() {
        skipWs();
        String display = null;
        int c = peek();
        if (c == '"') {
            int close = quotedEnd(pos);
            if (close < 0) {
                return null;
            }
            display = ascii(pos + 1, close - 1);
            pos = close;
            skipWs();
            if (peek() != '<') {
                return null;
            }
        } else if (c != '<') {
            int start = pos;
            int last = pos;
            boolean space = false;
            while (pos < end) {
                byte x = b[pos];
                if (Chars.isToken(x)) {
                    space = false;
                    last = pos + 1;
                } else if (x == ' ' && !space) {
                    space = true;
                } else {
                    break;
                }
                pos++;
            }
            if (peek() != '<') {
                // addr-spec (or a display name with tabs or runs of spaces): the grammar decides.
                return null;
            }
            display = last > start ? ascii(start, last) : null;
        }
        // at '<'
        pos++;
        int gt = indexOf(b, pos, end, '>');
        if (gt < 0) {
            return null;
        }
        SipUri uri = sipUri(b, pos, gt);
        if (uri == null) {
            return null;
        }
        pos = gt + 1;
        Parameters params = params(2);
        return params == null ? null : new Address(display, uri, params);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Index just past the closing quote of the quoted-string at {@code p}, or -1 (quoted-pairs, non-ASCII, none).
     * Eight bytes at a time: the lowest byte flagged as a quote, a backslash or non-ASCII is always a true one.
     */
    private int quotedEnd(int p) {
        int i = p + 1;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(b, i);
            long q = x ^ ONES * '"';
            long s = x ^ ONES * '\\';
            long m = ((q - ONES) & ~q | (s - ONES) & ~s | x) & HIGHS;
            if (m != 0) {
                i += Long.numberOfTrailingZeros(m) >>> 3;
                break;
            }
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' || c < 0 || c == '\r' || c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    /**
     * {@code *( SEMI generic-param )} up to the element's end, or null. {@code room} is the array size to start with
     * (names and values): the usual count for the header, so that the array is seldom grown or trimmed.
     */
    private Parameters params(int room) {
        String[] pairs = null;
        int n = 0;
        while (true) {
            skipWs();
            if (elementEnd()) {
                break;
            }
            if (b[pos] != ';') {
                return null;
            }
            pos++;
            skipWs();
            String name = paramName();
            if (name == null) {
                return null;
            }
            skipWs();
            String value = null;
            if (peek() == '=') {
                pos++;
                skipWs();
                value = genValue();
                if (value == null) {
                    return null;
                }
            }
            if (pairs == null) {
                pairs = new String[room];
            } else if (n == pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, grown(n));
            }
            pairs[n++] = name;
            pairs[n++] = value;
        }
        if (n == 0) {
            return Parameters.EMPTY;
        }
        return Parameters.ofArray(n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n));
    }

    /** gen-value = token / host / quoted-string (quotes kept), or null. */
    private String genValue() {
        int start = pos;
        if (peek() == '"') {
            int close = quotedEnd(pos);
            if (close < 0) {
                return null;
            }
            pos = close;
            return ascii(start, close);
        }
        while (pos < end) {
            byte c = b[pos];
            if (!(Chars.isToken(c) || c == ':' || c == '[' || c == ']')) {
                break;
            }
            pos++;
        }
        return pos == start ? null : ascii(start, pos);
    }

    // ---- Via: "SIP/2.0/" transport LWS host [":" port] params

    Via via() {
        skipWs();
        int p = pos;
        if (end - p < 9 || (b[p] | 0x20) != 's' || (b[p + 1] | 0x20) != 'i' || (b[p + 2] | 0x20) != 'p'
            || b[p + 3] != '/' || b[p + 4] != '2' || b[p + 5] != '.' || b[p + 6] != '0' || b[p + 7] != '/') {
            return null;
        }
        p += 8;
        int transportEnd = tokenEnd(p);
        if (transportEnd == p) {
            return null;
        }
        String transport = TRANSPORTS.get(b, p, transportEnd);
        if (transport == null) {
            transport = ascii(p, transportEnd);
        }
        pos = transportEnd;
        skipWs();
        if (pos == transportEnd) {
            return null;
        }
        int hostStart = pos;
        while (pos < end && Chars.isHost(b[pos])) {
            pos++;
        }
        if (pos == hostStart) {
            return null;
        }
        String host = NAMES.of(b, hostStart, pos);
        int port = -1;
        if (peek() == ':') {
            int start = ++pos;
            pos = portEnd(b, pos, end);
            port = port(b, start, pos);
            if (port < 0) {
                return null;
            }
        }
        Parameters params = params(4);
        return params == null ? null : new Via(transport, host, port, params);
    }

    // ---- challenge / credentials: auth-scheme LWS auth-param *(COMMA auth-param), the whole value

    AuthHeader auth() {
        skipWs();
        int schemeStart = pos;
        pos = tokenEnd(pos);
        if (pos == schemeStart || peek() != ' ') {
            return null;
        }
        String scheme = SCHEMES.get(b, schemeStart, pos);
        if (scheme == null) {
            scheme = ascii(schemeStart, pos);
        }
        skipWs();
        // Values stay in the bytes until read (Parameters.lazy): a client reads two or three of a challenge's.
        // Room for five parameters, what a Digest challenge usually has (realm, nonce, opaque, algorithm, qop).
        String[] names = new String[10];
        int[] spans = new int[10];
        int n = 0;
        while (pos < end) {
            String name = paramName();
            if (name == null) {
                return null;
            }
            skipWs();
            if (peek() != '=') {
                return null;
            }
            pos++;
            skipWs();
            int start = pos;
            if (peek() == '"') {
                int close = quotedEnd(pos);
                if (close < 0) {
                    return null;
                }
                pos = close;
            } else {
                pos = tokenEnd(pos);
                if (pos == start) {
                    return null;
                }
            }
            if (n == names.length) {
                names = java.util.Arrays.copyOf(names, n * 2);
                spans = java.util.Arrays.copyOf(spans, n * 2);
            }
            names[n] = name;
            spans[n] = start;
            spans[n + 1] = pos;
            n += 2;
            skipWs();
            if (pos < end) {
                if (b[pos] != ',') {
                    return null;
                }
                pos++;
                skipWs();
                if (pos >= end) {
                    return null;
                }
            }
        }
        if (n < names.length) {
            names = java.util.Arrays.copyOf(names, n);
            spans = java.util.Arrays.copyOf(spans, n);
        }
        return new AuthHeader(scheme, Parameters.lazy(names, b, spans));
    }

    // ---- numbers

    /** The end of a port's digits starting at {@code p}: at most five of them. */
    private static int portEnd(byte[] b, int p, int to) {
        int start = p;
        while (p < to && p - start < 5 && Chars.isDigit(b[p])) {
            p++;
        }
        return p;
    }

    /** The port filling {@code b[from, to)}, or -1 if there are no digits or it is above 65535. */
    private static int port(byte[] b, int from, int to) {
        long port = digits(b, from, to);
        return port > 65535 ? -1 : (int) port;
    }

    /**
     * The digits filling {@code b[from, to)} as a number, if there are 1 to 9 of them (so no overflow and no
     * leading-zero subtleties to mirror); else -1.
     */
    static long digits(byte[] b, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        long r = 0;
        for (int p = from; p < to; p++) {
            int c = b[p] - '0';
            if (c < 0 || c > 9) {
                return -1;
            }
            r = r * 10 + c;
        }
        return r;
    }

    /** CSeq as "digits SP method", or null. */
    static CSeq cseq(byte[] b, int from, int to) {
        int p = from;
        while (p < to && Chars.isDigit(b[p])) {
            p++;
        }
        long seq = digits(b, from, p);
        if (seq < 0 || p >= to || b[p] != ' ') {
            return null;
        }
        int m = p + 1;
        int e = m;
        while (e < to && Chars.isToken(b[e])) {
            e++;
        }
        if (e == m || e != to) {
            return null;
        }
        return new CSeq(seq, SipMethod.of(b, m, e));
    }

    /** A value of digits then parameters (Session-Expires): the digits' end, with the parameters in {@code out[0]}; -1 if not. */
    int digitsThenParams(Parameters[] out) {
        int start = pos;
        while (pos < end && Chars.isDigit(b[pos])) {
            pos++;
        }
        int digitsEnd = pos;
        if (digitsEnd == start || pos < end && b[pos] != ';' && b[pos] != ' ') {
            return -1;
        }
        Parameters params = params(2);
        if (params == null || pos != end) {
            return -1;
        }
        out[0] = params;
        return digitsEnd;
    }
}
