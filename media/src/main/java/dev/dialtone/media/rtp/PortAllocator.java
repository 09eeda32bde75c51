package dev.dialtone.media.rtp;

/**
 * Hands out RTP/RTCP port pairs from a configured range: the RTP port even, RTCP the next odd
 * one (RFC 3550 11: "RTP SHOULD use an even destination port number and the corresponding RTCP
 * stream SHOULD use the next higher (odd) destination port number").
 *
 * <p>Free pairs wait in a FIFO ring, so allocate and release are O(1) and a just-released pair is
 * the last to be handed out again: late packets of an ended call do not reach the next one.
 * Thread-safe.
 */
public final class PortAllocator {

    private final int low;
    private final int high;
    private final int firstRtpPort;
    private final int[] free;
    private final boolean[] allocated;
    private int head;
    private int count;

    /**
     * @param low lowest port of the range (inclusive)
     * @param high highest port of the range (inclusive)
     * @throws IllegalArgumentException if the range holds no even/odd pair
     */
    public PortAllocator(int low, int high) {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
        this.low = low;
        this.high = high;
        firstRtpPort = (low + 1) & ~1;
        int pairs = firstRtpPort + 1 > high ? 0 : (high - firstRtpPort + 1) / 2;
        if (pairs == 0) {
            throw new IllegalArgumentException("port range " + low + "-" + high + " holds no RTP/RTCP pair");
        }
        free = new int[pairs];
        allocated = new boolean[pairs];
        for (int i = 0; i < pairs; i++) {
            free[i] = i;
        }
        count = pairs;
    }

    /** Parses {@code "LO-HI"}, the form of {@code --rtp-ports}. */
    public static PortAllocator parse(String range) {
        int dash = range.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("port range must be LO-HI: " + range);
        }
        try {
            return new PortAllocator(Integer.parseInt(range.substring(0, dash).trim()),
                    Integer.parseInt(range.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port range must be LO-HI: " + range, e);
        }
    }

    /** The RTP port of a free pair (RTCP is that plus one), or -1 when every pair is in use. */
    public synchronized int allocate() {
        if (count == 0) {
            return -1;
        }
        int index = free[head];
        head = (head + 1) % free.length;
        count--;
        allocated[index] = true;
        return firstRtpPort + 2 * index;
    }

    /**
     * Returns the pair whose RTP port is {@code rtpPort}.
     *
     * @throws IllegalArgumentException if that pair is not allocated: a double release is a bug
     */
    public synchronized void release(int rtpPort) {
        int offset = rtpPort - firstRtpPort;
        int index = offset / 2;
        if (offset < 0 || (offset & 1) != 0 || index >= allocated.length || !allocated[index]) {
            throw new IllegalArgumentException("port " + rtpPort + " is not an allocated RTP port");
        }
        allocated[index] = false;
        free[(head + count) % free.length] = index;
        count++;
    }

    /** Pairs currently allocated. */
    public synchronized int inUse() {
        return free.length - count;
    }

    public int low() {
        return low;
    }

    public int high() {
        return high;
    }

    /** Pairs in the range. */
    public int capacity() {
        return free.length;
    }
}
