package dev.dialtone.bench.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTableTest {

    @Test
    void showsCounts_failuresByReason_latencyPercentiles_andTheVerdict() {
        String table = SummaryTable.render(Reports.sample());
        assertTrue(table.contains("answered"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("\\s+timeout\\s+2")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("\\s+486\\s+1")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("retransmitted requests\\s+12 \\(INVITE 5\\)")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("dropped on arrival\\s+0 \\(our receive buffer full\\)")), table);
        assertTrue(table.contains("0.500 % (limit 0.100 %) FAIL"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("setupTime") && l.split("\\s+").length == 8), table);
        assertTrue(table.contains("INVITE final responses: 200=597 486=1"), table);
        assertTrue(table.contains("RTP: 597 calls"), table);
    }
}
