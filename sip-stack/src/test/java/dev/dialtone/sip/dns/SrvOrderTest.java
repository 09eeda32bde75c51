package dev.dialtone.sip.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SrvOrderTest {
    private record Rr(String name, int priority, int weight) implements SrvOrder.Weighted {
    }

    /** A Random whose nextDouble returns the given values in turn. */
    private static Random draws(double... values) {
        return new Random() {
            private int i;

            @Override
            public double nextDouble() {
                return values[i++];
            }
        };
    }

    @Test
    void lowerPriorityAlwaysFirst() {
        List<Rr> in = List.of(new Rr("c", 30, 100), new Rr("a", 10, 1), new Rr("b", 20, 100));
        assertEquals(List.of("a", "b", "c"),
                SrvOrder.order(in, new Random(1)).stream().map(Rr::name).toList());
    }

    @Test
    void runningSumSelection_rfc2782() {
        // Weights 0, 30, 70 (zero-weight first): sum 100, a draw of 0.5 picks 50 -> running sums 0, 30, 100 -> "y70".
        List<Rr> in = List.of(new Rr("x30", 10, 30), new Rr("y70", 10, 70), new Rr("z0", 10, 0));
        assertEquals(List.of("y70", "x30", "z0"),
                SrvOrder.order(in, draws(0.5, 0.99, 0.0)).stream().map(Rr::name).toList());
        // A draw of 0.0 picks 0: the zero-weight record, placed first, wins.
        assertEquals(List.of("z0", "x30", "y70"),
                SrvOrder.order(in, draws(0.0, 0.0, 0.0)).stream().map(Rr::name).toList());
    }

    @Test
    void allZeroWeightsKeepEveryRecord() {
        List<Rr> in = List.of(new Rr("a", 0, 0), new Rr("b", 0, 0));
        assertEquals(2, SrvOrder.order(in, new Random(3)).size());
    }
}
