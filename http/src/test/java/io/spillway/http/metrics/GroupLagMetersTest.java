package io.spillway.http.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class GroupLagMetersTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void lagIsHighWatermarkMinusCommittedSummedAndOnlyTheMostLaggingGroupsHaveSeries() {
        TopicPartition a0 = new TopicPartition("a", 0);
        TopicPartition a1 = new TopicPartition("a", 1);
        TopicPartition gone = new TopicPartition("deleted", 0);
        Map<TopicPartition, Long> hw = Map.of(a0, 100L, a1, 50L);
        Map<String, Map<TopicPartition, Long>> offsets = new HashMap<>();
        offsets.put("caught-up", Map.of(a0, 100L, a1, 50L));
        offsets.put("behind", Map.of(a0, 90L, a1, 20L, gone, 5L)); // 10 + 30, the deleted topic left out
        offsets.put("far-behind", Map.of(a0, 0L));
        GroupLagMeters meters = new GroupLagMeters(registry, () -> CompletableFuture.completedFuture(offsets),
                tp -> hw.getOrDefault(tp, -1L), 2);
        meters.refresh();
        assertThat(registry.get("spillway.consumer.group.lag").tag("group", "far-behind").gauge().value()).isEqualTo(100);
        assertThat(registry.get("spillway.consumer.group.lag").tag("group", "behind").gauge().value()).isEqualTo(40);
        assertThat(registry.find("spillway.consumer.group.lag").tag("group", "caught-up").gauge()).isNull();
        assertThat(registry.get("spillway.consumer.groups").gauge().value()).isEqualTo(3);
        assertThat(registry.scrape()).contains("spillway_consumer_group_lag_records{group=\"behind\"} 40");

        offsets.put("caught-up", Map.of(a0, 0L, a1, 0L)); // now the most lagging: takes a series, "behind" loses its
        meters.refresh();
        assertThat(registry.get("spillway.consumer.group.lag").tag("group", "caught-up").gauge().value()).isEqualTo(150);
        assertThat(registry.find("spillway.consumer.group.lag").tag("group", "behind").gauge()).isNull();
    }
}
