package dev.dialtone.bench.probe;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** The document {@code probe} prints: {@code {"voice": {"sipMetrics": [...], "test": {...}}}} as in seeds/000. */
public record ProbeReport(Voice voice) {

    public record Voice(List<SipMetric> sipMetrics, Test test) {
    }

    /** The test's description, with the seed's names; what a one-shot command line cannot know is left out. */
    @JsonPropertyOrder(alphabetic = true)
    public record Test(String authUser, int interval, int inviteEnabled, String optionsRegex, int port,
                       String protocol, int registerEnabled, String server, String sipProxy, String sipRegistrar,
                       long sipTargetTime, long sipTimeLimit, String testName, String type, String user) {
    }

    /** Whether every round found the service available. */
    public boolean allAvailable() {
        return voice.sipMetrics().stream().allMatch(m -> m.availability() == 100.0);
    }
}
