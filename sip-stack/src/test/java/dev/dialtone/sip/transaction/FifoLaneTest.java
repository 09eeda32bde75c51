package dev.dialtone.sip.transaction;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FifoLaneTest {

    // A full ring of 8 whose head is at 5: the entries in order are at 5, 6, 7, 0, 1, 2, 3, 4.
    private static final int HEAD = 5;

    @Test
    void aWrappedRingOfEachKind_movesInOrderIntoTwiceItsLength() {
        ByteBuffer longs = longs(3, 4, 5, 6, 7, 0, 1, 2);
        assertArrayEquals(new long[]{0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0},
                longsOf(moved(longs, Direct.LONG, 8, HEAD, 8)));
        ByteBuffer ints = ints(3, 4, 5, 6, 7, 0, 1, 2);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0},
                intsOf(moved(ints, Direct.INT, 8, HEAD, 8)));
        String[] strings = {"d", "e", "f", "g", "h", "a", "b", "c"};
        String[] out = new String[16];
        FifoLane.moveRing(strings, out, 8, HEAD, 8);
        assertArrayEquals(new String[]{"a", "b", "c", "d", "e", "f", "g", "h", null, null, null, null, null, null,
                null, null}, out);
    }

    @Test
    void aRingThatDidNotWrap_movesAsItIs() {
        ByteBuffer ints = ints(1, 2, 3, 4);
        assertArrayEquals(new int[]{1, 2, 3, 4, 0, 0, 0, 0}, intsOf(moved(ints, Direct.INT, 4, 0, 4)));
    }

    @Test
    void aPartlyFilledWrappedRing_movesOnlyItsEntries() {
        // Ring of 8, head at 6, three entries: 6, 7, 0.
        ByteBuffer longs = longs(-3, 99, 99, 99, 99, 99, -1, -2);
        assertArrayEquals(new long[]{-1, -2, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                longsOf(moved(longs, Direct.LONG, 8, 6, 3)));
    }

    /** {@code a} (of {@code length}) moved into a column twice as long, as a ring that grows is. */
    private static ByteBuffer moved(ByteBuffer a, int shift, int length, int head, int size) {
        ByteBuffer to = Direct.column(length * 2, shift);
        Direct.moveRing(a, to, shift, length, head, size);
        return to;
    }

    @Test
    void sizesRoundUpToAPowerOfTwo() {
        assertEquals(1, FifoLane.powerOfTwoAtLeast(0));
        assertEquals(1, FifoLane.powerOfTwoAtLeast(1));
        assertEquals(1024, FifoLane.powerOfTwoAtLeast(1000));
        assertEquals(1024, FifoLane.powerOfTwoAtLeast(1024));
        assertEquals(2048, FifoLane.powerOfTwoAtLeast(1025));
    }

    private static ByteBuffer longs(long... values) {
        ByteBuffer b = Direct.column(values.length, Direct.LONG);
        for (int i = 0; i < values.length; i++) {
            b.putLong(i << Direct.LONG, values[i]);
        }
        return b;
    }

    private static ByteBuffer ints(int... values) {
        ByteBuffer b = Direct.column(values.length, Direct.INT);
        for (int i = 0; i < values.length; i++) {
            b.putInt(i << Direct.INT, values[i]);
        }
        return b;
    }

    private static long[] longsOf(ByteBuffer b) {
        long[] out = new long[b.capacity() >> Direct.LONG];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong(i << Direct.LONG);
        }
        return out;
    }

    private static int[] intsOf(ByteBuffer b) {
        int[] out = new int[b.capacity() >> Direct.INT];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(i << Direct.INT);
        }
        return out;
    }
}
