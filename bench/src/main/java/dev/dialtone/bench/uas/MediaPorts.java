package dev.dialtone.bench.uas;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The even media ports of a range (RFC 3550 11: RTP on an even port, RTCP on the next), handed out least recently
 * used first so a port is not reused while late packets of its previous call may still arrive. Thread-safe.
 */
final class MediaPorts {
    private final ArrayBlockingQueue<Integer> free;
    private final int first;

    MediaPorts(int min, int max) {
        first = min + (min & 1);
        int count = (max - first) / 2 + 1;
        free = new ArrayBlockingQueue<>(count);
        for (int p = first; p <= max; p += 2) {
            free.add(p);
        }
    }

    /** The one port every call answers with when nothing is bound to it (no echo): never taken nor released. */
    int shared() {
        return first;
    }

    /** A free port, or -1 when every port is in use. */
    int take() {
        Integer p = free.poll();
        return p == null ? -1 : p;
    }

    void release(int port) {
        if (port > 0) {
            free.offer(port);
        }
    }

    int available() {
        return free.size();
    }
}
