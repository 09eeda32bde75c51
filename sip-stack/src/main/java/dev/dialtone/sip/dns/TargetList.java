package dev.dialtone.sip.dns;

import java.util.List;
import java.util.Optional;

/**
 * The ordered targets for one request, walked by failover (RFC 3263 4.3): a transport error, a timeout or a 503
 * on the current target moves to the next. Not thread-safe: it belongs to one transaction.
 */
public final class TargetList {
    private final List<Target> targets;
    private int index;

    TargetList(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    /** Every candidate, most preferred first. */
    public List<Target> targets() {
        return targets;
    }

    /** The target to use now; empty once every target has failed. */
    public Optional<Target> current() {
        return index < targets.size() ? Optional.of(targets.get(index)) : Optional.empty();
    }

    /** Marks the current target failed (transport error, timeout or 503) and returns the next one, if any. */
    public Optional<Target> failover() {
        if (index < targets.size()) {
            index++;
        }
        return current();
    }

    public boolean exhausted() {
        return index >= targets.size();
    }

    @Override
    public String toString() {
        return targets.toString();
    }
}
