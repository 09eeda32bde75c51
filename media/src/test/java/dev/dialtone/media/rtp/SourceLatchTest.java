package dev.dialtone.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SourceLatchTest {

    private static final long SECOND = 1_000_000_000L;
    private final InetSocketAddress phone = new InetSocketAddress("192.0.2.10", 40000);
    private final InetSocketAddress intruder = new InetSocketAddress("198.51.100.7", 5004);
    private final SourceLatch latch = new SourceLatch(2 * SECOND);

    @Test
    void firstSource_isLatched_othersDroppedWhileItSpeaks() {
        assertEquals(SourceLatch.Verdict.LATCHED, latch.offer(phone, 0));
        assertEquals(SourceLatch.Verdict.DROPPED, latch.offer(intruder, SECOND));
        assertEquals(SourceLatch.Verdict.ACCEPTED, latch.offer(phone, SECOND + 1));
        assertEquals(SourceLatch.Verdict.DROPPED, latch.offer(intruder, 3 * SECOND));
        assertEquals(phone, latch.source());
    }

    @Test
    void anotherSource_takesOver_afterTheLatchedOneFellSilent() {
        latch.offer(phone, 0);
        assertEquals(SourceLatch.Verdict.DROPPED, latch.offer(intruder, 2 * SECOND - 1));
        assertEquals(SourceLatch.Verdict.RELATCHED, latch.offer(intruder, 2 * SECOND));
        assertEquals(intruder, latch.source());
        assertEquals(SourceLatch.Verdict.DROPPED, latch.offer(phone, 2 * SECOND + 1));
    }

    @Test
    void reset_latchesAnew() {
        latch.offer(phone, 0);
        latch.reset();
        assertEquals(SourceLatch.Verdict.LATCHED, latch.offer(intruder, 1));
    }

    @Test
    void admits_doesNotLatch() {
        assertEquals(true, latch.admits(intruder, 0));
        assertEquals(null, latch.source());
        latch.offer(phone, 0);
        assertEquals(false, latch.admits(intruder, SECOND));
        assertEquals(true, latch.admits(intruder, 2 * SECOND));
        assertEquals(phone, latch.source());
    }
}
