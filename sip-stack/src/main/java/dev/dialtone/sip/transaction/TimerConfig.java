package dev.dialtone.sip.transaction;

/**
 * The RFC 3261 base timer values, in milliseconds. Every transaction timer (A to M) is derived from these three.
 *
 * @param t1 round-trip estimate (RFC 3261 default 500 ms)
 * @param t2 maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s)
 * @param t4 maximum time a message stays in the network (default 5 s)
 */
public record TimerConfig(long t1, long t2, long t4) {
    public static final TimerConfig DEFAULT = new TimerConfig(500, 4000, 5000);

    public TimerConfig {
        if (t1 <= 0 || t2 < t1 || t4 <= 0) {
            throw new IllegalArgumentException("need 0 < T1 <= T2 and T4 > 0, got T1=" + t1 + " T2=" + t2 + " T4=" + t4);
        }
    }

    /** 64*T1: Timers B, F, H, J, L and M. */
    long timeout() {
        return 64 * t1;
    }
}
