package dev.dialtone.sip.message;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header names: constants with their compact forms (RFC 3261 7.3.3 and the extensions that define one), and the
 * mapping from any spelling to the canonical full name. Header names are case-insensitive (RFC 3261 7.3.1).
 */
public final class HeaderName {

    public static final String ACCEPT = "Accept";
    public static final String ACCEPT_CONTACT = "Accept-Contact";
    public static final String ACCEPT_ENCODING = "Accept-Encoding";
    public static final String ACCEPT_LANGUAGE = "Accept-Language";
    public static final String ALERT_INFO = "Alert-Info";
    public static final String ALLOW = "Allow";
    public static final String ALLOW_EVENTS = "Allow-Events";
    public static final String AUTHENTICATION_INFO = "Authentication-Info";
    public static final String AUTHORIZATION = "Authorization";
    public static final String CALL_ID = "Call-ID";
    public static final String CALL_INFO = "Call-Info";
    public static final String CONTACT = "Contact";
    public static final String CONTENT_DISPOSITION = "Content-Disposition";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    public static final String CONTENT_LANGUAGE = "Content-Language";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CSEQ = "CSeq";
    public static final String DATE = "Date";
    public static final String ERROR_INFO = "Error-Info";
    public static final String EVENT = "Event";
    public static final String EXPIRES = "Expires";
    public static final String FROM = "From";
    public static final String IDENTITY = "Identity";
    public static final String IN_REPLY_TO = "In-Reply-To";
    public static final String MAX_FORWARDS = "Max-Forwards";
    public static final String MIME_VERSION = "MIME-Version";
    public static final String MIN_EXPIRES = "Min-Expires";
    public static final String MIN_SE = "Min-SE";
    public static final String ORGANIZATION = "Organization";
    public static final String PATH = "Path";
    public static final String PRIORITY = "Priority";
    public static final String PROXY_AUTHENTICATE = "Proxy-Authenticate";
    public static final String PROXY_AUTHORIZATION = "Proxy-Authorization";
    public static final String PROXY_REQUIRE = "Proxy-Require";
    public static final String RACK = "RAck";
    public static final String REASON = "Reason";
    public static final String RECORD_ROUTE = "Record-Route";
    public static final String REFER_TO = "Refer-To";
    public static final String REFERRED_BY = "Referred-By";
    public static final String REJECT_CONTACT = "Reject-Contact";
    public static final String REPLY_TO = "Reply-To";
    public static final String REQUEST_DISPOSITION = "Request-Disposition";
    public static final String REQUIRE = "Require";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String ROUTE = "Route";
    public static final String RSEQ = "RSeq";
    public static final String SERVER = "Server";
    public static final String SERVICE_ROUTE = "Service-Route";
    public static final String SESSION_EXPIRES = "Session-Expires";
    public static final String SUBJECT = "Subject";
    public static final String SUBSCRIPTION_STATE = "Subscription-State";
    public static final String SUPPORTED = "Supported";
    public static final String TIMESTAMP = "Timestamp";
    public static final String TO = "To";
    public static final String UNSUPPORTED = "Unsupported";
    public static final String USER_AGENT = "User-Agent";
    public static final String VIA = "Via";
    public static final String WARNING = "Warning";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    private static final String[] ALL = {
        ACCEPT, ACCEPT_CONTACT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, ALERT_INFO, ALLOW, ALLOW_EVENTS,
        AUTHENTICATION_INFO, AUTHORIZATION, CALL_ID, CALL_INFO, CONTACT, CONTENT_DISPOSITION, CONTENT_ENCODING,
        CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, CSEQ, DATE, ERROR_INFO, EVENT, EXPIRES, FROM, IDENTITY,
        IN_REPLY_TO, MAX_FORWARDS, MIME_VERSION, MIN_EXPIRES, MIN_SE, ORGANIZATION, PATH, PRIORITY,
        PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, PROXY_REQUIRE, RACK, REASON, RECORD_ROUTE, REFER_TO, REFERRED_BY,
        REJECT_CONTACT, REPLY_TO, REQUEST_DISPOSITION, REQUIRE, RETRY_AFTER, ROUTE, RSEQ, SERVER, SERVICE_ROUTE,
        SESSION_EXPIRES, SUBJECT, SUBSCRIPTION_STATE, SUPPORTED, TIMESTAMP, TO, UNSUPPORTED, USER_AGENT, VIA,
        WARNING, WWW_AUTHENTICATE
    };

    // RFC 3261 7.3.3 plus RFC 3265 (o, u), RFC 3515 (r), RFC 3892 (b), RFC 3841 (a, j, d), RFC 4028 (x), RFC 8224 (y)
    private static final String[][] COMPACT = {
        {"i", CALL_ID}, {"m", CONTACT}, {"e", CONTENT_ENCODING}, {"l", CONTENT_LENGTH}, {"c", CONTENT_TYPE},
        {"f", FROM}, {"s", SUBJECT}, {"k", SUPPORTED}, {"t", TO}, {"v", VIA}, {"o", EVENT}, {"u", ALLOW_EVENTS},
        {"r", REFER_TO}, {"b", REFERRED_BY}, {"a", ACCEPT_CONTACT}, {"j", REJECT_CONTACT},
        {"d", REQUEST_DISPOSITION}, {"x", SESSION_EXPIRES}, {"y", IDENTITY}
    };

    // Headers whose grammar is a comma-separated list (RFC 3261 7.3.1: only these may be combined on one line).
    private static final Set<String> LISTS = Set.of(
        ACCEPT, ACCEPT_CONTACT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, ALERT_INFO, ALLOW, ALLOW_EVENTS, CALL_INFO,
        CONTACT, CONTENT_ENCODING, CONTENT_LANGUAGE, ERROR_INFO, IN_REPLY_TO, PATH, PROXY_REQUIRE, REASON,
        RECORD_ROUTE, REJECT_CONTACT, REQUEST_DISPOSITION, REQUIRE, ROUTE, SERVICE_ROUTE, SUPPORTED, UNSUPPORTED,
        VIA, WARNING);

    // Lower-case spelling (full or compact) to canonical name.
    private static final Map<String, String> BY_LOWER = new HashMap<>();
    private static final String[] BY_LETTER = new String[128];
    // Open-addressing table of the full names keyed by a case-folded hash of their bytes, for the framer.
    private static final int TABLE_MASK = 255;
    private static final String[] TABLE = new String[TABLE_MASK + 1];
    // Per slot of TABLE: the name's folded hash and its bytes in lower case, so a probe compares ints then bytes.
    private static final int[] TABLE_HASH = new int[TABLE_MASK + 1];
    private static final byte[][] TABLE_LOWER = new byte[TABLE_MASK + 1][];
    // ... and its first eight lower-case bytes as one little-endian long (zero-padded), compared in one go.
    private static final long[] TABLE_WORD = new long[TABLE_MASK + 1];
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    // The constants themselves by String.hashCode (cached in the String): callers mostly pass a constant, and finding
    // it here by identity costs one array load, where the map costs a probe into a table that is seldom in cache.
    private static final int SELF_MASK = 511;
    private static final String[] SELF = new String[SELF_MASK + 1];

    static {
        for (String n : ALL) {
            int i = n.hashCode() & SELF_MASK;
            while (SELF[i] != null) {
                i = (i + 1) & SELF_MASK;
            }
            SELF[i] = n;
        }
        for (String n : ALL) {
            BY_LOWER.put(n.toLowerCase(Locale.ROOT), n);
            // The canonical spelling maps to itself, so looking up a constant needs no lower-casing.
            BY_LOWER.put(n, n);
        }
        for (String n : ALL) {
            int i = foldedHash(n) & TABLE_MASK;
            while (TABLE[i] != null) {
                i = (i + 1) & TABLE_MASK;
            }
            TABLE[i] = n;
            TABLE_HASH[i] = foldedHash(n);
            TABLE_LOWER[i] = n.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long w = 0;
            for (int k = Math.min(8, n.length()) - 1; k >= 0; k--) {
                w = w << 8 | TABLE_LOWER[i][k];
            }
            TABLE_WORD[i] = w;
        }
        for (String[] c : COMPACT) {
            BY_LOWER.put(c[0], c[1]);
            BY_LETTER[c[0].charAt(0)] = c[1];
            BY_LETTER[Character.toUpperCase(c[0].charAt(0))] = c[1];
        }
    }

    private HeaderName() {
    }

    /** The canonical full name for {@code name} (any case, full or compact form); {@code name} itself if unknown. */
    public static String canonical(String name) {
        if (isConstant(name)) {
            return name;
        }
        if (name.length() == 1) {
            char c = name.charAt(0);
            String n = c < 128 ? BY_LETTER[c] : null;
            return n != null ? n : name;
        }
        String n = BY_LOWER.get(name);
        if (n == null) {
            n = BY_LOWER.get(name.toLowerCase(Locale.ROOT));
        }
        return n != null ? n : name;
    }

    /** The compact form of a canonical name, or null if it has none. */
    public static String compactForm(String name) {
        String full = canonical(name);
        for (String[] c : COMPACT) {
            if (c[1].equals(full)) {
                return c[0];
            }
        }
        return null;
    }

    /** True if the header's grammar is a comma-separated list, so several values may share one line. */
    public static boolean isList(String name) {
        return LISTS.contains(canonical(name));
    }

    /** {@link #isList(String)} for a name already canonical. */
    static boolean isListCanonical(String canonical) {
        return LISTS.contains(canonical);
    }

    /** True if {@code canonical} is one of the constants (the framer stores exactly these for known headers). */
    static boolean isKnown(String canonical) {
        return isConstant(canonical);
    }

    /** True if {@code name} is one of the constants here, the very object (a probe or two, no equals). */
    private static boolean isConstant(String name) {
        for (int i = name.hashCode() & SELF_MASK; SELF[i] != null; i = (i + 1) & SELF_MASK) {
            if (SELF[i] == name) {
                return true;
            }
        }
        return false;
    }

    /** Canonical name of the header name in {@code b[from, to)}: a constant when known, else the bytes as a string. */
    static String canonical(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + (b[i] | 0x20);
        }
        return canonical(b, from, to, h);
    }

    /** {@link #canonical(byte[], int, int)} given the name's case-folded hash ({@code h = 31 * h + (byte | 0x20)}). */
    static String canonical(byte[] b, int from, int to, int foldedHash) {
        int len = to - from;
        if (len == 1) {
            int c = b[from];
            String n = c >= 0 ? BY_LETTER[c] : null;
            if (n != null) {
                return n;
            }
        } else {
            String n = knownByBytes(b, from, len, foldedHash);
            if (n != null) {
                return n;
            }
        }
        return new String(b, from, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String knownByBytes(byte[] b, int from, int len, int h) {
        int mixed = mix(h);
        for (int i = mixed & TABLE_MASK; TABLE[i] != null; i = (i + 1) & TABLE_MASK) {
            if (TABLE_HASH[i] == mixed && TABLE_LOWER[i].length == len && sameFolded(i, b, from, len)) {
                return TABLE[i];
            }
        }
        return null;
    }

    /**
     * True if the token {@code b[from, from + len)} is the name in slot {@code slot} ignoring case ({@code len} being
     * its length). The known names hold only letters and '-', and {@code c | 0x20} maps no other token character onto
     * a lower-case letter or '-', so one OR per byte (eight at a time for the first eight) is the whole
     * case-insensitive compare.
     */
    private static boolean sameFolded(int slot, byte[] b, int from, int len) {
        byte[] lower = TABLE_LOWER[slot];
        int i = 0;
        if (from + 8 <= b.length) {
            long x = (long) LONGS.get(b, from) | 0x2020202020202020L;
            if (len < 8) {
                x &= (1L << (len << 3)) - 1;
            }
            if (x != TABLE_WORD[slot]) {
                return false;
            }
            i = 8;
        }
        for (; i < len; i++) {
            if ((b[from + i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static int foldedHash(String n) {
        int h = 0;
        for (int i = 0; i < n.length(); i++) {
            h = 31 * h + (n.charAt(i) | 0x20);
        }
        return mix(h);
    }

    private static int mix(int h) {
        return h ^ (h >>> 8) ^ (h >>> 16);
    }

    static boolean same(String canonicalA, String canonicalB) {
        if (canonicalA == canonicalB) {
            return true;
        }
        if (canonicalA.length() != canonicalB.length()) {
            return false;
        }
        // Two different constants are two different headers (their names differ in more than case). Without this,
        // names of equal length (CSeq and From, Call-ID and Contact) went through a case-blind compare each time.
        return !(isConstant(canonicalA) && isConstant(canonicalB)) && canonicalA.equalsIgnoreCase(canonicalB);
    }
}
