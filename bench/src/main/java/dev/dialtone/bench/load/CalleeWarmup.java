package dev.dialtone.bench.load;

import dev.dialtone.sip.transport.Transport;

import java.io.IOException;

/**
 * Warms a callee running in this process (the {@code uas} command) by calling it through its own socket with
 * {@code load}'s caller, so that the JIT has compiled the callee's paths before the first real call. A cold {@code uas}
 * hit by SIPp's UAC at 8,000 or 12,000 calls/s from its first second answered late for its first 5-10 s, and SIPp
 * failed 2-9 % of the calls (bench/RESULTS.md, sixteenth part).
 */
public final class CalleeWarmup {
    /**
     * What the warm-up did: calls placed and answered, its length, and whether the JIT was quiet at its end (null
     * when it placed a fixed number of calls without watching the JIT).
     */
    public record Outcome(long calls, long answered, double seconds, Boolean jitQuiet) {
    }

    private CalleeWarmup() {
    }

    /**
     * Places at least {@code calls} calls with no hold to {@code host:port}, on until the JIT has been quiet for
     * two seconds or {@code maxSeconds} have passed; with {@code maxSeconds} 0, exactly {@code calls}. Answers
     * digest challenges with {@code authUser} and {@code authPassword} when given; over TLS accepts the callee's
     * certificate, which is its own.
     */
    public static Outcome run(String host, int port, Transport transport, String authUser, String authPassword,
                              long calls, double maxSeconds) throws IOException, InterruptedException {
        LoadConfig config = LoadConfig.builder(host, port).transport(transport).localHost(host)
                .auth(authUser, authPassword).tlsInsecure(true).threads(1).build();
        long t0 = System.nanoTime();
        try (SipCallDriver driver = SipCallDriver.open(config)) {
            Warmup.Settle settle = maxSeconds > 0 ? new Warmup.Settle(calls, maxSeconds, Warmup.Settle.jit()) : null;
            Warmup.Result r = Warmup.onTarget((int) Math.min(calls, Integer.MAX_VALUE), Warmup.RATE, 0, settle, driver,
                    null);
            return new Outcome(r.calls(), r.answered(), (System.nanoTime() - t0) / 1e9, r.settled());
        }
    }
}
