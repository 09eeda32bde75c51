package dev.dialtone.sip.transaction;

/**
 * The RFC 3261 base timer values, in milliseconds. Every transaction timer (A to M) is derived from these three.
 *
 * @param t1 round-trip estimate (RFC 3261 default 500 ms)
 * @param t2 maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s)
 * @param t4 maximum time a message stays in the network (default 5 s)
 * @param d  the least Timer D on unreliable transports (RFC 3261 17.1.1.2: 32 s); lower only in tests
 * @param requestTimeout how long a client transaction waits for a final response: Timers B and F, 64*T1 unless
 *                       shortened (as Kamailio's fr_timer, or SIPp's -recv_timeout, are by those who need a
 *                       dead peer given up on sooner)
 */
public record TimerConfig(long t1, long t2, long t4, long d, long requestTimeout) {
    public static final TimerConfig DEFAULT = new TimerConfig(500, 4000, 5000);

    public TimerConfig {
        if (t1 <= 0 || t2 < t1 || t4 <= 0 || d < 0 || requestTimeout <= 0) {
            throw new IllegalArgumentException("need 0 < T1 <= T2, T4 > 0, D >= 0 and a request timeout > 0, got T1="
                    + t1 + " T2=" + t2 + " T4=" + t4 + " D=" + d + " request timeout=" + requestTimeout);
        }
    }

    /** Timers B and F at 64*T1. */
    public TimerConfig(long t1, long t2, long t4, long d) {
        this(t1, t2, t4, d, 64 * t1);
    }

    /** Timer D at the RFC's 32 s, Timers B and F at 64*T1. */
    public TimerConfig(long t1, long t2, long t4) {
        this(t1, t2, t4, 32_000);
    }

    /** The same timers, but a client transaction gives up on its final response after {@code millis}. */
    public TimerConfig withRequestTimeout(long millis) {
        return new TimerConfig(t1, t2, t4, d, millis);
    }

    /** 64*T1: Timers H, J, L and M (and B and F by default). */
    long timeout() {
        return 64 * t1;
    }
}
