package dev.dialtone.sip.message;

import java.nio.charset.StandardCharsets;

/**
 * A fixed set of ASCII words (method names, option tags, parameter names) looked up by their bytes, exactly
 * (case-sensitive): the parser hands out the shared value of a common word instead of a new String. One probe
 * of a small open-addressing table keyed on length and first and last byte, then a byte compare: cheaper than
 * trying each word in turn, which the profile showed costing more than the rest of a token list's parsing.
 */
final class Interned<T> {

    private static final int MASK = 127;

    private final byte[][] keys = new byte[MASK + 1][];
    private final Object[] values = new Object[MASK + 1];

    Interned(String[] words, T[] values) {
        if (words.length != values.length || words.length > MASK / 2) {
            throw new IllegalArgumentException("bad table");
        }
        for (int w = 0; w < words.length; w++) {
            byte[] k = words[w].getBytes(StandardCharsets.US_ASCII);
            int i = slot(k, 0, k.length);
            while (keys[i] != null) {
                i = (i + 1) & MASK;
            }
            keys[i] = k;
            this.values[i] = values[w];
        }
    }

    /** A table whose values are the words themselves. */
    static Interned<String> of(String... words) {
        return new Interned<>(words, words);
    }

    private static int slot(byte[] b, int from, int to) {
        int h = (to - from) * 0x9E3779B1 ^ b[from] * 31 ^ b[to - 1] * 0x5BD1E995;
        return (h ^ h >>> 15) & MASK;
    }

    /** The value for the word {@code b[from, to)}, or null when it is not in the table (or empty). */
    @SuppressWarnings("unchecked")
    T get(byte[] b, int from, int to) {
        if (to <= from) {
            return null;
        }
        int n = to - from;
        for (int i = slot(b, from, to); ; i = (i + 1) & MASK) {
            byte[] k = keys[i];
            if (k == null) {
                return null;
            }
            if (k.length == n && same(k, b, from)) {
                return (T) values[i];
            }
        }
    }

    private static boolean same(byte[] k, byte[] b, int from) {
        for (int i = 0; i < k.length; i++) {
            if (k[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
