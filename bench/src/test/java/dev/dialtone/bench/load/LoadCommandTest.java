package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadCommandTest {
    private static final long MB = 1 << 20;

    @Test
    void aSmallEdenForAHighRate_getsANoteAdvisingALargerHeap() {
        String note = LoadCommand.heapNote(20_000, 100 * MB, 600 * MB);
        assertTrue(note != null && note.contains("eden is 100 MB") && note.contains("-Xms2g -Xmn1g"), note);
    }

    @Test
    void aLargeEdenWithASmallOldGeneration_getsTheNoteToo() {
        // -Xmn1g alone: the old generation starts at a few MB and grows in full collections during the run.
        String note = LoadCommand.heapNote(20_000, 819 * MB, 6 * MB);
        assertTrue(note != null && note.contains("old generation 6 MB") && note.contains("-Xms2g"), note);
    }

    @Test
    void noNote_atModerateRates_withALargeEnoughHeap_orWhenTheCollectorSizesItAsItGoes() {
        assertNull(LoadCommand.heapNote(6_000, 100 * MB, 6 * MB));
        assertNull(LoadCommand.heapNote(26_000, 819 * MB, 1024 * MB));
        assertNull(LoadCommand.heapNote(26_000, 0, 0));
    }
}
