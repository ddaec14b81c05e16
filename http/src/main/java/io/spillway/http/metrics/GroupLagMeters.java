package io.spillway.http.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Consumer-group lag, computed at scrape time: for each group with committed offsets, the sum over its partitions of
 * high watermark − committed offset ({@code spillway_consumer_group_lag_records{group}}), for at most
 * {@code maxGroups} groups, those with the most lag (ties by name); {@code spillway_consumer_groups} counts every group
 * with committed offsets. Partitions of deleted topics are left out.
 *
 * <p>Thread contract: {@link #refresh} runs on the scrape thread and waits (bounded) for the group coordinator's copy
 * of the committed offsets; it must never run on an event loop.
 */
public final class GroupLagMeters {
    private static final Logger log = LoggerFactory.getLogger(GroupLagMeters.class);
    static final long WAIT_SECONDS = 10;

    private final Supplier<CompletableFuture<Map<String, Map<TopicPartition, Long>>>> committedOffsets;
    private final ToLongFunction<TopicPartition> highWatermark;
    private final int maxGroups;
    private final MultiGauge lag;
    private volatile int groups;

    /**
     * @param committedOffsets every group's committed offsets (group → partition → offset)
     * @param highWatermark a partition's high watermark, or -1 when the partition does not exist
     */
    public GroupLagMeters(MeterRegistry registry,
                          Supplier<CompletableFuture<Map<String, Map<TopicPartition, Long>>>> committedOffsets,
                          ToLongFunction<TopicPartition> highWatermark, int maxGroups) {
        this.committedOffsets = committedOffsets;
        this.highWatermark = highWatermark;
        this.maxGroups = maxGroups;
        this.lag = MultiGauge.builder("spillway.consumer.group.lag").baseUnit("records")
                .description("Records the group has yet to consume: the sum over its partitions of high watermark "
                        + "minus committed offset (only the " + MetricsSettings.GROUP_SERIES_MAX
                        + " groups with the most lag)")
                .register(registry);
        Gauge.builder("spillway.consumer.groups", this, m -> m.groups)
                .description("Consumer groups with committed offsets").strongReference(true).register(registry);
    }

    /** One group's lag. */
    record GroupLag(String group, long lag) {
    }

    /** Recomputes the lag series from the coordinator's committed offsets now. */
    public void refresh() {
        Map<String, Map<TopicPartition, Long>> offsets;
        try {
            offsets = committedOffsets.get().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("Consumer-group lag not updated in this scrape: the group coordinator did not give its committed "
                    + "offsets ({})", e instanceof TimeoutException ? "no answer in " + WAIT_SECONDS + " s" : e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<GroupLag> top = mostLagging(offsets);
        groups = offsets.size();
        List<MultiGauge.Row<?>> rows = new ArrayList<>(top.size());
        for (GroupLag g : top) {
            rows.add(MultiGauge.Row.of(Tags.of("group", g.group()), g.lag()));
        }
        lag.register(rows, true);
    }

    List<GroupLag> mostLagging(Map<String, Map<TopicPartition, Long>> offsets) {
        List<GroupLag> all = new ArrayList<>(offsets.size());
        offsets.forEach((group, committed) -> {
            long sum = 0;
            for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
                long hw = highWatermark.applyAsLong(e.getKey());
                if (hw >= 0) {
                    sum += Math.max(0, hw - e.getValue());
                }
            }
            all.add(new GroupLag(group, sum));
        });
        all.sort(Comparator.comparingLong(GroupLag::lag).reversed().thenComparing(GroupLag::group));
        return all.size() > maxGroups ? new ArrayList<>(all.subList(0, maxGroups)) : all;
    }
}
