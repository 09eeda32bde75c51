package dev.dialtone.bench.codec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Parse, read every standard header and the URIs, serialize: the same work on the same bytes through
 * Dialtone's codec and the two peers. The library is a parameter rather than a method so that one run measures
 * the three on each message kind back to back, and load on a shared machine falls on all three alike.
 * Run: see bench/RESULTS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    @Param({"invite", "trying", "ringing", "ok-sdp", "ack", "bye", "register", "options", "unauthorized"})
    public String kind;

    @Param({"dialtone", "jainSip", "pkts"})
    public String library;

    private byte[] bytes;
    private Work work;

    /** One library's unit of work; each fork sees a single implementation, so the call site is monomorphic. */
    interface Work {
        long run(byte[] bytes) throws Exception;
    }

    @Setup
    public void load() {
        bytes = Corpus.load(kind);
        work = switch (library) {
            case "dialtone" -> DialtoneCodec::work;
            case "jainSip" -> PeerCodecs::jainSip;
            case "pkts" -> PeerCodecs::pkts;
            default -> throw new IllegalArgumentException("unknown library " + library);
        };
    }

    @Benchmark
    public long parseReadSerialize() throws Exception {
        return work.run(bytes);
    }
}
