package io.spillway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results table and the Markdown section written to {@code docs/benchmarks.md}. Each target's
 * section sits between {@code <!-- spillway-bench:results:NAME:begin -->} and {@code ...:end -->}
 * markers; a new run replaces the section of the same name and leaves the rest of the file alone, so
 * hand-written text and other targets' results (e.g. Apache Kafka) survive.
 */
public final class BenchReport {

    /** One row of the table. Latencies are null for workloads without them. */
    record Row(String workload, long records, double recordsPerSec, double mibPerSec, Double p50Ms, Double p99Ms,
               Double p999Ms) {

        static Row of(String workload, ProducePerf.Result r) {
            LatencyHistogram l = r.latency();
            return new Row(workload, r.records(), r.recordsPerSec(), r.mibPerSec(), l.percentileMillis(0.50),
                    l.percentileMillis(0.99), l.percentileMillis(0.999));
        }

        static Row of(String workload, ConsumePerf.Result r) {
            return new Row(workload, r.records(), r.recordsPerSec(), r.mibPerSec(), null, null, null);
        }
    }

    private BenchReport() {
    }

    /** A Markdown table (also readable as plain text on a console). */
    static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"Workload", "Records", "Records/s", "MiB/s", "p50 ms", "p99 ms", "p99.9 ms"});
        for (Row r : rows) {
            cells.add(new String[] {r.workload(), String.format(Locale.ROOT, "%,d", r.records()),
                    String.format(Locale.ROOT, "%,.0f", r.recordsPerSec()), String.format(Locale.ROOT, "%.1f", r.mibPerSec()),
                    ms(r.p50Ms()), ms(r.p99Ms()), ms(r.p999Ms())});
        }
        int cols = cells.get(0).length;
        int[] width = new int[cols];
        for (String[] row : cells) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line(sb, cells.get(i), width);
            if (i == 0) {
                String[] sep = new String[cols];
                for (int c = 0; c < cols; c++) {
                    sep[c] = (c == 0 ? "-" : "") + "-".repeat(Math.max(1, width[c] - 2)) + (c == 0 ? "-" : ":");
                }
                line(sb, sep, width);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] row, int[] width) {
        sb.append('|');
        for (int c = 0; c < row.length; c++) {
            String v = row[c];
            String pad = " ".repeat(width[c] - v.length());
            sb.append(' ').append(c == 0 ? v + pad : pad + v).append(" |");
        }
        sb.append('\n');
    }

    private static String ms(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** "key: value" bullet lines. */
    /** "- key: value" lines; values are {@link #portable} so a committed report names no path of this machine. */
    public static String bullets(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(portable(v)).append('\n'));
        return sb.toString();
    }

    /** The JDK's directory written as {@code $JAVA_HOME}, the temporary directory as {@code $TMPDIR}. */
    static String portable(String value) {
        if (value == null) {
            return null;
        }
        String out = value.replace(System.getProperty("java.home"), "$JAVA_HOME");
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null && tmp.length() > 1) {
            String dir = tmp.endsWith("/") ? tmp : tmp + "/";
            out = out.replace(dir, "$TMPDIR/");
        }
        return out;
    }

    static String beginMarker(String name) {
        return "<!-- spillway-bench:results:" + name + ":begin -->";
    }

    static String endMarker(String name) {
        return "<!-- spillway-bench:results:" + name + ":end -->";
    }

    /**
     * Writes {@code body} as the section {@code name} of {@code file}: replaces an existing section of that
     * name, otherwise appends it (creating the file with a title if needed).
     */
    public static void writeSection(Path file, String name, String body) throws IOException {
        writeSection(file, name, body, "# Benchmarks\n");
    }

    /** {@link #writeSection(Path, String, String)} with the text a new file starts with. */
    public static void writeSection(Path file, String name, String body, String newFileHeader) throws IOException {
        String section = beginMarker(name) + "\n" + body.stripTrailing() + "\n" + endMarker(name) + "\n";
        String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : newFileHeader;
        String updated = replaceSection(content, name, section);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    static String replaceSection(String content, String name, String section) {
        int begin = content.indexOf(beginMarker(name));
        int end = content.indexOf(endMarker(name));
        if (begin >= 0 && end > begin) {
            int after = end + endMarker(name).length();
            if (after < content.length() && content.charAt(after) == '\n') {
                after++;
            }
            return content.substring(0, begin) + section + content.substring(after);
        }
        String base = content.endsWith("\n") ? content : content + "\n";
        return base + "\n" + section;
    }
}
