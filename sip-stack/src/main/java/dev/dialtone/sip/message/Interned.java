package dev.dialtone.sip.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A fixed set of ASCII words (method names, option tags, parameter names) looked up by their bytes, exactly
 * (case-sensitive): the parser hands out the shared value of a common word instead of a new String. A word's first
 * eight bytes, read as one long, pick a slot of a small open-addressing table and are compared there in one go;
 * only the bytes past the eighth of a longer word are compared one by one. Trying each word in turn cost more
 * than the rest of a token list's parsing.
 */
final class Interned<T> {

    private static final int MASK = 127;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int[] lengths = new int[MASK + 1];
    private final long[] heads = new long[MASK + 1];
    private final byte[][] keys = new byte[MASK + 1][];
    private final Object[] values = new Object[MASK + 1];

    Interned(String[] words, T[] values) {
        if (words.length != values.length || words.length > MASK / 2) {
            throw new IllegalArgumentException("bad table");
        }
        for (int w = 0; w < words.length; w++) {
            byte[] k = words[w].getBytes(StandardCharsets.US_ASCII);
            long head = head(k, 0, k.length);
            int i = slot(head, k.length);
            while (keys[i] != null) {
                i = (i + 1) & MASK;
            }
            lengths[i] = k.length;
            heads[i] = head;
            keys[i] = k;
            this.values[i] = values[w];
        }
    }

    /** A table whose values are the words themselves. */
    static Interned<String> of(String... words) {
        return new Interned<>(words, words);
    }

    /** The first (up to) eight bytes of {@code b[from, from + n)}, little-endian, zero-padded. */
    private static long head(byte[] b, int from, int n) {
        if (from + 8 <= b.length) {
            long x = (long) LONGS.get(b, from);
            return n >= 8 ? x : x & (1L << (n << 3)) - 1;
        }
        long x = 0;
        for (int i = Math.min(n, 8) - 1; i >= 0; i--) {
            x = x << 8 | b[from + i] & 0xFF;
        }
        return x;
    }

    private static int slot(long head, int n) {
        return ((int) ((head * 0x9E3779B97F4A7C15L) >>> 57) ^ n) & MASK;
    }

    /** The value for the word {@code b[from, to)}, or null when it is not in the table (or empty). */
    @SuppressWarnings("unchecked")
    T get(byte[] b, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return null;
        }
        long head = head(b, from, n);
        for (int i = slot(head, n); ; i = (i + 1) & MASK) {
            int len = lengths[i];
            if (len == 0) {
                return null;
            }
            if (len == n && heads[i] == head && (n <= 8 || sameTail(keys[i], b, from))) {
                return (T) values[i];
            }
        }
    }

    private static boolean sameTail(byte[] k, byte[] b, int from) {
        for (int i = 8; i < k.length; i++) {
            if (k[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
