package dev.dialtone.media.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MosTest {

    @Test
    void curve_clampsToOneAndFourPointFive() {
        assertEquals(4.5, Mos.fromR(100), 1e-12);
        assertEquals(4.5, Mos.fromR(120), 1e-12);
        assertEquals(1.0, Mos.fromR(-5), 1e-12);
        // R = 50: 1 + 1.75 + 7e-6 * 50 * -10 * 50 = 2.575
        assertEquals(2.575, Mos.fromR(50), 1e-12);
    }

    @Test
    void eModel_steepensAbove160msLatency() {
        // latency 150 + 0 + 10 = 160 -> second branch: 93.2 - 40/10 = 89.2
        assertEquals(89.2, Mos.eModelR(150, 0, 0), 1e-12);
        // latency 100 + 2*20 + 10 = 150 -> 93.2 - 3.75 = 89.45, minus 2.5 * 2 = 84.45
        assertEquals(84.45, Mos.eModelR(100, 20, 2), 1e-12);
    }

    @Test
    void lossBased_withNoPacketsRates100() {
        assertEquals(100, Mos.lossBasedR(0, 0), 1e-12);
        assertEquals(0, Mos.lossBasedR(10, 30), 1e-12);
    }
}
