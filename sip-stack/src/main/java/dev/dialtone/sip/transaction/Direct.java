package dev.dialtone.sip.transaction;

import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Columns of ints and longs in direct memory, for the lanes of ended transactions. A loaded stack keeps a lane's
 * entries for 64*T1, a million of them at 33,000 calls/s, in columns that double as the rate rises: as Java arrays
 * each doubling allocated a hundred megabytes at once, which a JVM on its default heap could only make room for
 * in full collections, and which young collections then copied into the old generation. In direct memory the
 * collector never sees them; a column outgrown is freed at once rather than when a full collection finds it.
 * A column is read and written at {@code index << shift}, in the platform's byte order.
 */
final class Direct {
    static final int INT = 2;
    static final int LONG = 3;

    private Direct() {
    }

    /** A zeroed column of {@code n} elements of {@code 1 << shift} bytes. */
    static ByteBuffer column(int n, int shift) {
        return ByteBuffer.allocateDirect(n << shift).order(ByteOrder.nativeOrder());
    }

    /**
     * Moves the {@code size} ring entries of {@code from} (of {@code length} elements) from {@code head} on to 0 up
     * of {@code to}, in at most two block copies.
     */
    static void moveRing(ByteBuffer from, ByteBuffer to, int shift, int length, int head, int size) {
        int first = Math.min(size, length - head);
        to.put(0, from, head << shift, first << shift);
        to.put(first << shift, from, 0, (size - first) << shift);
    }

    /** Gives the columns' memory back now (a null is skipped); nothing may read them afterwards. */
    static void free(ByteBuffer... columns) {
        for (ByteBuffer b : columns) {
            if (b != null) {
                PlatformDependent.freeDirectBuffer(b);
            }
        }
    }
}
