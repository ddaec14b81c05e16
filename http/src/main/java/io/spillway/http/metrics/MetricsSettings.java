package io.spillway.http.metrics;

import java.util.Map;

/**
 * How many series the broker's metrics may have where the count would otherwise follow the data:
 * {@value #TOPIC_SERIES_MAX} per-topic traffic series (the busiest topics; default {@value #DEFAULT_SERIES_MAX}) and
 * {@value #GROUP_SERIES_MAX} consumer groups with a lag series (the most lagging; default {@value #DEFAULT_SERIES_MAX}).
 * Immutable.
 */
public record MetricsSettings(int topicSeriesMax, int groupSeriesMax) {
    public static final String TOPIC_SERIES_MAX = "spillway.metrics.topic.series.max";
    public static final String GROUP_SERIES_MAX = "spillway.metrics.group.series.max";
    public static final int DEFAULT_SERIES_MAX = 100;

    /** @throws IllegalArgumentException if a setting is not a number from 0 to 100000, naming it */
    public static MetricsSettings parse(Map<String, String> settings) {
        return new MetricsSettings(count(settings, TOPIC_SERIES_MAX), count(settings, GROUP_SERIES_MAX));
    }

    private static int count(Map<String, String> settings, String key) {
        String value = settings.getOrDefault(key, String.valueOf(DEFAULT_SERIES_MAX)).trim();
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > 100_000) {
            throw new IllegalArgumentException(key + " must be a number of series from 0 to 100000, not '" + value + "'");
        }
        return n;
    }
}
