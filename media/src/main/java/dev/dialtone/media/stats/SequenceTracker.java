package dev.dialtone.media.stats;

/**
 * Extended sequence numbers, loss and reordering of one RTP source, after RFC 3550 Appendix A.1.
 *
 * <p>Probation is left out: the relay only counts packets from the source it latched to, so a
 * source is valid from its first packet. A jump of more than {@link #MAX_DROPOUT} is taken as a
 * restart of the sender once the next packet confirms it; counts from before the restart are kept.
 */
final class SequenceTracker {

    static final int RTP_SEQ_MOD = 1 << 16;
    /** RFC 3550 A.1: the largest forward jump still treated as loss rather than a restart. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: how far behind the highest sequence number a packet may be and count as late. */
    static final int MAX_MISORDER = 100;

    /** What one packet's sequence number meant. */
    enum Outcome { FIRST, IN_ORDER, OUT_OF_ORDER, BAD_JUMP, RESTART }

    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private int badSeq = RTP_SEQ_MOD + 1;
    private long received;
    private long outOfOrder;
    private long expectedPrior;
    private long receivedPrior;
    private long expectedBeforeRestart;
    private long receivedBeforeRestart;
    /** Packets found missing by the last in-order packet: the forward gap it closed. */
    private int lastGap;

    Outcome update(int seq) {
        lastGap = 0;
        if (!started) {
            started = true;
            init(seq);
            received++;
            return Outcome.FIRST;
        }
        int udelta = (seq - maxSeq) & 0xFFFF;
        Outcome outcome;
        if (udelta == 0) {
            outOfOrder++;
            outcome = Outcome.OUT_OF_ORDER;
        } else if (udelta < MAX_DROPOUT) {
            // RFC 3550 A.1: in order, possibly with a gap; a smaller number means the 16 bits wrapped
            if (seq < maxSeq) {
                cycles += RTP_SEQ_MOD;
            }
            lastGap = udelta - 1;
            maxSeq = seq;
            outcome = Outcome.IN_ORDER;
        } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
            // RFC 3550 A.1: a very large jump; believe it only when the next packet follows it
            if (seq != badSeq) {
                badSeq = (seq + 1) & 0xFFFF;
                return Outcome.BAD_JUMP;
            }
            expectedBeforeRestart += expectedThisEpoch();
            receivedBeforeRestart += received;
            init(seq);
            outcome = Outcome.RESTART;
        } else {
            outOfOrder++;
            outcome = Outcome.OUT_OF_ORDER;
        }
        received++;
        return outcome;
    }

    private void init(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        badSeq = RTP_SEQ_MOD + 1;
        received = 0;
    }

    private long expectedThisEpoch() {
        return started ? cycles + maxSeq - baseSeq + 1 : 0;
    }

    /** A new SSRC: its numbering starts afresh, the counts so far are kept. */
    void newSource() {
        if (started) {
            expectedBeforeRestart += expectedThisEpoch();
            receivedBeforeRestart += received;
        }
        started = false;
        received = 0;
    }

    int lastGap() {
        return lastGap;
    }

    long extendedHighestSeq() {
        return cycles + maxSeq;
    }

    long expected() {
        return expectedBeforeRestart + expectedThisEpoch();
    }

    long received() {
        return receivedBeforeRestart + received;
    }

    /** RFC 3550 A.3: expected minus received; duplicates can make it negative, which is reported as 0. */
    long lost() {
        return Math.max(0, expected() - received());
    }

    /**
     * RFC 3550 A.3: the fraction of packets lost since the previous call, in 1/256, 0 when none
     * were lost or duplicates outnumber losses.
     */
    int fractionLostSinceLastReport() {
        long expectedNow = expected();
        long receivedNow = received();
        long expectedInterval = expectedNow - expectedPrior;
        long lostInterval = expectedInterval - (receivedNow - receivedPrior);
        expectedPrior = expectedNow;
        receivedPrior = receivedNow;
        if (expectedInterval <= 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }

    /** RFC 3550 6.4.1: expected minus received, signed, clamped to 24 bits. */
    int cumulativeLost() {
        long lost = expected() - received();
        return (int) Math.max(-0x800000, Math.min(0x7FFFFF, lost));
    }

    long outOfOrder() {
        return outOfOrder;
    }
}
