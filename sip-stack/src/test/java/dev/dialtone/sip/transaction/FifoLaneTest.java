package dev.dialtone.sip.transaction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FifoLaneTest {

    // A full ring of 8 whose head is at 5: the entries in order are at 5, 6, 7, 0, 1, 2, 3, 4.
    private static final int HEAD = 5;

    @Test
    void aWrappedRingOfEachKind_unrollsInOrderIntoTwiceItsLength() {
        long[] longs = {3, 4, 5, 6, 7, 0, 1, 2};
        assertArrayEquals(new long[]{0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0},
                FifoLane.unrolled(longs, HEAD, 8));
        int[] ints = {3, 4, 5, 6, 7, 0, 1, 2};
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0},
                FifoLane.unrolled(ints, HEAD, 8));
        String[] strings = {"d", "e", "f", "g", "h", "a", "b", "c"};
        String[] out = FifoLane.unrolled(strings, HEAD, 8);
        assertArrayEquals(new String[]{"a", "b", "c", "d", "e", "f", "g", "h", null, null, null, null, null, null,
                null, null}, out);
    }

    @Test
    void aRingThatDidNotWrap_unrollsAsItIs() {
        int[] ints = {1, 2, 3, 4};
        assertArrayEquals(new int[]{1, 2, 3, 4, 0, 0, 0, 0}, FifoLane.unrolled(ints, 0, 4));
    }
}
