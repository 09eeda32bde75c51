package dev.dialtone.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the branches of {@link HashMap} and {@link ConcurrentHashMap} that only a large table takes: a key whose hash
 * equals another's, a bin long enough to become a tree, a resize that splits chains. The transaction, dialog and call
 * tables of a caller that fell behind hold tens of thousands of entries, and these branches then run for the first
 * time. HotSpot keeps one branch profile per method, shared by every map in the process, and C2 compiles a branch
 * that profile never saw as a trap; the JDK's map methods are profiled during start-up, long before the call path
 * is compiled with them inlined. Measured in a ladder against SIPp's UAS (-XX:+LogCompilation): in the second the
 * calls in progress passed 12,000, a colliding key in {@code HashMap.getNode}, inlined in the transaction layer's
 * dispatch, sent that method back to the interpreter, and C2 took 1.43 s of the caller's one core to compile it
 * again (0.44 s and 0.45 s more for the next two such traps), while the backlog it was behind on grew.
 *
 * <p>Run before the warm-up's calls, so that what C2 compiles during them carries these branches. Strings made of
 * the blocks "Aa" and "BB" all have the same hash code.
 */
final class MapProfileSeed {
    /** Enough passes that each branch counts in the hundreds, far above C2's "never taken". */
    static final int PASSES = 400;
    /** Colliding keys per table: above the 8 at which a bin becomes a tree. */
    private static final int COLLIDING = 16;
    /** The table size the maps reach (the spread keys and one group of {@link #COLLIDING}). */
    private static final int TABLE = 256;

    private MapProfileSeed() {
    }

    /** Runs {@link #PASSES} passes; returns a checksum so that no pass can be skipped. */
    static long run() {
        List<String> colliding = colliding(COLLIDING);
        List<String> sameBin = sameBin(COLLIDING, TABLE);
        List<String> spread = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            spread.add("k" + i);
        }
        long sum = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            // Starting small, so the table resizes (and splits chains, then trees) as it grows.
            sum += exercise(new HashMap<>(), colliding, spread);
            sum += exercise(new ConcurrentHashMap<>(), colliding, spread);
            // A tree of keys with different hashes in one bin: its searches and its building go left and right.
            sum += exercise(new HashMap<>(), sameBin, spread);
            sum += exercise(new ConcurrentHashMap<>(), sameBin, spread);
        }
        return sum;
    }

    /**
     * {@code n} strings with distinct hash codes that fall in one bin of a table of {@code table} entries (a power of
     * two) in both maps, which index by the low bits of {@code h ^ (h >>> 16)}; hence also in every smaller table.
     */
    static List<String> sameBin(int n, int table) {
        List<String> out = new ArrayList<>();
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; out.size() < n; i++) {
            String k = "b" + i;
            int h = k.hashCode();
            if (((h ^ h >>> 16) & (table - 1)) == 0 && hashes.add(h)) {
                out.add(k);
            }
        }
        return out;
    }

    /** 2^bits distinct strings with one hash code (at least {@code n}). */
    static List<String> colliding(int n) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
        List<String> out = new ArrayList<>();
        for (int v = 0; v < 1 << bits; v++) {
            StringBuilder sb = new StringBuilder("c");
            for (int b = 0; b < bits; b++) {
                sb.append((v >> b & 1) == 0 ? "Aa" : "BB");
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Puts, finds and removes the group (all but its last key, which is looked for and is absent) among others. */
    private static long exercise(Map<String, Integer> map, List<String> group, List<String> spread) {
        long sum = 0;
        int n = group.size() - 1;
        String absent = group.get(n);
        // Two keys of one bin first: a chain of two in a small table (for the colliding group, the first node's hash
        // matches and its key does not).
        map.put(group.get(0), 0);
        map.put(group.get(1), 1);
        sum += map.get(group.get(1));
        sum += map.containsKey(absent) ? 0 : 1;
        for (int i = 0; i < spread.size(); i++) {
            map.put(spread.get(i), i);
        }
        // Now a table of 128 or more: the bin of these keys becomes a tree.
        for (int i = 2; i < n; i++) {
            map.put(group.get(i), i);
        }
        for (int i = 0; i < n; i++) {
            sum += map.get(group.get(i));
        }
        sum += map.containsKey(absent) ? 0 : 1;
        for (int i = 0; i < n; i += 2) {
            sum += map.remove(group.get(i));
        }
        for (String k : spread) {
            sum += map.remove(k);
        }
        // Back below six, the tree is a chain again.
        for (int i = 1; i < n; i += 2) {
            sum += map.remove(group.get(i));
        }
        return sum + map.size();
    }
}
