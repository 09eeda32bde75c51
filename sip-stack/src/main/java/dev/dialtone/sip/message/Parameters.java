package dev.dialtone.sip.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered list of {@code ;name=value} parameters (or URI {@code ?name=value} headers). Names compare
 * case-insensitively; a parameter without {@code =} has a null value. Values are kept as written (a quoted
 * string keeps its quotes, see {@link #unquoted(String)}), except in URIs, where escapes are decoded.
 */
public final class Parameters {

    public static final Parameters EMPTY = new Parameters(new String[0]);

    // Alternating names and values. A parameter list read by the fast path may leave values out (null) until they
    // are asked for: src then holds the message bytes and spans each value's [start, end) in them (start -1 for a
    // parameter without value), and the value String is made on first use. Two threads racing to make one store
    // equal Strings, so the lazy slots need no lock (as String.hashCode needs none).
    private final String[] pairs;
    private final byte[] src;
    private final int[] spans;

    private Parameters(String[] pairs) {
        this(pairs, null, null);
    }

    private Parameters(String[] pairs, byte[] src, int[] spans) {
        this.pairs = pairs;
        this.src = src;
        this.spans = spans;
    }

    /**
     * Takes ownership of {@code names} (names at even indexes, odd ones null) and {@code spans} (per pair the value's
     * start and end in {@code src}, start -1 for none): values are made from the ASCII bytes when first read. A
     * quoted value must hold no quoted-pair, so that its unquoted form is the text between the quotes.
     */
    static Parameters lazy(String[] names, byte[] src, int[] spans) {
        return names.length == 0 ? EMPTY : new Parameters(names, src, spans);
    }

    /** The value at index {@code k} of {@code pairs} (odd), made from the bytes if not yet done. */
    private String valueAt(int k) {
        String v = pairs[k];
        if (v == null && spans != null) {
            int start = spans[k - 1];
            if (start >= 0) {
                v = new String(src, start, spans[k] - start, java.nio.charset.StandardCharsets.ISO_8859_1);
                pairs[k] = v;
            }
        }
        return v;
    }

    /** {@code pairs} with every value made. */
    private String[] full() {
        if (spans != null) {
            for (int k = 1; k < pairs.length; k += 2) {
                valueAt(k);
            }
        }
        return pairs;
    }

    static Parameters ofPairs(List<String> pairs) {
        return pairs.isEmpty() ? EMPTY : new Parameters(pairs.toArray(new String[0]));
    }

    /** Takes ownership of {@code pairs} (alternating names and values). */
    static Parameters ofArray(String[] pairs) {
        return pairs.length == 0 ? EMPTY : new Parameters(pairs);
    }

    /** Parameters from alternating names and values (a null value for a flag). */
    public static Parameters of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        return namesAndValues.length == 0 ? EMPTY : new Parameters(namesAndValues.clone());
    }

    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int i) {
        return pairs[2 * i];
    }

    public String value(int i) {
        return valueAt(2 * i + 1);
    }

    /** True if a parameter called {@code name} is present (with or without a value). */
    public boolean has(String name) {
        return index(name) >= 0;
    }

    /** The value of {@code name}; null when absent or when present without a value. */
    public String get(String name) {
        int i = index(name);
        return i < 0 ? null : valueAt(i + 1);
    }

    /** The value of {@code name} with surrounding quotes removed and quoted-pairs decoded. */
    public String unquoted(String name) {
        int i = index(name);
        if (i < 0) {
            return null;
        }
        if (pairs[i + 1] == null && spans != null && spans[i] >= 0 && src[spans[i]] == '"') {
            // A lazy quoted value has no quoted-pair: the content is the text between the quotes, no raw String needed.
            return new String(src, spans[i] + 1, spans[i + 1] - spans[i] - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        String v = valueAt(i + 1);
        return v == null ? null : Grammar.unquote(v);
    }

    private int index(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            String n = pairs[i];
            if (n == name || n.equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A copy with {@code name} set to {@code value} (replacing it in place, or appended). */
    public Parameters with(String name, String value) {
        int i = index(name);
        String[] p;
        if (i >= 0) {
            p = full().clone();
            p[i + 1] = value;
        } else {
            p = Arrays.copyOf(full(), pairs.length + 2);
            p[pairs.length] = name;
            p[pairs.length + 1] = value;
        }
        return new Parameters(p);
    }

    /** A copy without {@code name}. */
    public Parameters without(String name) {
        int i = index(name);
        if (i < 0) {
            return this;
        }
        List<String> p = new ArrayList<>(Arrays.asList(full()));
        p.remove(i);
        p.remove(i);
        return ofPairs(p);
    }

    void appendTo(StringBuilder sb, char lead, char separator, boolean escape, boolean headers) {
        String[] pairs = full();
        for (int i = 0; i < pairs.length; i += 2) {
            sb.append(i == 0 ? lead : separator);
            append(sb, pairs[i], escape, headers);
            if (pairs[i + 1] != null) {
                sb.append('=');
                append(sb, pairs[i + 1], escape, headers);
            }
        }
    }

    private static void append(StringBuilder sb, String s, boolean escape, boolean headers) {
        if (escape) {
            Grammar.escape(sb, s, headers ? Grammar.Escaping.HEADER : Grammar.Escaping.PARAM);
        } else {
            sb.append(s);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && Arrays.equals(p.full(), full());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(full());
    }

    /** The {@code ;name=value} form. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb, ';', ';', false, false);
        return sb.toString();
    }
}
