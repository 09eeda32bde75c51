package dev.dialtone.sip.dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** RFC 2782 target selection: lowest priority first, weighted random order within a priority. */
final class SrvOrder {
    private SrvOrder() {
    }

    interface Weighted {
        int priority();

        int weight();
    }

    static <T extends Weighted> List<T> order(List<T> records, Random random) {
        List<T> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(Weighted::priority));
        List<T> out = new ArrayList<>(records.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).priority() == sorted.get(i).priority()) {
                j++;
            }
            weighted(new ArrayList<>(sorted.subList(i, j)), random, out);
            i = j;
        }
        return out;
    }

    // RFC 2782: put weight-0 records first, sum weights, pick a uniform number in [0, sum], take the first record
    // whose running sum reaches it, remove it, repeat. Zero-weight records thus have a small chance when others exist.
    private static <T extends Weighted> void weighted(List<T> group, Random random, List<T> out) {
        group.sort(Comparator.comparingInt(r -> r.weight() == 0 ? 0 : 1));
        while (!group.isEmpty()) {
            long sum = 0;
            for (T r : group) {
                sum += r.weight();
            }
            long pick = sum == 0 ? 0 : (long) (random.nextDouble() * (sum + 1));
            long running = 0;
            int chosen = group.size() - 1;
            for (int k = 0; k < group.size(); k++) {
                running += group.get(k).weight();
                if (running >= pick) {
                    chosen = k;
                    break;
                }
            }
            out.add(group.remove(chosen));
        }
    }
}
