package io.spillway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a broker's log cleaner reported about its work, read from the broker's log, in one common measure: bytes the
 * cleaner read (the pass that maps the dirty part's keys plus the pass that filters the log from its start through
 * the dirty part) over the time its passes took.
 *
 * <p>The brokers log different things, so each is turned into that measure:
 * <ul>
 *   <li>Spillway logs one INFO line per pass over all due partitions, "Compacted N partitions: read X bytes, wrote Y
 *   bytes, removed Z records in T ms (M MB/s)", where X already counts both passes and M is X / 10^6 per second.</li>
 *   <li>Kafka logs one block per log it cleaned ("Log cleaner thread 0 cleaned log T-0 (dirty section = [a, b])", then
 *   "X MB of log processed in S seconds (R MB/sec)", "Indexed I MB in ...", "Start size", "End size"), with MB meaning
 *   MiB, to one decimal. Its X and R count only the filtering pass; the key-map pass is "Indexed I MB". The bytes read
 *   are therefore X + I, over X / R seconds (R is computed from the unrounded figures, so it gives the time more
 *   precisely than S, which is rounded to 0.1 s).</li>
 * </ul>
 * What they wrote differs in meaning: Kafka copies every record it keeps into new segments ("End size"), Spillway
 * writes copies only of the batches that lost records and leaves the others where they are.
 */
final class CleanerLog {

    /**
     * One cleaning as the broker logged it: one Spillway pass, or one Kafka log cleaned. {@code bytesFiltered}: the
     * filtering pass's share of {@code bytesRead} where the broker logs it (Kafka), else -1.
     */
    record Pass(long bytesRead, long bytesFiltered, long bytesWritten, long recordsRemoved, double seconds, String logged) {
    }

    /** All passes of a run, added up. */
    record Totals(int passes, long bytesRead, long bytesFiltered, long bytesWritten, long recordsRemoved, double seconds,
                  String lastLogged) {
        static Totals of(List<Pass> passes) {
            long read = 0;
            long filtered = 0;
            long written = 0;
            long removed = 0;
            double secs = 0;
            for (Pass p : passes) {
                read += p.bytesRead();
                filtered = filtered < 0 || p.bytesFiltered() < 0 ? -1 : filtered + p.bytesFiltered();
                written += p.bytesWritten();
                removed += p.recordsRemoved();
                secs += p.seconds();
            }
            return new Totals(passes.size(), read, filtered, written, removed, secs,
                    passes.isEmpty() ? "nothing" : passes.get(passes.size() - 1).logged());
        }

        /** MiB read per second of cleaning, -1 when nothing was cleaned. */
        double mibPerSec() {
            return seconds <= 0 || bytesRead <= 0 ? -1 : bytesRead / 1048576.0 / seconds;
        }
    }

    private static final Pattern SPILLWAY = Pattern.compile("Compacted (\\d+) partitions: read (\\d+) bytes, wrote (\\d+) "
            + "bytes, removed (\\d+) records in (\\d+) ms \\(([0-9.]+|NaN|Infinity) MB/s\\)");
    private static final Pattern KAFKA_START = Pattern.compile("Log cleaner thread \\d+ cleaned log (\\S+) \\(dirty section");
    private static final Pattern KAFKA_PROCESSED = Pattern.compile("([0-9,.]+) MB of log processed in ([0-9,.]+) seconds "
            + "\\(([0-9,.]+|NaN|Infinity) MB/sec\\)");
    private static final Pattern KAFKA_INDEXED = Pattern.compile("Indexed ([0-9,.]+) MB in");
    private static final Pattern KAFKA_START_SIZE = Pattern.compile("Start size: ([0-9,.]+) MB \\(([0-9,]+) messages\\)");
    private static final Pattern KAFKA_END_SIZE = Pattern.compile("End size: ([0-9,.]+) MB \\(([0-9,]+) messages\\)");

    private CleanerLog() {
    }

    /** Spillway's passes in {@code log}. */
    static List<Pass> spillway(Path log) {
        List<Pass> passes = new ArrayList<>();
        for (String line : lines(log)) {
            Matcher m = SPILLWAY.matcher(line);
            if (m.find()) {
                long read = Long.parseLong(m.group(2));
                double mbPerSec = number(m.group(6));
                // the MB/s figure comes from the pass's nanoseconds; the ms are truncated, coarse for a short pass
                double secs = mbPerSec > 0 && Double.isFinite(mbPerSec) ? read / 1e6 / mbPerSec : Long.parseLong(m.group(5)) / 1000.0;
                passes.add(new Pass(read, -1, Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), secs,
                        line.substring(line.indexOf(m.group())).trim()));
            }
        }
        return passes;
    }

    /** Kafka's cleanings of the partitions of {@code topic} in {@code log} (its multi-line stats blocks). */
    static List<Pass> kafka(Path log, String topic) {
        List<Pass> passes = new ArrayList<>();
        List<String> lines = lines(log);
        for (int i = 0; i < lines.size(); i++) {
            Matcher start = KAFKA_START.matcher(lines.get(i));
            if (!start.find() || !start.group(1).startsWith(topic + "-")) {
                continue;
            }
            double processedMib = -1;
            double secs = -1;
            double indexedMib = 0;
            double endMib = 0;
            long startMessages = 0;
            long endMessages = 0;
            StringBuilder logged = new StringBuilder(lines.get(i).trim());
            // the block's lines follow in one log event; "size reduction" is its last
            for (int j = i + 1; j < lines.size() && j <= i + 10; j++) {
                String l = lines.get(j);
                Matcher m;
                if ((m = KAFKA_PROCESSED.matcher(l)).find()) {
                    processedMib = number(m.group(1));
                    double rate = number(m.group(3));
                    secs = rate > 0 && Double.isFinite(rate) ? processedMib / rate : number(m.group(2));
                    logged.append(" / ").append(l.trim());
                } else if ((m = KAFKA_INDEXED.matcher(l)).find()) {
                    indexedMib = number(m.group(1));
                } else if ((m = KAFKA_START_SIZE.matcher(l)).find()) {
                    startMessages = (long) number(m.group(2));
                } else if ((m = KAFKA_END_SIZE.matcher(l)).find()) {
                    endMib = number(m.group(1));
                    endMessages = (long) number(m.group(2));
                    logged.append(" / ").append(l.trim());
                }
                if (l.contains("size reduction")) {
                    break;
                }
            }
            if (processedMib >= 0) {
                passes.add(new Pass(mibToBytes(processedMib + indexedMib), mibToBytes(processedMib), mibToBytes(endMib),
                        startMessages - endMessages,
                        secs, logged.toString()));
            }
        }
        return passes;
    }

    private static long mibToBytes(double mib) {
        return Math.round(mib * 1048576.0);
    }

    /**
     * A number as Kafka's String.format("%,.1f") writes it in the broker JVM's default locale, assumed to group with
     * ',' and to use '.' for decimals (en, C/POSIX); "NaN" and infinity (a cleaning that took 0 ms) as such.
     */
    static double number(String s) {
        if (s.equals("NaN")) {
            return Double.NaN;
        }
        if (s.equals("Infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(s.replace(",", ""));
    }

    private static List<String> lines(Path log) {
        try {
            // ISO-8859-1: any byte reads as a character, whatever else the broker logged
            return Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker log " + log, e);
        }
    }

    /** "12 passes read 1,234.5 MiB in 5.21 s = 236.9 MiB/s, wrote 45.6 MiB, removed 480,000 records". */
    static String describe(Totals t, String passWord) {
        return String.format(Locale.ROOT, "%d %s read %,.1f MiB in %.2f s = %,.1f MiB/s, wrote %,.1f MiB, removed %,d records",
                t.passes(), passWord, t.bytesRead() / 1048576.0, t.seconds(), t.mibPerSec(), t.bytesWritten() / 1048576.0,
                t.recordsRemoved());
    }
}
