package dev.dialtone.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

    @Test
    void pairsAreEvenRtpPorts_withinTheRange() {
        PortAllocator ports = new PortAllocator(20001, 20008);
        // 20002/20003, 20004/20005, 20006/20007: 20008 has no odd partner inside the range
        assertEquals(3, ports.capacity());
        assertEquals(20002, ports.allocate());
        assertEquals(20004, ports.allocate());
        assertEquals(20006, ports.allocate());
        assertEquals(-1, ports.allocate());
        assertEquals(3, ports.inUse());
    }

    @Test
    void releasedPair_goesToTheBackOfTheQueue() {
        PortAllocator ports = PortAllocator.parse("30000-30005");
        int first = ports.allocate();
        ports.release(first);
        assertEquals(30002, ports.allocate());
        assertEquals(30004, ports.allocate());
        assertEquals(first, ports.allocate());
        assertEquals(3, ports.inUse());
    }

    @Test
    void doubleOrForeignRelease_isRefused() {
        PortAllocator ports = new PortAllocator(20000, 20003);
        int port = ports.allocate();
        ports.release(port);
        assertThrows(IllegalArgumentException.class, () -> ports.release(port));
        assertThrows(IllegalArgumentException.class, () -> ports.release(20001));
        assertThrows(IllegalArgumentException.class, () -> ports.release(40000));
        assertEquals(0, ports.inUse());
    }

    @Test
    void badRanges_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(20001, 20001));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(30000, 20000));
        assertThrows(IllegalArgumentException.class, () -> PortAllocator.parse("20000"));
        assertThrows(IllegalArgumentException.class, () -> PortAllocator.parse("a-b"));
    }

    @Test
    void concurrentUse_neverHandsOutAPairTwice_andEndsEmpty() throws Exception {
        PortAllocator ports = new PortAllocator(20000, 29999);
        Set<Integer> held = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        Set<String> errors = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                Set<Integer> mine = new HashSet<>();
                for (int i = 0; i < 20_000; i++) {
                    int p = ports.allocate();
                    if (!held.add(p)) {
                        errors.add("handed out twice: " + p);
                    }
                    mine.add(p);
                    if (mine.size() > 50) {
                        int back = mine.iterator().next();
                        mine.remove(back);
                        held.remove(back);
                        ports.release(back);
                    }
                }
                for (int p : mine) {
                    held.remove(p);
                    ports.release(p);
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        pool.shutdown();
        assertEquals(Set.of(), errors);
        assertEquals(0, ports.inUse());
    }
}
