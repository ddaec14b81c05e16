package io.spillway.http.metrics;

import io.spillway.http.Request;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The names Prometheus sees, as docs/metrics.md lists them. */
class BrokerMetricsTest {
    @Test
    void namesFollowPrometheusConventions() {
        try (BrokerMetrics metrics = BrokerMetrics.create(new MetricsSettings(10, 10))) {
            metrics.requests().completed(ApiKeys.PRODUCE, 3_000_000, false);
            metrics.requests().completed(ApiKeys.FETCH, 600_000_000, true);
            metrics.walSyncs().synced(2_000_000, 4096, 3);
            metrics.topicTraffic().produced("t", 5, 500);
            metrics.bindConnections(List.of("PLAINTEXT"), () -> Map.of("PLAINTEXT", 2));
            String scrape = metrics.scrape();
            assertThat(scrape)
                    .contains("spillway_requests_total{api=\"PRODUCE\"} 1.0")
                    .contains("spillway_request_errors_total{api=\"FETCH\"} 1.0")
                    .contains("spillway_request_duration_seconds_bucket{api=\"PRODUCE\",le=\"0.005\"} 1")
                    .contains("spillway_request_duration_seconds_count{api=\"FETCH\"} 1")
                    .contains("spillway_wal_fsync_seconds_count 1")
                    .contains("spillway_wal_fsync_batch_bytes_sum 4096.0")
                    .contains("spillway_wal_fsync_batch_entries_sum 3.0")
                    .contains("spillway_topic_produce_bytes_total{topic=\"t\"} 500.0")
                    .contains("spillway_produce_records_total 5.0")
                    .contains("spillway_connections{listener=\"PLAINTEXT\"} 2.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("jvm_classes_loaded_classes")
                    .contains("system_cpu_count")
                    .contains("process_uptime_seconds");
        }
    }

    @Test
    void aPeekLeavesTheTopicSeriesIntervalToPrometheus() {
        try (BrokerMetrics metrics = BrokerMetrics.create(new MetricsSettings(1, 10))) {
            MetricsEndpoint endpoint = new MetricsEndpoint(metrics);
            metrics.topicTraffic().produced("quiet", 1, 100);
            metrics.scrape();
            metrics.topicTraffic().produced("busy", 10, 10_000);
            Request peek = new Request("GET", "/metrics", Map.of("peek", List.of("true")), Map.of(), new byte[0]);
            String peeked = endpoint.handle(peek).join().bodyText();
            // The totals are current, but the one series stays with "quiet" until Prometheus' next scrape.
            assertThat(peeked).contains("spillway_produce_bytes_total 10100.0")
                    .contains("topic=\"quiet\"").doesNotContain("topic=\"busy\"");
            assertThat(metrics.scrape()).contains("topic=\"busy\"").doesNotContain("topic=\"quiet\"");
            endpoint.close();
        }
    }
}
