package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateScheduleTest {

    private static List<long[]> walk(RateSchedule s) {
        List<long[]> out = new ArrayList<>();
        RateSchedule.Cursor c = s.cursor();
        while (c.hasNext() && out.size() < 10_000) {
            out.add(new long[] {c.offset(), c.step()});
            c.advance();
        }
        return out;
    }

    @Test
    void ofCalls_isExactlyNCallsOneIntervalApart() {
        List<long[]> starts = walk(RateSchedule.ofCalls(3, 4));
        assertEquals(4, starts.size());
        assertEquals(0, starts.get(0)[0]);
        assertEquals(333_333_333, starts.get(1)[0]);
        assertEquals(666_666_667, starts.get(2)[0]);
        assertEquals(1_000_000_000, starts.get(3)[0]);
    }

    @Test
    void offsets_doNotDrift_overManyCalls() {
        List<long[]> starts = walk(RateSchedule.ofCalls(7, 7001));
        assertEquals(1_000_000_000_000L, starts.get(7000)[0]);
    }

    @Test
    void ofDuration_endsBeforeTheDuration() {
        List<long[]> starts = walk(RateSchedule.ofDuration(10, 2));
        assertEquals(20, starts.size());
        assertEquals(1_900_000_000, starts.get(19)[0]);
    }

    @Test
    void ramp_stepsUpTheRate_eachStepFromItsOwnStart() {
        RateSchedule s = RateSchedule.ramp(2, 2, 6, 1.5);
        assertEquals(3, s.steps().size());
        List<long[]> starts = walk(s);
        // 1.5 s at 2, 4 and 6 cps: 3, 6 and 9 calls.
        assertEquals(18, starts.size());
        assertEquals(1, starts.get(3)[1]);
        assertEquals(1_500_000_000, starts.get(3)[0]);
        assertEquals(1_750_000_000, starts.get(4)[0]);
        assertEquals(2, starts.get(9)[1]);
        assertEquals(3_000_000_000L, starts.get(9)[0]);
    }

    @Test
    void easedIn_doublesTheRateEachSecondUpToTheRate_andPlacesExactlyNCalls() {
        RateSchedule.Cursor c = RateSchedule.easedIn(1600, 3000).cursor();
        long[] perSecond = new long[8];
        long n = 0;
        long last = -1;
        while (c.hasNext()) {
            assertTrue(c.offset() >= last, "offsets never go back");
            last = c.offset();
            perSecond[(int) (c.offset() / 1_000_000_000L)]++;
            n++;
            c.advance();
        }
        assertEquals(3000, n);
        assertArrayEquals(new long[] {100, 200, 400, 800, 1500, 0, 0, 0}, perSecond);
    }

    @Test
    void stop_endsTheSchedule() {
        RateSchedule.Cursor c = RateSchedule.ofCalls(10, 100).cursor();
        c.advance();
        c.stop();
        assertEquals(false, c.hasNext());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.ofCalls(0, 10));
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.ofCalls(10, 0));
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.ramp(10, 5, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.ofDuration(Double.NaN, 1));
    }
}
