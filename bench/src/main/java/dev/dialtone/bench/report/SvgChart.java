package dev.dialtone.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Inline SVG charts for the HTML report, drawn from scratch so the page needs nothing from the network. */
final class SvgChart {
    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 36;
    private static final int BOTTOM = 44;

    /** One line: its label, colour and points. */
    record Series(String name, String color, double[] x, double[] y) {
    }

    /** A single label on a custom x axis: position in data units and its text. */
    record Tick(double at, String label) {
    }

    private SvgChart() {
    }

    /** A line chart of one or more series sharing axes; y starts at zero. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series) {
        return lines(title, xLabel, yLabel, series, null);
    }

    static String lines(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        StringBuilder sb = open(title);
        if (xMin == Double.POSITIVE_INFINITY) {
            noData(sb);
            return close(sb);
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        double[] yTicks = niceTicks(yMax <= 0 ? 1 : yMax);
        double yTop = yTicks[yTicks.length - 1];
        Frame f = new Frame(xMin, xMax, 0, yTop);
        axes(sb, f, xLabel, yLabel, yTicks, xTicks != null ? xTicks : numericTicks(xMin, xMax));
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(s.color()).append("\" points=\"");
            for (int i = 0; i < s.x().length; i++) {
                sb.append(fmt(f.px(s.x()[i]))).append(',').append(fmt(f.py(s.y()[i]))).append(' ');
            }
            sb.append("\"/>\n");
            if (s.x().length == 1) {
                sb.append("<circle r=\"3\" fill=\"").append(s.color()).append("\" cx=\"").append(fmt(f.px(s.x()[0])))
                        .append("\" cy=\"").append(fmt(f.py(s.y()[0]))).append("\"/>\n");
            }
        }
        legend(sb, series.stream().map(Series::name).toList(), series.stream().map(Series::color).toList());
        return close(sb);
    }

    /** Horizontal bars, one per label, for counts such as failures by reason. */
    static String bars(String title, List<String> labels, List<Long> values) {
        int rowHeight = 26;
        int height = Math.max(HEIGHT / 2, TOP + BOTTOM + rowHeight * labels.size());
        StringBuilder sb = open(title, height);
        if (labels.isEmpty()) {
            noData(sb, "none", height);
            return close(sb);
        }
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        int labelWidth = 180;
        double span = WIDTH - labelWidth - RIGHT - 60;
        for (int i = 0; i < labels.size(); i++) {
            double y = TOP + i * rowHeight;
            double w = Math.max(1, span * values.get(i) / (double) max);
            sb.append("<text x=\"").append(labelWidth - 8).append("\" y=\"").append(fmt(y + 17))
                    .append("\" text-anchor=\"end\">").append(escape(labels.get(i))).append("</text>\n");
            sb.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(fmt(y + 4)).append("\" width=\"")
                    .append(fmt(w)).append("\" height=\"18\" fill=\"").append(PALETTE[1]).append("\"/>\n");
            sb.append("<text x=\"").append(fmt(labelWidth + w + 6)).append("\" y=\"").append(fmt(y + 17))
                    .append("\">").append(values.get(i)).append("</text>\n");
        }
        return close(sb);
    }

    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        double px(double x) {
            return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static StringBuilder open(String title) {
        return open(title, HEIGHT);
    }

    private static StringBuilder open(String title, int height) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\">\n");
        sb.append("<title>").append(escape(title)).append("</title>\n");
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        sb.append("<text class=\"t\" x=\"").append(LEFT).append("\" y=\"22\">").append(escape(title))
                .append("</text>\n");
        return sb;
    }

    private static String close(StringBuilder sb) {
        return sb.append("</svg>\n").toString();
    }

    private static void noData(StringBuilder sb) {
        noData(sb, "no data", HEIGHT);
    }

    private static void noData(StringBuilder sb, String text, int height) {
        sb.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(height / 2)
                .append("\" text-anchor=\"middle\" fill=\"#777\">").append(text).append("</text>\n");
    }

    private static void axes(StringBuilder sb, Frame f, String xLabel, String yLabel, double[] yTicks,
                             List<Tick> xTicks) {
        for (double t : yTicks) {
            double y = f.py(t);
            sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e0e0e0\"/>\n");
            sb.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">").append(label(t)).append("</text>\n");
        }
        for (Tick t : xTicks) {
            double x = f.px(t.at());
            sb.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM + 5)
                    .append("\" stroke=\"#333\"/>\n");
            sb.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">").append(escape(t.label())).append("</text>\n");
        }
        sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#333\"/>\n");
        sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#333\"/>\n");
        sb.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 6)
                .append("\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>\n");
        sb.append("<text transform=\"translate(14,").append((TOP + HEIGHT - BOTTOM) / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>\n");
    }

    private static void legend(StringBuilder sb, List<String> names, List<String> colors) {
        double x = WIDTH - RIGHT;
        for (int i = names.size() - 1; i >= 0; i--) {
            x -= 14 + 7.5 * names.get(i).length() + 16;
            sb.append("<rect x=\"").append(fmt(x)).append("\" y=\"12\" width=\"12\" height=\"12\" fill=\"")
                    .append(colors.get(i)).append("\"/>\n");
            sb.append("<text x=\"").append(fmt(x + 16)).append("\" y=\"22\">").append(escape(names.get(i)))
                    .append("</text>\n");
        }
    }

    /** Round tick values (1, 2, 5 times a power of ten) from zero to at least {@code max}. */
    static double[] niceTicks(double max) {
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] out = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            out[i] = i * step;
        }
        return out;
    }

    private static List<Tick> numericTicks(double min, double max) {
        double[] t = niceTicks(max - min);
        double step = t.length > 1 ? t[1] : 1;
        List<Tick> out = new ArrayList<>();
        for (double v = Math.ceil(min / step - 1e-9) * step; v <= max + 1e-9; v += step) {
            out.add(new Tick(v, label(v)));
        }
        return out;
    }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
