package dev.dialtone.sip.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One pass over a message's bytes: start line, header name/value slices, header section end, body. Only the
 * start line's structure and Content-Length are interpreted here; every other header is parsed on first access.
 */
final class Framer {

    private Framer() {
    }

    /**
     * Frames {@code b[0, len)}. With {@code datagram}, RFC 3261 18.3: a Content-Length shorter than the rest truncates
     * the body, a longer one is an error, and without one the body is the rest; a datagram that ends right after a
     * header line is taken as having an empty body. Without {@code datagram} the bytes must be exactly one message
     * with a Content-Length equal to its body.
     */
    static SipMessage parse(byte[] b, int len, boolean datagram) {
        if (len == 0) {
            throw new SipParseException(0, "Empty message");
        }
        int lf = indexOf(b, 0, len, (byte) '\n');
        if (lf < 0) {
            throw new SipParseException(0, "Incomplete start line");
        }
        int sle = lf > 0 && b[lf - 1] == '\r' ? lf - 1 : lf;
        Head h = new Head(b);
        h.startLineEnd = sle;
        SipParseException startLineError = null;
        SipMessage message = null;
        try {
            message = startLine(b, sle, h);
        } catch (SipParseException e) {
            startLineError = e;
        }
        try {
            h.headerStart = lf + 1;
            headers(b, lf + 1, len, h, datagram);
            body(b, len, h, datagram);
        } catch (SipParseException e) {
            throw (startLineError != null ? startLineError : e).withContext(h.startLine(), h.rawHeaders());
        }
        if (startLineError != null) {
            throw startLineError.withContext(h.startLine(), h.rawHeaders());
        }
        return message;
    }

    /**
     * The message of a head a builder filled as it wrote the bytes (start line end, header slices, body start):
     * what {@link #parse} would make of the same bytes as a datagram, without scanning the headers again.
     */
    static SipMessage indexed(Head h) {
        SipMessage message = startLine(h.b, h.startLineEnd, h);
        body(h.b, h.b.length, h, true);
        return message;
    }

    private static SipMessage startLine(byte[] b, int sle, Head h) {
        if (sle == 0) {
            throw new SipParseException(0, "Empty start line");
        }
        if (sle >= 4 && b[0] == 'S' && b[1] == 'I' && b[2] == 'P' && b[3] == '/') {
            return statusLine(b, sle, h);
        }
        return requestLine(b, sle, h);
    }

    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 7.1: single SP, no other whitespace)
    private static SipRequest requestLine(byte[] b, int sle, Head h) {
        int p = 0;
        while (p < sle && Chars.isToken(b[p])) {
            p++;
        }
        if (p == 0 || p == sle || b[p] != ' ') {
            throw new SipParseException(p, p == 0 || p == sle ? "Bad Request-Line" : "Bad Request-Line: method is not a token");
        }
        int uriStart = p + 1;
        int sp2 = indexOf(b, uriStart, sle, (byte) ' ');
        int extraSpace = sp2 < 0 ? -1 : indexOf(b, sp2 + 1, sle, (byte) ' ');
        if (sp2 < 0) {
            throw new SipParseException(uriStart, "Bad Request-Line: missing SIP-Version");
        }
        if (sp2 == uriStart || extraSpace >= 0 && b[extraSpace - 1] == ' ' && extraSpace - 1 > uriStart) {
            throw new SipParseException(sp2, "Bad Request-Line: multiple spaces between elements");
        }
        if (extraSpace >= 0) {
            if (b[sle - 1] == ' ') {
                throw new SipParseException(sle - 1, "Bad Request-Line: trailing whitespace");
            }
            throw new SipParseException(sp2, "Bad Request-URI: whitespace inside URI");
        }
        for (int i = uriStart; i < sle; i++) {
            if (b[i] == '\t' || b[i] == '\r') {
                throw new SipParseException(i, "Bad Request-Line: invalid whitespace");
            }
        }
        String version = version(b, sp2 + 1, sle, "Bad Request-Line");
        return new SipRequest(h, SipMethod.of(b, 0, p), uriStart, sp2, version);
    }

    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    private static SipResponse statusLine(byte[] b, int sle, Head h) {
        int sp = indexOf(b, 0, sle, (byte) ' ');
        if (sp < 0) {
            throw new SipParseException(0, "Bad Status-Line: missing status code");
        }
        String version = version(b, 0, sp, "Bad Status-Line");
        int p = sp + 1;
        int start = p;
        while (p < sle && Chars.isDigit(b[p])) {
            p++;
        }
        if (p - start != 3 || p < sle && b[p] != ' ') {
            throw new SipParseException(start, "Bad Status-Line: status code must be 3 digits");
        }
        int status = (b[start] - '0') * 100 + (b[start + 1] - '0') * 10 + (b[start + 2] - '0');
        for (int i = p + 1; i < sle; i++) {
            if (b[i] == '\r' || b[i] == 0) {
                throw new SipParseException(i, "Bad Status-Line: control character in reason phrase");
            }
        }
        return new SipResponse(h, status, p < sle ? p + 1 : sle, version);
    }

    // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (case-insensitive, RFC 3261 7.1)
    private static String version(byte[] b, int from, int to, String ctx) {
        int p = from;
        boolean ok = to - from >= 7 && (b[p] | 0x20) == 's' && (b[p + 1] | 0x20) == 'i' && (b[p + 2] | 0x20) == 'p'
            && b[p + 3] == '/';
        if (ok) {
            p += 4;
            int d = p;
            while (p < to && Chars.isDigit(b[p])) {
                p++;
            }
            ok = p > d && p < to && b[p] == '.';
            p++;
            d = p;
            while (p < to && Chars.isDigit(b[p])) {
                p++;
            }
            ok = ok && p > d && p == to;
        }
        if (!ok) {
            throw new SipParseException(from, ctx + ": bad SIP-Version");
        }
        if (to - from == 7 && b[from + 4] == '2' && b[from + 6] == '0' && b[from] == 'S' && b[from + 1] == 'I'
            && b[from + 2] == 'P') {
            return SipMessage.SIP_2_0;
        }
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    private static void headers(byte[] b, int p, int len, Head h, boolean datagram) {
        while (true) {
            if (p >= len) {
                if (datagram && p > h.startLineEnd) {
                    // RFC 4475 baddn and RFC 5118's archive lack the empty line: accept the datagram's end instead.
                    h.bodyStart = len;
                    return;
                }
                throw new SipParseException(p, "Incomplete header section");
            }
            byte c = b[p];
            if (c == '\n') {
                h.bodyStart = p + 1;
                return;
            }
            if (c == '\r') {
                if (p + 1 < len && b[p + 1] == '\n') {
                    h.bodyStart = p + 2;
                    return;
                }
                throw new SipParseException(p, p + 1 < len ? "Bad line ending" : "Incomplete header section");
            }
            if (c == ' ' || c == '\t') {
                int lf = lineEnd(b, p, p, len);
                if (h.count == 0) {
                    throw new SipParseException(p, "Bad header: continuation line before first header");
                }
                h.extendLast(valueEnd(b, p, lf), lf + 1);
                p = lf + 1;
                continue;
            }
            // The name's case-folded hash is taken in the same pass that checks it is a token.
            int nameEnd = p;
            int hash = 0;
            while (nameEnd < len) {
                byte t = b[nameEnd];
                if (!Chars.isToken(t)) {
                    break;
                }
                hash = 31 * hash + (t | 0x20);
                nameEnd++;
            }
            // A token holds no CR or LF, so the line end is searched for from the name's end.
            int lf = lineEnd(b, p, nameEnd, len);
            int colon = nameEnd;
            while (colon < lf && (b[colon] == ' ' || b[colon] == '\t')) {
                colon++;
            }
            if (nameEnd == p || colon == lf || b[colon] != ':') {
                throw new SipParseException(p, nameEnd == p ? "Bad header: invalid header name" : "Bad header: missing colon");
            }
            int vs = colon + 1;
            int ve = valueEnd(b, vs, lf);
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            h.add(HeaderName.canonical(b, p, nameEnd, hash), vs, ve, lf + 1);
            p = lf + 1;
        }
    }

    private static int valueEnd(byte[] b, int from, int lf) {
        int e = lf;
        if (e > from && b[e - 1] == '\r') {
            e--;
        }
        while (e > from && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        return e;
    }

    private static void body(byte[] b, int len, Head h, boolean datagram) {
        int cl = -1;
        for (int i = 0; i < h.count; i++) {
            if (h.names[i] == HeaderName.CONTENT_LENGTH) {
                if (cl >= 0) {
                    throw new SipParseException(h.valueStart(i), "Bad Content-Length: multiple values");
                }
                cl = contentLength(b, h, i);
            }
        }
        int available = len - h.bodyStart;
        h.contentLength = cl;
        if (cl < 0) {
            if (!datagram) {
                // RFC 3261 18.3: Content-Length MUST be present on a stream transport
                throw new SipParseException(h.bodyStart, "Missing Content-Length");
            }
            h.length = len;
        } else if (cl > available) {
            throw new SipParseException(h.bodyStart, "Bad Content-Length: larger than the message body");
        } else if (cl < available && !datagram) {
            throw new SipParseException(h.bodyStart + cl, "Bad Content-Length: smaller than the message body");
        } else {
            h.length = h.bodyStart + cl;
        }
    }

    private static int contentLength(byte[] b, Head h, int i) {
        int from = h.valueStart(i);
        int to = h.valueEnd(i);
        if (from == to) {
            throw new SipParseException(from, "Bad Content-Length: empty value");
        }
        if (b[from] == '-') {
            throw new SipParseException(from, "Bad Content-Length: negative value");
        }
        long v = 0;
        for (int p = from; p < to; p++) {
            if (!Chars.isDigit(b[p])) {
                throw new SipParseException(p, "Bad Content-Length: not a number");
            }
            v = v * 10 + (b[p] - '0');
            if (v > Integer.MAX_VALUE) {
                throw new SipParseException(from, "Bad Content-Length: value too large");
            }
        }
        return (int) v;
    }

    // Eight bytes at a time: a line's bytes are mostly far above CR, and the word test below finds the first that
    // is not (the lowest flagged byte is always a true hit: a borrow only runs upwards from one).
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Index of the first byte in {@code [from, to)} that is at most CR (negative bytes, i.e. non-ASCII, excluded). */
    private static int controlChar(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i);
            long m = (x - ONES * 0x0E) & ~x & HIGHS;
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c <= '\r' && c >= 0) {
                return i;
            }
        }
        return to;
    }

    /**
     * Index of the LF ending the line that starts at {@code lineStart}, searched for from {@code from}; a CR
     * anywhere but right before it is an error.
     */
    private static int lineEnd(byte[] b, int lineStart, int from, int len) {
        for (int i = controlChar(b, from, len); i < len; i = controlChar(b, i + 1, len)) {
            byte c = b[i];
            if (c == '\n') {
                return i;
            }
            if (c == '\r' && (i + 1 >= len || b[i + 1] != '\n')) {
                throw new SipParseException(i, i + 1 >= len ? "Incomplete header line" : "Bad header: bare CR");
            }
        }
        throw new SipParseException(lineStart, "Incomplete header line");
    }

    /** Index of the first {@code c} in {@code b[from, to)}, or -1; eight bytes at a time. */
    static int indexOf(byte[] b, int from, int to, byte c) {
        long pattern = ONES * (c & 0xFF);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            long m = (x - ONES) & ~x & HIGHS;
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static int[] grow(int[] a) {
        return Arrays.copyOf(a, a.length * 2);
    }
}
