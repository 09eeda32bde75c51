package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport.Sample;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live status: on a terminal one line redrawn in place each second with {@code \r}; elsewhere (CI, a pipe)
 * the same line printed as a plain line.
 */
final class Progress implements Consumer<OpenLoopGenerator.Status> {
    private static final int MAX_REASONS = 3;
    private final PrintStream out;
    private final boolean terminal;
    private int lastLength;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void accept(OpenLoopGenerator.Status status) {
        String line = line(status);
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the redrawn line so that what follows starts on a fresh one. */
    synchronized void finish() {
        if (terminal && lastLength > 0) {
            out.println();
            lastLength = 0;
        }
    }

    static String line(OpenLoopGenerator.Status status) {
        Sample s = status.sample();
        StringBuilder sb = new StringBuilder(160);
        sb.append(String.format(Locale.ROOT, "%6.1fs started %d answered %d failed %d", s.t(), s.started(),
                s.answered(), s.failed()));
        if (!status.failures().isEmpty()) {
            // The three most frequent reasons keep the line short enough to redraw in place.
            sb.append(" (");
            int shown = 0;
            for (Map.Entry<String, Long> e : status.failures().entrySet()) {
                if (shown == MAX_REASONS) {
                    sb.append(", +").append(status.failures().size() - MAX_REASONS).append(" more");
                    break;
                }
                sb.append(shown == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
                shown++;
            }
            sb.append(')');
        }
        sb.append(String.format(Locale.ROOT, " rate %.1f/%.1f cps concurrent %d", s.actualRate(), s.targetRate(),
                s.concurrent()));
        if (s.queued() > 0) {
            sb.append(" waiting ").append(s.queued());
        }
        // Shown once there are any: sent again means a lost message or a slow target, dropped means our own socket
        // overflowed (the target answered and we did not read it).
        if (s.retransmitted() != null && s.retransmitted() > 0) {
            sb.append(" retransmitted ").append(s.retransmitted());
        }
        if (s.dropped() != null && s.dropped() > 0) {
            sb.append(" dropped ").append(s.dropped());
        }
        sb.append(String.format(Locale.ROOT, " setup p50 %.2f p99 %.2f ms", status.setupP50(), status.setupP99()));
        return sb.toString();
    }
}
