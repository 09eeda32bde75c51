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
 * Dialtone's codec and the two peers. Run: see bench/RESULTS.md.
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

    private byte[] bytes;

    @Setup
    public void load() {
        bytes = Corpus.load(kind);
    }

    @Benchmark
    public long dialtone() {
        return DialtoneCodec.work(bytes);
    }

    @Benchmark
    public long jainSip() throws Exception {
        return PeerCodecs.jainSip(bytes);
    }

    @Benchmark
    public long pkts() throws Exception {
        return PeerCodecs.pkts(bytes);
    }
}
