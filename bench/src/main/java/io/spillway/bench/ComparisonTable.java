package io.spillway.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The side-by-side results: one row per workload metric, one column per {@link Contender} with the median of its
 * runs, and the ratios Spillway/Kafka. Rows keep the order in which they were first measured.
 */
final class ComparisonTable {

    /** What a row measures. {@code higherIsBetter} decides which side of 1 a ratio is "ahead". */
    record Metric(String workload, String name, String unit, boolean higherIsBetter, int decimals) {
    }

    /** The measured values of one row, and free-text notes per contender (e.g. where a broker fell over). */
    static final class Row {
        final Metric metric;
        final Map<Contender, List<Double>> values = new EnumMap<>(Contender.class);
        final Map<Contender, String> notes = new EnumMap<>(Contender.class);

        Row(Metric metric) {
            this.metric = metric;
        }

        Double median(Contender c) {
            List<Double> v = values.get(c);
            return v == null || v.isEmpty() ? null : median(v);
        }

        static double median(List<Double> v) {
            List<Double> s = new ArrayList<>(v);
            s.sort(null);
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }
    }

    private final List<Contender> contenders;
    private final Function<Contender, String> durability;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    /** A table whose column headers say what an acknowledgement means ({@link Contender#durability()}). */
    ComparisonTable(List<Contender> contenders) {
        this(contenders, Contender::durability);
    }

    /**
     * A table whose column headers carry {@code durability} of each contender, e.g.
     * {@link Contender#transactionDurability()} for rows where what a commit means matters more than an ack.
     */
    ComparisonTable(List<Contender> contenders, Function<Contender, String> durability) {
        this.contenders = List.copyOf(contenders);
        this.durability = durability;
    }

    synchronized void add(Metric m, Contender c, double value) {
        rows.computeIfAbsent(key(m), k -> new Row(m)).values.computeIfAbsent(c, k -> new ArrayList<>()).add(value);
    }

    synchronized void note(Metric m, Contender c, String note) {
        rows.computeIfAbsent(key(m), k -> new Row(m)).notes.put(c, note);
    }

    /** No row measured or noted yet (a table of workloads that were not run). */
    synchronized boolean isEmpty() {
        return rows.isEmpty();
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows.values());
    }

    synchronized Double median(Metric m, Contender c) {
        Row r = rows.get(key(m));
        return r == null ? null : r.median(c);
    }

    private static String key(Metric m) {
        return m.workload() + "\u0000" + m.name();
    }

    /** Column headers. */
    List<String> header() {
        List<String> h = new ArrayList<>(List.of("Workload", "Metric"));
        for (Contender c : contenders) {
            h.add(c.title() + " (" + durability.apply(c) + ")");
        }
        for (Contender c : contenders) {
            if (c.isKafka() && contenders.contains(Contender.SPILLWAY)) {
                h.add("Spillway/" + c.title());
            }
        }
        return h;
    }

    /** The cells of every row (medians, then ratios). */
    List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows()) {
            List<String> line = new ArrayList<>(List.of(r.metric.workload(), r.metric.name()
                    + (r.metric.unit().isEmpty() ? "" : " (" + r.metric.unit() + ")")
                    + (r.metric.higherIsBetter() ? "" : ", lower is better")));
            for (Contender c : contenders) {
                Double m = r.median(c);
                String note = r.notes.get(c);
                String cell = m == null ? "–" : format(m, r.metric.decimals());
                if (note != null) {
                    cell = m == null ? note : cell + " (" + note + ")";
                }
                line.add(cell);
            }
            for (Contender c : contenders) {
                if (c.isKafka() && contenders.contains(Contender.SPILLWAY)) {
                    line.add(ratio(r, c));
                }
            }
            out.add(line);
        }
        return out;
    }

    /** "1.42 ahead" / "0.80 behind" / "–". */
    static String ratio(Row r, Contender kafka) {
        Double s = r.median(Contender.SPILLWAY);
        Double k = r.median(kafka);
        if (s == null || k == null || k == 0) {
            return "–";
        }
        double ratio = s / k;
        boolean ahead = r.metric.higherIsBetter() ? ratio >= 1 : ratio <= 1;
        return String.format(Locale.ROOT, "%.2f %s", ratio, ahead ? "ahead" : "behind");
    }

    static String format(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A Markdown pipe table, padded so that it also reads well on a terminal. */
    String render() {
        List<List<String>> all = new ArrayList<>();
        all.add(header());
        all.addAll(cells());
        int cols = all.get(0).size();
        int[] width = new int[cols];
        for (List<String> row : all) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            List<String> row = all.get(i);
            sb.append('|');
            for (int c = 0; c < cols; c++) {
                String v = row.get(c);
                String pad = " ".repeat(width[c] - v.length());
                sb.append(' ').append(c < 2 || i == 0 ? v + pad : pad + v).append(" |");
            }
            sb.append('\n');
            if (i == 0) {
                sb.append('|');
                for (int c = 0; c < cols; c++) {
                    sb.append(' ').append(c < 2 ? "-".repeat(width[c]) : "-".repeat(width[c] - 1) + ":").append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Every run's value, per row and contender, in run order: "Spillway: 161.2, 158.0, 166.3". */
    String runs() {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows()) {
            sb.append("- ").append(r.metric.workload()).append(", ").append(r.metric.name()).append(": ");
            List<String> parts = new ArrayList<>();
            for (Contender c : contenders) {
                List<Double> v = r.values.get(c);
                if (v != null && !v.isEmpty()) {
                    List<String> f = new ArrayList<>();
                    v.forEach(x -> f.add(format(x, r.metric.decimals())));
                    parts.add(c.title() + " " + String.join(", ", f));
                }
            }
            sb.append(parts.isEmpty() ? "no completed run" : String.join("; ", parts)).append('\n');
        }
        return sb.toString();
    }
}
