package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapProfileSeedTest {

    @Test
    void collidingKeys_areDistinctStringsWithOneHashCode() {
        List<String> keys = MapProfileSeed.colliding(16);
        assertTrue(keys.size() >= 16, "at least 16 keys: " + keys.size());
        assertEquals(keys.size(), new HashSet<>(keys).size(), "all distinct");
        int hash = keys.get(0).hashCode();
        assertTrue(keys.stream().allMatch(k -> k.hashCode() == hash), "one hash code: " + keys);
    }

    @Test
    void sameBinKeys_haveDistinctHashesAndOneBinIndex() {
        List<String> keys = MapProfileSeed.sameBin(16, 256);
        assertEquals(16, keys.size());
        assertEquals(16, keys.stream().map(String::hashCode).distinct().count(), "distinct hash codes");
        for (String k : keys) {
            int h = k.hashCode();
            assertEquals(0, (h ^ h >>> 16) & 255, k + " in bin 0");
        }
    }

    @Test
    void run_leavesEveryTableEmptyAndGivesTheSameSumEachTime() {
        // Each pass ends with the map emptied, so the sum is the same for every pass and every run.
        long first = MapProfileSeed.run();
        assertEquals(first, MapProfileSeed.run());
        assertEquals(0, first % MapProfileSeed.PASSES, "equal passes: " + first);
    }
}
