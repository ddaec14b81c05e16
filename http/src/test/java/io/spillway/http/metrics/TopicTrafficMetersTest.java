package io.spillway.http.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TopicTrafficMetersTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void tenTopicsWithThreeSeriesGiveThreePerTopicSeriesPlusTotals() {
        TopicTrafficMeters meters = new TopicTrafficMeters(registry, 3);
        for (int t = 0; t < 10; t++) {
            meters.produced("t" + t, 10, 1000);
            meters.fetched("t" + t, 10, 1000);
        }
        meters.rebalance();
        String scrape = registry.scrape();
        for (String metric : new String[] {"produce_records", "produce_bytes", "fetch_records", "fetch_bytes"}) {
            assertThat(count(scrape, "^spillway_topic_" + metric + "_total\\{")).as(metric).isEqualTo(3);
        }
        assertThat(value(scrape, "spillway_produce_records_total")).isEqualTo(100);
        assertThat(value(scrape, "spillway_produce_bytes_total")).isEqualTo(10_000);
        assertThat(value(scrape, "spillway_fetch_records_total")).isEqualTo(100);
        assertThat(value(scrape, "spillway_fetch_bytes_total")).isEqualTo(10_000);
        assertThat(value(scrape, "spillway_metrics_topic_series")).isEqualTo(3);
        // the first three topics got their series at once, with every record counted
        assertThat(value(scrape, "spillway_topic_produce_records_total{topic=\"t0\"}")).isEqualTo(10);
        assertThat(value(scrape, "spillway_topic_fetch_bytes_total{topic=\"t2\"}")).isEqualTo(1000);
    }

    @Test
    void busierTopicsTakeTheSeriesOfQuieterOnesAtTheNextScrape() {
        TopicTrafficMeters meters = new TopicTrafficMeters(registry, 3);
        for (int t = 0; t < 10; t++) {
            meters.produced("t" + t, t + 1, 100L * (t + 1)); // t9 busiest
        }
        meters.rebalance();
        assertThat(meters.trackedTopics()).containsExactlyInAnyOrder("t7", "t8", "t9");
        String scrape = registry.scrape();
        assertThat(count(scrape, "^spillway_topic_produce_bytes_total\\{")).isEqualTo(3);
        // a promoted topic starts from its traffic of the interval before
        assertThat(value(scrape, "spillway_topic_produce_records_total{topic=\"t9\"}")).isEqualTo(10);
        assertThat(scrape).doesNotContain("topic=\"t0\"");

        // next interval: t0 is the busiest; t7 the quietest series
        meters.produced("t0", 1, 100_000);
        meters.produced("t8", 1, 5_000);
        meters.produced("t9", 1, 5_000);
        meters.rebalance();
        assertThat(meters.trackedTopics()).containsExactlyInAnyOrder("t0", "t8", "t9");
        assertThat(registry.find("spillway.topic.produce.bytes").functionCounters()).hasSize(3);
        assertThat(registry.find("spillway.topic.produce.bytes").tag("topic", "t7").functionCounter()).isNull();
        FunctionCounter t8 = registry.find("spillway.topic.produce.bytes").tag("topic", "t8").functionCounter();
        assertThat(t8.count()).isEqualTo(900 + 5_000);
    }

    @Test
    void aMillionTopicsKeepBoundedState() {
        TopicTrafficMeters meters = new TopicTrafficMeters(registry, 5);
        for (int t = 0; t < 1_000_000; t++) {
            meters.produced("topic-" + t, 1, 10);
        }
        meters.produced("hot", 1, 1_000_000);
        meters.rebalance();
        assertThat(meters.trackedTopics()).hasSize(5).contains("hot");
        assertThat(registry.find("spillway.topic.produce.records").functionCounters()).hasSize(5);
        assertThat(registry.get("spillway.produce.records").counter().count()).isEqualTo(1_000_001);
    }

    @Test
    void zeroSeriesMeansTotalsOnly() {
        TopicTrafficMeters meters = new TopicTrafficMeters(registry, 0);
        meters.produced("a", 1, 10);
        meters.rebalance();
        assertThat(meters.trackedTopics()).isEqualTo(Set.of());
        assertThat(registry.get("spillway.produce.bytes").counter().count()).isEqualTo(10);
    }
}
