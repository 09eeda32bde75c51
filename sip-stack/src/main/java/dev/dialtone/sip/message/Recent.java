package dev.dialtone.sip.message;

import java.util.Arrays;

/**
 * Immutable values the parser made lately (host and user strings, URIs), looked up by the bytes they were made
 * from, so that the same host or URI in every message of a call, and of every call from one peer, is one object
 * instead of a new one per header. A load generator keeps the parsed From, Contact and Via of each call it is
 * waiting on; at a young collection each copy is an object to move, and a few thousand calls waiting on a stalled
 * peer made the pause long enough to overflow the socket (bench/RESULTS.md, twenty-sixth part). A hit also skips
 * the parse.
 *
 * <p>Lossy and shared: a slot holds the last value whose bytes hashed to it, and a miss makes a new one. Threads
 * race on the slots without harm: an entry is immutable and published whole (its fields are final), so a reader
 * sees the old entry or the new one, and compares the bytes either way.
 */
final class Recent<T> {

    /** Makes the value of {@code b[from, to)}, or null when those bytes do not make one (then nothing is kept). */
    interface Maker<T> {
        T make(byte[] b, int from, int to);
    }

    private record Entry(byte[] key, Object value) {
    }

    private final Entry[] slots;
    private final int mask;
    private final int maxLength;
    private final Maker<T> maker;

    /**
     * {@code slots} a power of two; bytes longer than {@code maxLength} are made every time: such a value is rarely
     * repeated, and would only push out the ones that are.
     */
    Recent(int slots, int maxLength, Maker<T> maker) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two");
        }
        this.slots = new Entry[slots];
        this.mask = slots - 1;
        this.maxLength = maxLength;
        this.maker = maker;
    }

    /** The value of {@code b[from, to)}: the one made before for the same bytes when it is still here. */
    @SuppressWarnings("unchecked")
    T of(byte[] b, int from, int to) {
        int n = to - from;
        if (n <= 0 || n > maxLength) {
            return maker.make(b, from, to);
        }
        int h = n;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ h >>> 16) & mask;
        Entry e = slots[slot];
        if (e != null && Arrays.equals(e.key, 0, e.key.length, b, from, to)) {
            return (T) e.value;
        }
        T value = maker.make(b, from, to);
        if (value != null) {
            slots[slot] = new Entry(Arrays.copyOfRange(b, from, to), value);
        }
        return value;
    }
}
