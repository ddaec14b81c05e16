package io.spillway.it.exactlyonce;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The output of the app compared with the only exact one: for a sensor with {@code n} readings, the
 * outputs {@link SensorTotals#afterFirst(long) afterFirst(1)}, ..., {@code afterFirst(n)} in this order,
 * each exactly once. Counts how many sensors deviate in which way and describes the first deviating one.
 * Immutable.
 *
 * @param sensors          sensors with readings in the input
 * @param exact            sensors whose outputs are exactly the expected ones
 * @param repeated         sensors with an output written more than once (the same count twice)
 * @param skipped          sensors whose count jumps by more than one (an output or a reading lost)
 * @param doubleCounted    sensors with an output that is not the aggregate of a prefix of the readings
 *                         (a reading counted twice, e.g. count 5 with last sequence number 4)
 * @param incomplete       sensors whose last output is below their number of readings
 * @param unexpected       keys in the output that are no sensor of the input
 * @param firstDeviation   the first deviating sensor and its outputs, if any
 */
record OutputComparison(int sensors, int exact, int repeated, int skipped, int doubleCounted, int incomplete,
                        int unexpected, Optional<String> firstDeviation) {

    private static final int CONTEXT = 3;

    static OutputComparison compare(SortedMap<String, Long> readingsPerSensor,
                                    SortedMap<String, List<SensorTotals>> outputsBySensor) {
        int exact = 0;
        int repeated = 0;
        int skipped = 0;
        int doubleCounted = 0;
        int incomplete = 0;
        String first = null;
        for (Map.Entry<String, Long> e : readingsPerSensor.entrySet()) {
            List<SensorTotals> outputs = outputsBySensor.getOrDefault(e.getKey(), List.of());
            long n = e.getValue();
            int deviation = firstDeviation(outputs, n);
            if (deviation < 0) {
                exact++;
                continue;
            }
            repeated += hasRepeatedCount(outputs) ? 1 : 0;
            skipped += hasSkippedCount(outputs) ? 1 : 0;
            doubleCounted += outputs.stream().anyMatch(t -> !t.equals(SensorTotals.afterFirst(t.count()))) ? 1 : 0;
            incomplete += outputs.isEmpty() || outputs.get(outputs.size() - 1).count() < n ? 1 : 0;
            if (first == null) {
                first = describe(e.getKey(), n, outputs, deviation);
            }
        }
        TreeSet<String> unexpectedKeys = new TreeSet<>(outputsBySensor.keySet());
        unexpectedKeys.removeAll(readingsPerSensor.keySet());
        if (first == null && !unexpectedKeys.isEmpty()) {
            first = "output key " + unexpectedKeys.first() + " is no sensor of the input; its outputs: "
                    + outputsBySensor.get(unexpectedKeys.first());
        }
        return new OutputComparison(readingsPerSensor.size(), exact, repeated, skipped, doubleCounted, incomplete,
                unexpectedKeys.size(), Optional.ofNullable(first));
    }

    /** Index of the first output that is not the expected one (or of the first missing one), or -1 if exact. */
    private static int firstDeviation(List<SensorTotals> outputs, long n) {
        for (int i = 0; i < outputs.size(); i++) {
            if (i >= n || !outputs.get(i).equals(SensorTotals.afterFirst(i + 1))) {
                return i;
            }
        }
        return outputs.size() == n ? -1 : outputs.size();
    }

    private static boolean hasRepeatedCount(List<SensorTotals> outputs) {
        return outputs.stream().map(SensorTotals::count).distinct().count() < outputs.size();
    }

    private static boolean hasSkippedCount(List<SensorTotals> outputs) {
        long previous = 0;
        for (SensorTotals t : outputs) {
            if (t.count() > previous + 1) {
                return true;
            }
            previous = t.count();
        }
        return false;
    }

    private static String describe(String sensor, long n, List<SensorTotals> outputs, int deviation) {
        StringBuilder sb = new StringBuilder(sensor).append(" has ").append(n)
                .append(" readings, so its outputs (count,sum,last) must be ")
                .append(SensorTotals.afterFirst(1)).append(" .. ").append(SensorTotals.afterFirst(n))
                .append("; it has ").append(outputs.size()).append(" outputs and ");
        if (deviation < outputs.size()) {
            sb.append("output #").append(deviation + 1).append(" is ").append(outputs.get(deviation)).append(" where ")
                    .append(deviation < n ? SensorTotals.afterFirst(deviation + 1).toString() : "none")
                    .append(" was expected");
        } else {
            sb.append("output #").append(deviation + 1).append(" (").append(SensorTotals.afterFirst(deviation + 1))
                    .append(") is missing");
        }
        int from = Math.max(0, deviation - CONTEXT);
        int to = Math.min(outputs.size(), deviation + CONTEXT + 1);
        sb.append("; outputs #").append(from + 1).append("..#").append(to).append(": ")
                .append(outputs.subList(from, to));
        if (!outputs.isEmpty()) {
            sb.append("; last output: ").append(outputs.get(outputs.size() - 1));
        }
        return sb.toString();
    }

    boolean isExact() {
        return exact == sensors && unexpected == 0;
    }

    /** One line: how many sensors deviate in which way. */
    String summary() {
        return exact + " of " + sensors + " sensors exact; " + repeated + " with a repeated output, " + skipped
                + " with a skipped count, " + doubleCounted + " with a double-counted reading, " + incomplete
                + " incomplete, " + unexpected + " unexpected output keys";
    }
}
