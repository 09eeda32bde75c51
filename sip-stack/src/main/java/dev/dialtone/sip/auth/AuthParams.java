package dev.dialtone.sip.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses a challenge or credentials header value: {@code scheme LWS auth-param *(COMMA auth-param)}
 * (RFC 3261 25.1, RFC 7235 2.1). Parameter names are lowercased; values are unquoted and unescaped.
 */
final class AuthParams {
    private final String s;
    private int pos;

    private AuthParams(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    /** A header value split into its scheme and the text after it. */
    record Split(String scheme, int paramsOffset) {
    }

    /** Reads the auth-scheme; {@link #params} then parses what follows for schemes we understand. */
    static Split scheme(String value) throws AuthParseException {
        if (value == null) {
            throw new AuthParseException(0, "missing header value");
        }
        AuthParams p = new AuthParams(value, 0);
        p.skipLws();
        int start = p.pos;
        String scheme = p.token();
        if (scheme == null) {
            throw new AuthParseException(start, start >= value.length() ? "missing auth-scheme" : "invalid character in auth-scheme");
        }
        if (p.pos < value.length() && !isLwsStart(value, p.pos)) {
            throw new AuthParseException(p.pos, "invalid character in auth-scheme");
        }
        return new Split(scheme, p.pos);
    }

    /**
     * Parses the auth-params starting at {@code offset}. Names are lowercased, values unquoted and unescaped.
     * Duplicate names are an error (RFC 7616 3.4: a parameter MUST NOT appear more than once).
     */
    static Map<String, String> params(String value, int offset, String scheme) throws AuthParseException {
        AuthParams p = new AuthParams(value, offset);
        Map<String, String> out = new LinkedHashMap<>();
        p.skipLws();
        if (p.pos >= value.length()) {
            throw new AuthParseException(p.pos, "missing auth-params after " + scheme);
        }
        while (true) {
            int nameStart = p.pos;
            String name = p.token();
            if (name == null) {
                throw new AuthParseException(nameStart, "expected auth-param name");
            }
            p.skipLws();
            if (p.pos >= value.length() || value.charAt(p.pos) != '=') {
                throw new AuthParseException(p.pos, "expected '=' after " + name);
            }
            p.pos++;
            p.skipLws();
            String v;
            if (p.pos < value.length() && value.charAt(p.pos) == '"') {
                v = p.quotedString();
            } else {
                int valueStart = p.pos;
                v = p.token();
                if (v == null) {
                    throw new AuthParseException(valueStart, "expected token or quoted-string for " + name);
                }
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (out.putIfAbsent(key, v) != null) {
                throw new AuthParseException(nameStart, "duplicate parameter " + key);
            }
            p.skipLws();
            if (p.pos >= value.length()) {
                return Collections.unmodifiableMap(out);
            }
            if (value.charAt(p.pos) != ',') {
                throw new AuthParseException(p.pos, "expected ',' between auth-params");
            }
            p.pos++;
            p.skipLws();
        }
    }

    private String token() {
        int start = pos;
        while (pos < s.length() && isTokenChar(s.charAt(pos))) {
            pos++;
        }
        return pos == start ? null : s.substring(start, pos);
    }

    // RFC 3261 25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE,
    // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F); qdtext excludes controls other than LWS.
    private String quotedString() throws AuthParseException {
        int open = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    break;
                }
                char e = s.charAt(pos + 1);
                if (e == '\r' || e == '\n' || e > 0x7f) {
                    throw new AuthParseException(pos, "invalid quoted-pair");
                }
                sb.append(e);
                pos += 2;
                continue;
            }
            if (c == '\r' || c == '\n') {
                int after = skipLineFold(pos);
                if (after < 0) {
                    throw new AuthParseException(pos, "line break inside quoted-string");
                }
                pos = after;
                sb.append(' ');
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new AuthParseException(pos, "control character in quoted-string");
            }
            sb.append(c);
            pos++;
        }
        throw new AuthParseException(open, "unterminated quoted-string");
    }

    private void skipLws() throws AuthParseException {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\r' || c == '\n') {
                int after = skipLineFold(pos);
                if (after < 0) {
                    throw new AuthParseException(pos, "line break not followed by whitespace");
                }
                pos = after;
            } else {
                return;
            }
        }
    }

    /** RFC 3261 7.3.1 folding: CRLF (or a bare LF) followed by SP/HTAB; returns the index after it or -1. */
    private int skipLineFold(int at) {
        int i = at;
        if (s.charAt(i) == '\r') {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t') && i > at) {
            return i;
        }
        return -1;
    }

    private static boolean isLwsStart(String s, int i) {
        char c = s.charAt(i);
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    // RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+'
                || c == '`' || c == '\'' || c == '~';
    }

    /** Writes {@code value} as a quoted-string, escaping '"' and '\'. */
    static void appendQuoted(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }
}
