package dev.dialtone.sip.message;

/** Character classes of the RFC 3261 25.1 grammar, as lookup tables. */
final class Chars {

    private static final int TOKEN = 1;
    private static final int UNRESERVED = 2;
    static final int USER = 4;
    static final int PASSWORD = 8;
    static final int PARAM = 16;
    static final int HNV = 32;
    private static final int HOST = 64;

    private static final int[] CLASS = new int[128];
    // The same classes indexed by a byte's unsigned value (non-ASCII bytes in none): one load, no range checks.
    private static final int[] BYTE_CLASS = new int[256];

    static {
        for (int c = 0; c < 128; c++) {
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            int k = 0;
            // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
            if (alnum || "-.!%*_+`'~".indexOf(c) >= 0) {
                k |= TOKEN;
            }
            // unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
            if (alnum || "-_.!~*'()".indexOf(c) >= 0) {
                k |= UNRESERVED | USER | PASSWORD | PARAM | HNV;
            }
            // user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
            if ("&=+$,;?/".indexOf(c) >= 0) {
                k |= USER;
            }
            if ("&=+$,".indexOf(c) >= 0) {
                k |= PASSWORD;
            }
            // param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
            if ("[]/:&+$".indexOf(c) >= 0) {
                k |= PARAM;
            }
            // hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
            if ("[]/?:+$".indexOf(c) >= 0) {
                k |= HNV;
            }
            if (alnum || c == '-' || c == '.') {
                k |= HOST;
            }
            CLASS[c] = k;
            BYTE_CLASS[c] = k;
        }
    }

    private Chars() {
    }

    static boolean is(int c, int k) {
        return c >= 0 && c < 128 && (CLASS[c] & k) != 0;
    }

    static boolean isToken(int c) {
        return is(c, TOKEN);
    }

    static boolean is(byte c, int k) {
        return (BYTE_CLASS[c & 0xFF] & k) != 0;
    }

    static boolean isToken(byte c) {
        return (BYTE_CLASS[c & 0xFF] & TOKEN) != 0;
    }

    static boolean isHost(byte c) {
        return (BYTE_CLASS[c & 0xFF] & HOST) != 0;
    }

    static boolean isParam(byte c) {
        return (BYTE_CLASS[c & 0xFF] & PARAM) != 0;
    }

    static boolean isUser(int c) {
        return is(c, USER);
    }

    static boolean isPassword(int c) {
        return is(c, PASSWORD);
    }

    static boolean isParam(int c) {
        return is(c, PARAM);
    }

    static boolean isHeaderChar(int c) {
        return is(c, HNV);
    }

    static boolean isHost(int c) {
        return is(c, HOST);
    }

    static boolean isWs(int c) {
        return c == ' ' || c == '\t';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isToken(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
