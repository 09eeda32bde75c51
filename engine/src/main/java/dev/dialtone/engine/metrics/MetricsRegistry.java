package dev.dialtone.engine.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Counters and gauges, with labels, rendered in the Prometheus text exposition format (version 0.0.4) for
 * {@code GET /metrics}. Components register their metrics once, keep the returned handle and update it from any
 * thread; updates are lock-free.
 *
 * <pre>{@code
 * Counter sipIn = metrics.counter("dialtone_sip_messages_in_total", "SIP messages received", "method");
 * sipIn.labels("INVITE").inc();
 * metrics.gauge("dialtone_calls_active", "Calls in progress", calls::size);
 * }</pre>
 */
public final class MetricsRegistry {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    /** A counter; by convention its name ends in {@code _total}. */
    public Counter counter(String name, String help, String... labelNames) {
        return (Counter) register(new Counter(name, help, labelNames));
    }

    /** A gauge the caller sets. */
    public Gauge gauge(String name, String help, String... labelNames) {
        return (Gauge) register(new Gauge(name, help, labelNames));
    }

    /**
     * A gauge read when scraped, e.g. a table's row count. The supplier runs on the scraping thread (never an event
     * loop); a supplier that throws leaves the sample out of that scrape.
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        register(new Callback(name, help, value));
    }

    private Family register(Family f) {
        Family existing = families.putIfAbsent(f.name, f);
        if (existing != null) {
            throw new IllegalArgumentException("metric already registered: " + f.name);
        }
        return f;
    }

    /** Every metric, sorted by name, in the text format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(1024);
        for (Family f : families.values()) {
            f.write(out);
        }
        return out.toString();
    }

    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private abstract static class Family {
        final String name;
        final String help;
        final String type;
        final String[] labelNames;

        Family(String name, String help, String type, String[] labelNames) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid metric name: " + name);
            }
            for (String l : labelNames) {
                if (!LABEL.matcher(l).matches() || l.startsWith("__")) {
                    throw new IllegalArgumentException("invalid label name: " + l);
                }
            }
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = labelNames.clone();
        }

        List<String> key(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labelNames)
                        + ", got " + Arrays.toString(values));
            }
            return List.of(values);
        }

        void write(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            writeSamples(out);
        }

        abstract void writeSamples(StringBuilder out);

        void sample(StringBuilder out, List<String> labelValues, double value) {
            out.append(name);
            if (!labelValues.isEmpty()) {
                out.append('{');
                for (int i = 0; i < labelNames.length; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(labelNames[i]).append("=\"").append(escapeLabel(labelValues.get(i))).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(format(value)).append('\n');
        }

        /** Children in a stable order, so that two scrapes differ only in values. */
        static <T> List<Map.Entry<List<String>, T>> sorted(Map<List<String>, T> children) {
            List<Map.Entry<List<String>, T>> entries = new ArrayList<>(children.entrySet());
            entries.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
            return entries;
        }
    }

    /** A monotonically increasing count, one child per combination of label values. */
    public static final class Counter extends Family {
        private final Map<List<String>, LongAdder> children = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, "counter", labelNames);
        }

        /** The child for these label values, in the order of the label names; keep it for hot paths. */
        public Child labels(String... values) {
            LongAdder adder = children.computeIfAbsent(key(values), k -> new LongAdder());
            return adder::add;
        }

        /** Shorthand for {@code labels(values).inc()}. */
        public void inc(String... values) {
            labels(values).inc();
        }

        @Override
        void writeSamples(StringBuilder out) {
            for (var e : sorted(children)) {
                sample(out, e.getKey(), e.getValue().sum());
            }
        }

        /** One labelled counter. */
        @FunctionalInterface
        public interface Child {
            void add(long n);

            default void inc() {
                add(1);
            }
        }
    }

    /** A value that goes up and down, one child per combination of label values. */
    public static final class Gauge extends Family {
        private final Map<List<String>, AtomicLong> children = new ConcurrentHashMap<>();

        Gauge(String name, String help, String[] labelNames) {
            super(name, help, "gauge", labelNames);
        }

        public Child labels(String... values) {
            return new Child(children.computeIfAbsent(key(values), k -> new AtomicLong(Double.doubleToLongBits(0))));
        }

        @Override
        void writeSamples(StringBuilder out) {
            for (var e : sorted(children)) {
                sample(out, e.getKey(), Double.longBitsToDouble(e.getValue().get()));
            }
        }

        /** One labelled gauge. */
        public static final class Child {
            private final AtomicLong bits;

            Child(AtomicLong bits) {
                this.bits = bits;
            }

            public void set(double v) {
                bits.set(Double.doubleToLongBits(v));
            }

            public void add(double delta) {
                bits.getAndUpdate(b -> Double.doubleToLongBits(Double.longBitsToDouble(b) + delta));
            }

            public void inc() {
                add(1);
            }

            public void dec() {
                add(-1);
            }

            public double get() {
                return Double.longBitsToDouble(bits.get());
            }
        }
    }

    private static final class Callback extends Family {
        private final DoubleSupplier value;

        Callback(String name, String help, DoubleSupplier value) {
            super(name, help, "gauge", new String[0]);
            this.value = value;
        }

        @Override
        void writeSamples(StringBuilder out) {
            double v;
            try {
                v = value.getAsDouble();
            } catch (RuntimeException e) {
                return;
            }
            sample(out, List.of(), v);
        }
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    // Text format: label values escape backslash, double quote and newline; HELP escapes backslash and newline.
    static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
