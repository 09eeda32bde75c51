package dev.dialtone.bench.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * The codec benchmark's work timed in thread CPU time rather than wall-clock time, the three libraries taking
 * turns on each message kind, round after round. On a shared machine whose other processes keep the cores busy,
 * wall-clock throughput mostly measures the scheduler; CPU time per operation does not (cache and sibling-thread
 * effects remain). A cross-check for {@link CodecBenchmark}, not a replacement: run
 * {@code java -cp bench/target/dialtone-bench.jar dev.dialtone.bench.codec.CodecCpuTime [rounds]}.
 */
public final class CodecCpuTime {
    private static final String[] LIBRARIES = {"dialtone", "jainSip", "pkts"};

    private CodecCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<String> kinds = Corpus.KINDS;
        double[][][] ns = new double[LIBRARIES.length][kinds.size()][rounds];
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            for (int l = 0; l < LIBRARIES.length; l++) {
                for (String kind : kinds) {
                    sink += run(l, Corpus.load(kind), l == 1 ? 4_000 : 20_000);
                }
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < kinds.size(); k++) {
                byte[] bytes = Corpus.load(kinds.get(k));
                for (int l = 0; l < LIBRARIES.length; l++) {
                    int n = l == 1 ? 4_000 : 20_000;
                    long start = mx.getCurrentThreadCpuTime();
                    sink += run(l, bytes, n);
                    ns[l][k][r] = (mx.getCurrentThreadCpuTime() - start) / (double) n;
                }
            }
        }
        System.out.printf("%-13s %12s %12s %12s %10s %10s%n", "kind", "dialtone ns", "jainSip ns", "pkts ns",
            "vs JAIN", "vs pkts");
        for (int k = 0; k < kinds.size(); k++) {
            double d = median(ns[0][k]);
            double j = median(ns[1][k]);
            double p = median(ns[2][k]);
            System.out.printf("%-13s %12.0f %12.0f %12.0f %9.1fx %9.1fx%n", kinds.get(k), d, j, p, j / d, p / d);
        }
        System.out.println("(checksum " + sink + ")");
    }

    // One loop per library, so that each is compiled with its own profile.
    private static long run(int library, byte[] bytes, int n) throws Exception {
        return switch (library) {
            case 0 -> dialtone(bytes, n);
            case 1 -> jainSip(bytes, n);
            default -> pkts(bytes, n);
        };
    }

    private static long dialtone(byte[] bytes, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += DialtoneCodec.work(bytes);
        }
        return acc;
    }

    private static long jainSip(byte[] bytes, int n) throws Exception {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += PeerCodecs.jainSip(bytes);
        }
        return acc;
    }

    private static long pkts(byte[] bytes, int n) throws Exception {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += PeerCodecs.pkts(bytes);
        }
        return acc;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
