package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadCommandTest {
    private static final long MB = 1 << 20;

    @Test
    void aSmallEdenForAHighRate_getsANoteAdvisingALargerYoungGeneration() {
        String note = LoadCommand.youngGenerationNote(20_000, 100 * MB);
        assertTrue(note != null && note.contains("eden is 100 MB") && note.contains("-Xmn1g"), note);
    }

    @Test
    void noNote_atModerateRates_withALargeEnoughEden_orWhenTheCollectorSizesItAsItGoes() {
        assertNull(LoadCommand.youngGenerationNote(6_000, 100 * MB));
        assertNull(LoadCommand.youngGenerationNote(26_000, 819 * MB));
        assertNull(LoadCommand.youngGenerationNote(26_000, 0));
    }
}
