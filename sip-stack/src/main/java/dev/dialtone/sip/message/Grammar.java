package dev.dialtone.sip.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written parsers for the RFC 3261 25.1 productions the typed views need (URIs, name-addr, Via, params,
 * numbers), working on unfolded header values. Every fault raises {@link SipParseException} with a reason
 * "{@code <context>: <what>}", the context naming the header ("Bad Via").
 */
final class Grammar {

    enum Escaping {
        USER(Chars.USER), PASSWORD(Chars.PASSWORD), PARAM(Chars.PARAM), HEADER(Chars.HNV);

        final int chars;

        Escaping(int chars) {
            this.chars = chars;
        }
    }

    private final String s;
    private final int end;
    private final String ctx;
    private final int base;
    private int pos;

    private Grammar(String s, int from, int to, String ctx, int base) {
        this.s = s;
        this.pos = from;
        this.end = to;
        this.ctx = ctx;
        this.base = base;
    }

    private SipParseException fail(String what) {
        return new SipParseException(base + pos, ctx + ": " + what);
    }

    private int peek() {
        return pos < end ? s.charAt(pos) : -1;
    }

    private void skipWs() {
        while (pos < end && Chars.isWs(s.charAt(pos))) {
            pos++;
        }
    }

    private String token(String what) {
        int start = pos;
        skipToken(what);
        return s.substring(start, pos);
    }

    private void skipToken(String what) {
        int start = pos;
        while (pos < end && Chars.isToken(s.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw fail(pos < end ? "invalid character '" + printable(s.charAt(pos)) + "' in " + what : "missing " + what);
        }
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw fail("expected '" + c + "' " + what);
        }
        pos++;
    }

    private static String printable(char c) {
        return c >= 0x21 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    // ---- URIs

    static Uri uri(String s, int from, int to, String ctx, int base) {
        return new Grammar(s, from, to, ctx, base).uri();
    }

    private Uri uri() {
        int start = pos;
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        if (pos >= end || !isAlpha(s.charAt(pos))) {
            throw fail(pos < end ? "URI without scheme" : "empty URI");
        }
        while (pos < end && (isAlpha(s.charAt(pos)) || Chars.isDigit(s.charAt(pos)) || "+-.".indexOf(s.charAt(pos)) >= 0)) {
            pos++;
        }
        if (peek() != ':') {
            throw fail("URI without scheme");
        }
        int schemeLength = pos - start;
        pos++;
        int c0 = s.charAt(start) | 0x20;
        if ((schemeLength == 3 || schemeLength == 4 && (s.charAt(start + 3) | 0x20) == 's')
            && c0 == 's' && (s.charAt(start + 1) | 0x20) == 'i' && (s.charAt(start + 2) | 0x20) == 'p') {
            return sipUri(schemeLength == 4);
        }
        if (schemeLength == 3 && c0 == 't' && (s.charAt(start + 1) | 0x20) == 'e' && (s.charAt(start + 2) | 0x20) == 'l') {
            return telUri();
        }
        String scheme = s.substring(start, pos - 1);
        int rest = pos;
        if (rest == end) {
            throw fail("empty " + scheme + " URI");
        }
        for (int i = rest; i < end; i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f) {
                pos = i;
                throw fail("invalid character '" + printable(c) + "' in URI");
            }
        }
        pos = end;
        return new AbsoluteUri(scheme.toLowerCase(java.util.Locale.ROOT), s.substring(rest, end));
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private SipUri sipUri(boolean secure) {
        String user = null;
        String password = null;
        // Neither uri-parameters nor headers may contain a raw '@', so the first one ends the userinfo.
        int at = s.indexOf('@', pos);
        if (at >= end) {
            at = -1;
        }
        if (at >= 0) {
            int colon = -1;
            for (int i = pos; i < at; i++) {
                if (s.charAt(i) == ':') {
                    colon = i;
                    break;
                }
            }
            int userEnd = colon >= 0 ? colon : at;
            if (userEnd == pos) {
                throw fail("empty user part");
            }
            user = unescape(pos, userEnd, Escaping.USER, "user part");
            if (colon >= 0) {
                password = unescape(colon + 1, at, Escaping.PASSWORD, "password");
            }
            pos = at + 1;
        }
        String host = host("URI");
        int port = -1;
        if (peek() == ':') {
            pos++;
            int start = pos;
            while (pos < end && Chars.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos || pos - start > 5 || pos < end && ";?".indexOf(s.charAt(pos)) < 0) {
                if (!host.startsWith("[") && s.indexOf(':', start) >= 0 && s.indexOf(':', start) < end) {
                    throw fail("IPv6 address must be enclosed in []");
                }
                throw fail("invalid port");
            }
            port = Integer.parseInt(s, start, pos, 10);
            if (port > 65535) {
                throw fail("port out of range");
            }
        }
        Pairs params = null;
        while (peek() == ';') {
            pos++;
            int nameEnd = scan(Escaping.PARAM, '=');
            if (nameEnd == pos) {
                throw fail("empty URI parameter");
            }
            if (params == null) {
                params = new Pairs(2);
            }
            params.add(paramName(pos, nameEnd, true));
            pos = nameEnd;
            if (peek() == '=') {
                pos++;
                int valueEnd = scan(Escaping.PARAM, (char) 0);
                if (valueEnd == pos) {
                    throw fail("empty URI parameter value");
                }
                params.add(unescape(pos, valueEnd, Escaping.PARAM, "URI parameter"));
                pos = valueEnd;
            } else {
                params.add(null);
            }
        }
        Pairs headers = null;
        if (peek() == '?') {
            headers = new Pairs(2);
            do {
                pos++;
                int nameEnd = scan(Escaping.HEADER, '=');
                if (nameEnd == pos || nameEnd >= end || s.charAt(nameEnd) != '=') {
                    throw fail("bad URI header");
                }
                headers.add(unescape(pos, nameEnd, Escaping.HEADER, "URI header"));
                pos = nameEnd + 1;
                int valueEnd = scan(Escaping.HEADER, (char) 0);
                headers.add(unescape(pos, valueEnd, Escaping.HEADER, "URI header"));
                pos = valueEnd;
            } while (peek() == '&');
        }
        if (pos != end) {
            throw fail("invalid character '" + printable(s.charAt(pos)) + "' in URI");
        }
        return new SipUri(secure, user, password, host, port, Pairs.toParameters(params), Pairs.toParameters(headers));
    }

    /** End of a run of characters allowed in {@code mode} (escapes included), stopping at {@code stop}. */
    private int scan(Escaping mode, char stop) {
        int i = pos;
        while (i < end) {
            char c = s.charAt(i);
            if (c == stop || !(c == '%' || allowed(c, mode))) {
                break;
            }
            i++;
        }
        return i;
    }

    private String host(String what) {
        int start = pos;
        if (peek() == '[') {
            int close = s.indexOf(']', pos);
            if (close < 0 || close >= end) {
                throw fail("unterminated IPv6 reference");
            }
            boolean colon = false;
            for (int i = pos + 1; i < close; i++) {
                char c = s.charAt(i);
                colon |= c == ':';
                if (!(Chars.hex(c) >= 0 || c == ':' || c == '.')) {
                    pos = i;
                    throw fail("invalid character '" + printable(c) + "' in IPv6 reference");
                }
            }
            if (!colon) {
                throw fail("bad IPv6 reference");
            }
            pos = close + 1;
            return s.substring(start, pos);
        }
        while (pos < end && Chars.isHost(s.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw fail(pos < end ? "invalid character '" + printable(s.charAt(pos)) + "' in " + what + " host"
                : "missing host");
        }
        return s.substring(start, pos);
    }

    private TelUri telUri() {
        int start = pos;
        while (pos < end && s.charAt(pos) != ';') {
            char c = s.charAt(pos);
            // RFC 3966: phonedigit-hex / visual-separator / "*" / "#" / "+"
            if (!(Chars.hex(c) >= 0 || "*#+-.()pPwW".indexOf(c) >= 0)) {
                throw fail("invalid character '" + printable(c) + "' in telephone number");
            }
            pos++;
        }
        if (start == pos) {
            throw fail("empty telephone number");
        }
        String number = s.substring(start, pos);
        List<String> params = new ArrayList<>(2);
        while (peek() == ';') {
            pos++;
            int nameEnd = scan(Escaping.PARAM, '=');
            if (nameEnd == pos) {
                throw fail("empty URI parameter");
            }
            params.add(s.substring(pos, nameEnd));
            pos = nameEnd;
            if (peek() == '=') {
                pos++;
                int valueEnd = scan(Escaping.PARAM, (char) 0);
                params.add(s.substring(pos, valueEnd));
                pos = valueEnd;
            } else {
                params.add(null);
            }
        }
        if (pos != end) {
            throw fail("invalid character '" + printable(s.charAt(pos)) + "' in URI");
        }
        return new TelUri(number, Parameters.ofPairs(params));
    }

    private static boolean allowed(char c, Escaping mode) {
        return Chars.is(c, mode.chars);
    }

    private String unescape(int from, int to, Escaping mode, String what) {
        boolean escaped = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to || Chars.hex(s.charAt(i + 1)) < 0 || Chars.hex(s.charAt(i + 2)) < 0) {
                    pos = i;
                    throw fail("bad escape in " + what);
                }
                escaped = true;
                i += 2;
            } else if (!allowed(c, mode)) {
                pos = i;
                throw fail("invalid character '" + printable(c) + "' in " + what);
            }
        }
        if (!escaped) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.write(Chars.hex(s.charAt(i + 1)) << 4 | Chars.hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static void escape(StringBuilder sb, String v, Escaping mode) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 128 && allowed(c, mode)) {
                sb.append(c);
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < v.length()) {
                    bytes = v.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                for (byte b : bytes) {
                    sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
    }

    // Parameter names that recur in almost every message: returning the constant saves a String per parameter.
    static final String[] COMMON_PARAMS = {
        "tag", "branch", "lr", "transport", "rport", "received", "maddr", "user", "ttl", "method", "expires", "q",
        "ob", "refresher", "realm", "nonce", "algorithm", "qop", "opaque", "username", "uri", "response", "cnonce",
        "nc", "stale", "domain"
    };
    private static final String[][] COMMON_BY_LENGTH = new String[10][];

    static {
        for (int n = 0; n < COMMON_BY_LENGTH.length; n++) {
            int length = n;
            COMMON_BY_LENGTH[n] = java.util.Arrays.stream(COMMON_PARAMS).filter(c -> c.length() == length)
                .toArray(String[]::new);
        }
    }

    /**
     * The parameter name in {@code s[from, to)}, which the caller has checked against the grammar: a shared
     * constant for a common name spelled in lower case, else a new string ({@code unescape} for URI parameters).
     */
    private String paramName(int from, int to, boolean uriParam) {
        int n = to - from;
        if (n < COMMON_BY_LENGTH.length) {
            char first = s.charAt(from);
            for (String c : COMMON_BY_LENGTH[n]) {
                if (c.charAt(0) == first && regionEquals(c, from)) {
                    return c;
                }
            }
        }
        return uriParam ? unescape(from, to, Escaping.PARAM, "URI parameter") : s.substring(from, to);
    }

    /** True if {@code s} holds {@code c} at {@code from} (the caller has checked that it fits). */
    private boolean regionEquals(String c, int from) {
        for (int i = 0; i < c.length(); i++) {
            if (s.charAt(from + i) != c.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Alternating names and values, collected without the boxing and copying of a list. */
    private static final class Pairs {
        private String[] a;
        private int n;

        Pairs(int capacity) {
            a = new String[capacity];
        }

        void add(String v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        static Parameters toParameters(Pairs p) {
            if (p == null || p.n == 0) {
                return Parameters.EMPTY;
            }
            // The array is handed over when full, which it is for the usual one or two parameters.
            return Parameters.ofArray(p.n == p.a.length ? p.a : java.util.Arrays.copyOf(p.a, p.n));
        }
    }

    // ---- name-addr / addr-spec

    static Address address(String s, int from, int to, String ctx, int base) {
        Grammar g = new Grammar(s, from, to, ctx, base);
        Address a = g.address();
        return a;
    }

    private Address address() {
        skipWs();
        String display = null;
        boolean nameAddr = false;
        if (peek() == '"') {
            display = quoted(true);
            skipWs();
            if (peek() != '<') {
                throw fail("quoted display name must be followed by <URI>");
            }
            nameAddr = true;
        } else {
            int start = pos;
            while (pos < end && (Chars.isToken(s.charAt(pos)) || Chars.isWs(s.charAt(pos)))) {
                pos++;
            }
            if (peek() == '<') {
                nameAddr = true;
                display = collapse(start, pos);
                if (display.isEmpty()) {
                    display = null;
                }
            } else {
                int lt = s.indexOf('<', pos);
                if (lt >= 0 && lt < end) {
                    throw fail("display name must be a token or quoted string");
                }
                pos = start;
            }
        }
        Uri uri;
        if (nameAddr) {
            pos++;
            int gt = s.indexOf('>', pos);
            if (gt < 0 || gt >= end) {
                throw fail("missing '>'");
            }
            for (int i = pos; i < gt; i++) {
                if (Chars.isWs(s.charAt(i))) {
                    pos = i;
                    throw fail("spaces within addr-spec");
                }
            }
            uri = uri(s, pos, gt, ctx, base);
            pos = gt + 1;
        } else {
            int start = pos;
            while (pos < end && s.charAt(pos) != ';' && !Chars.isWs(s.charAt(pos))) {
                char c = s.charAt(pos);
                // RFC 3261 20: a URI containing a comma, question mark or semicolon MUST be enclosed in <>
                if (c == '?' || c == ',') {
                    throw fail("URI containing '" + c + "' must be enclosed in <>");
                }
                pos++;
            }
            int uriEnd = pos;
            skipWs();
            if (pos < end && s.charAt(pos) != ';') {
                throw fail("spaces within addr-spec");
            }
            uri = uri(s, start, uriEnd, ctx, base);
        }
        Parameters params = params(false);
        return new Address(display, uri, params);
    }

    /** {@code s[from, to)} with whitespace trimmed and each inner run of it made one space. */
    private String collapse(int from, int to) {
        while (from < to && Chars.isWs(s.charAt(from))) {
            from++;
        }
        while (to > from && Chars.isWs(s.charAt(to - 1))) {
            to--;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == ' ' && s.charAt(i + 1) == ' ') {
                return collapse(s.substring(from, to));
            }
        }
        return s.substring(from, to);
    }

    private static String collapse(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        boolean ws = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Chars.isWs(c)) {
                ws = true;
            } else {
                if (ws && sb.length() > 0) {
                    sb.append(' ');
                }
                ws = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A quoted-string at {@code pos}: decoded content, or the raw text including quotes when {@code decode} is false. */
    private String quoted(boolean decode) {
        int start = pos;
        for (int i = pos + 1; i < end; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                // No quoted-pair before the closing quote: the content is the text itself.
                pos = i + 1;
                return decode ? s.substring(start + 1, i) : s.substring(start, pos);
            }
            if (c == '\\') {
                break;
            }
        }
        pos++;
        StringBuilder sb = decode ? new StringBuilder() : null;
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return decode ? sb.toString() : s.substring(start, pos);
            }
            if (c == '\\') {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                if (pos + 1 >= end || s.charAt(pos + 1) > 0x7f) {
                    throw fail("bad quoted-pair");
                }
                pos++;
                c = s.charAt(pos);
            }
            if (decode) {
                sb.append(c);
            }
            pos++;
        }
        pos = start;
        throw fail("unterminated quoted string");
    }

    static String unquote(String v) {
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return v;
        }
        if (v.indexOf('\\') < 0) {
            return v.substring(1, v.length() - 1);
        }
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                c = v.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static void appendDisplayName(StringBuilder sb, String name) {
        boolean token = !name.isEmpty() && !name.startsWith(" ") && !name.endsWith(" ") && !name.contains("  ");
        for (int i = 0; token && i < name.length(); i++) {
            char c = name.charAt(i);
            token = c == ' ' || Chars.isToken(c);
        }
        if (token) {
            sb.append(name);
            return;
        }
        sb.append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 && c != '\t' || c == 0x7f) {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    // ---- generic-param list: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ]

    private Parameters params(boolean allowEmpty) {
        Pairs pairs = null;
        while (true) {
            skipWs();
            if (pos >= end) {
                break;
            }
            if (s.charAt(pos) != ';') {
                throw fail("invalid character '" + printable(s.charAt(pos)) + "' before parameters");
            }
            pos++;
            skipWs();
            if (pos >= end || s.charAt(pos) == ';') {
                if (allowEmpty) {
                    continue;
                }
                throw fail("empty parameter");
            }
            int nameStart = pos;
            skipToken("parameter name");
            String name = paramName(nameStart, pos, false);
            skipWs();
            String value = null;
            if (peek() == '=') {
                pos++;
                skipWs();
                value = genValue();
            }
            if (pairs == null) {
                pairs = new Pairs(2);
            }
            pairs.add(name);
            pairs.add(value);
        }
        return Pairs.toParameters(pairs);
    }

    /** gen-value = token / host / quoted-string (host covers IPv6 references, bracketed or not, RFC 5118 4.5). */
    private String genValue() {
        if (peek() == '"') {
            return quoted(false);
        }
        int start = pos;
        while (pos < end) {
            char c = s.charAt(pos);
            if (!(Chars.isToken(c) || c == ':' || c == '[' || c == ']')) {
                break;
            }
            pos++;
        }
        if (start == pos) {
            throw fail("empty parameter value");
        }
        return s.substring(start, pos);
    }

    // ---- Via: sent-protocol LWS sent-by *( SEMI via-params )

    static Via via(String s, int from, int to, String ctx, int base) {
        return new Grammar(s, from, to, ctx, base).via();
    }

    private Via via() {
        skipWs();
        int start = pos;
        skipToken("protocol name");
        if (pos - start != 3 || (s.charAt(start) | 0x20) != 's' || (s.charAt(start + 1) | 0x20) != 'i'
            || (s.charAt(start + 2) | 0x20) != 'p') {
            throw fail("unknown protocol " + s.substring(start, pos));
        }
        skipWs();
        expect('/', "after protocol name");
        skipWs();
        start = pos;
        skipToken("protocol version");
        if (pos - start != 3 || !s.startsWith("2.0", start)) {
            throw fail("unsupported SIP version");
        }
        skipWs();
        expect('/', "after protocol version");
        skipWs();
        int transportStart = pos;
        skipToken("transport");
        String transport = transport(transportStart, pos);
        int before = pos;
        skipWs();
        if (pos == before) {
            throw fail("missing sent-by");
        }
        String host = host("sent-by");
        skipWs();
        int port = -1;
        if (peek() == ':') {
            pos++;
            skipWs();
            start = pos;
            while (pos < end && Chars.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos || pos - start > 5) {
                throw fail("invalid port");
            }
            port = Integer.parseInt(s, start, pos, 10);
            if (port > 65535) {
                throw fail("port out of range");
            }
        }
        return new Via(transport, host, port, params(false));
    }

    static final String[] TRANSPORTS = {"UDP", "TCP", "TLS", "SCTP", "WS", "WSS"};

    private String transport(int from, int to) {
        for (String t : TRANSPORTS) {
            if (t.length() == to - from && regionEquals(t, from)) {
                return t;
            }
        }
        return s.substring(from, to);
    }

    // ---- auth: challenge / credentials = auth-scheme LWS auth-param *(COMMA auth-param)

    static AuthHeader auth(String s, String ctx, int base) {
        Grammar g = new Grammar(s, 0, s.length(), ctx, base);
        g.skipWs();
        int schemeStart = g.pos;
        g.skipToken("auth scheme");
        String scheme = g.pos - schemeStart == 6 && s.startsWith("Digest", schemeStart) ? "Digest"
            : s.substring(schemeStart, g.pos);
        Pairs pairs = new Pairs(16);
        g.skipWs();
        while (g.pos < g.end) {
            int nameStart = g.pos;
            g.skipToken("auth parameter");
            String name = g.paramName(nameStart, g.pos, false);
            g.skipWs();
            g.expect('=', "after auth parameter name");
            g.skipWs();
            pairs.add(name);
            pairs.add(g.peek() == '"' ? g.quoted(false) : g.token("auth parameter value"));
            g.skipWs();
            if (g.pos < g.end) {
                g.expect(',', "between auth parameters");
                g.skipWs();
            }
        }
        return new AuthHeader(scheme, Pairs.toParameters(pairs));
    }

    /** A value followed by parameters (Session-Expires, Content-Disposition, Event, ...); the parameters go to {@code out[0]}. */
    static String valueWithParams(String s, String ctx, int base, Parameters[] out) {
        Grammar g = new Grammar(s, 0, s.length(), ctx, base);
        g.skipWs();
        int start = g.pos;
        while (g.pos < g.end && g.s.charAt(g.pos) != ';' && !Chars.isWs(g.s.charAt(g.pos))) {
            g.pos++;
        }
        if (start == g.pos) {
            throw g.fail("empty value");
        }
        String head = s.substring(start, g.pos);
        out[0] = g.params(false);
        return head;
    }

    // ---- numbers

    /** Digits only, leading zeros allowed, at most {@code maxDigits} significant digits. */
    static long number(String v, int maxDigits, String ctx) {
        int n = v.length();
        if (n == 0) {
            throw new SipParseException(0, ctx + ": empty value");
        }
        long r = 0;
        int significant = 0;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (!Chars.isDigit(c)) {
                throw new SipParseException(i, ctx + ": not a number");
            }
            if (significant > 0 || c != '0') {
                significant++;
                if (significant > maxDigits) {
                    throw new SipParseException(i, ctx + ": value too large");
                }
            }
            r = r * 10 + (c - '0');
        }
        return r;
    }

    /** delta-seconds (RFC 3261 25.1), limited to 2^32-1 as RFC 4475 3.1.2.4 expects. */
    static long deltaSeconds(String v, String ctx) {
        long r = number(v.trim(), 10, ctx);
        if (r > 0xFFFFFFFFL) {
            throw new SipParseException(0, ctx + ": value too large");
        }
        return r;
    }

    static int portValue(String v, String ctx) {
        long r = number(v, 5, ctx);
        if (r > 65535) {
            throw new SipParseException(0, ctx + ": port out of range");
        }
        return (int) r;
    }

    /** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). */
    static float qvalue(String v, String ctx) {
        int n = v.length();
        boolean ok = n >= 1 && (v.charAt(0) == '0' || v.charAt(0) == '1');
        if (ok && n > 1) {
            ok = v.charAt(1) == '.' && n <= 5;
            for (int i = 2; ok && i < n; i++) {
                ok = Chars.isDigit(v.charAt(i)) && (v.charAt(0) == '0' || v.charAt(i) == '0');
            }
        }
        if (!ok) {
            throw new SipParseException(0, ctx + ": invalid qvalue");
        }
        return Float.parseFloat(v);
    }

    // ---- lists

    /**
     * Splits a list header value on commas outside quoted strings and angle brackets; elements are trimmed and
     * returned as [start, end) offsets into {@code v} (empty elements included, so callers can reject them).
     */
    static int[] split(String v) {
        if (v.indexOf(',') < 0) {
            // One element, the common case: no scan for quotes and brackets needed.
            int a = 0;
            int b = v.length();
            while (a < b && Chars.isWs(v.charAt(a))) {
                a++;
            }
            while (b > a && Chars.isWs(v.charAt(b - 1))) {
                b--;
            }
            return new int[] {a, b};
        }
        int[] out = new int[8];
        int n = 0;
        int start = 0;
        boolean quoted = false;
        boolean angle = false;
        int len = v.length();
        for (int i = 0; i <= len; i++) {
            char c = i < len ? v.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                if (i < len) {
                    continue;
                }
            } else if (c == '"') {
                quoted = true;
                continue;
            } else if (c == '<') {
                angle = true;
                continue;
            } else if (c == '>') {
                angle = false;
                continue;
            }
            if (c == ',' && (!angle || i >= len)) {
                int a = start;
                int b = Math.min(i, len);
                while (a < b && Chars.isWs(v.charAt(a))) {
                    a++;
                }
                while (b > a && Chars.isWs(v.charAt(b - 1))) {
                    b--;
                }
                if (n + 2 > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = a;
                out[n++] = b;
                start = i + 1;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
