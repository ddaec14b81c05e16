package io.spillway.server;

import io.spillway.broker.Topics;
import io.spillway.broker.StreamInternalPartitions;
import io.spillway.broker.group.TopicsCatalog;
import io.spillway.common.TopicNames;
import io.spillway.common.Time;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.ShareGroupConfig;
import io.spillway.coordinator.group.GroupConfig;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts the group coordinator over its internal topic ({@value #OFFSETS_TOPIC}, created on first
 * start, compacted by key) and the streams' own offsets topics, replays them, and schedules offset expiry.
 */
final class GroupCoordinators {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinators.class);
    static final String OFFSETS_TOPIC = TopicNames.OFFSETS_TOPIC;

    private GroupCoordinators() {
    }

    /**
     * @param events the coordinator's event executor (one thread; the caller shuts it down)
     */
    static GroupCoordinator start(ServerConfig config, Topics topics, MetadataStore meta, Executor events,
                                  ScheduledExecutorService scheduler, Time time) {
        TopicMetadata offsetsTopic = topics.byName(OFFSETS_TOPIC);
        if (offsetsTopic == null) {
            offsetsTopic = topics.create(List.of(new MetadataStore.NewTopic(OFFSETS_TOPIC, 1,
                    Topics.INTERNAL_TOPIC_CONFIGS))).get(0);
        }
        PartitionLog partition = topics.partition(offsetsTopic, 0);
        GroupConfig groupConfig = new GroupConfig(
                config.getInt("group.initial.rebalance.delay.ms", GroupConfig.DEFAULT.initialRebalanceDelayMs()),
                config.getInt("group.min.session.timeout.ms", GroupConfig.DEFAULT.minSessionTimeoutMs()),
                config.getInt("group.max.session.timeout.ms", GroupConfig.DEFAULT.maxSessionTimeoutMs()),
                TimeUnit.MINUTES.toMillis(config.getLong("offsets.retention.minutes", 7 * 24 * 60)),
                config.getInt("offset.metadata.max.bytes", GroupConfig.DEFAULT.offsetMetadataMaxBytes()),
                config.getInt("group.max.size", GroupConfig.DEFAULT.maxGroupSize()));
        GroupCoordinator coordinator = new GroupCoordinator(StreamInternalPartitions.offsets(topics, partition),
                meta::persistLogStarts, groupConfig,
                consumerGroupConfig(config).withGroupConfigs(meta::groupConfigs),
                shareGroupConfig(config).withGroupConfigs(meta::groupConfigs), new TopicsCatalog(topics), events,
                scheduler, time);
        coordinator.load().join();
        long checkMs = config.getLong("offsets.retention.check.interval.ms", 600_000L);
        scheduler.scheduleWithFixedDelay(() -> coordinator.expireOffsets().exceptionally(e -> {
            // A failed pass must not cancel the schedule; the next one retries.
            log.error("Offset expiry failed; retrying in {} ms", checkMs, e);
            return 0;
        }), checkMs, checkMs, TimeUnit.MILLISECONDS);
        return coordinator;
    }

    /** KIP-848 group settings by Kafka's names; the min/max bounds are checked as Kafka checks them at startup. */
    static ConsumerGroupConfig consumerGroupConfig(ServerConfig config) {
        ConsumerGroupConfig d = ConsumerGroupConfig.DEFAULT;
        int sessionMs = config.getInt("group.consumer.session.timeout.ms", d.sessionTimeoutMs());
        int heartbeatMs = config.getInt("group.consumer.heartbeat.interval.ms", d.heartbeatIntervalMs());
        requireBetween("group.consumer.session.timeout.ms", sessionMs,
                config.getInt("group.consumer.min.session.timeout.ms", 45_000),
                config.getInt("group.consumer.max.session.timeout.ms", 60_000));
        requireBetween("group.consumer.heartbeat.interval.ms", heartbeatMs,
                config.getInt("group.consumer.min.heartbeat.interval.ms", 5_000),
                config.getInt("group.consumer.max.heartbeat.interval.ms", 15_000));
        List<String> assignors = Arrays.stream(config.get("group.consumer.assignors", String.join(",", d.assignors()))
                .split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
        return new ConsumerGroupConfig(sessionMs, heartbeatMs, config.getInt("group.consumer.max.size", d.maxSize()),
                assignors, config.getInt("group.consumer.assignment.interval.ms", d.assignmentIntervalMs()));
    }

    /** KIP-932 share group settings by Kafka's names, bounds checked as for consumer groups. */
    static ShareGroupConfig shareGroupConfig(ServerConfig config) {
        ShareGroupConfig d = ShareGroupConfig.DEFAULT;
        int sessionMs = config.getInt("group.share.session.timeout.ms", d.sessionTimeoutMs());
        int heartbeatMs = config.getInt("group.share.heartbeat.interval.ms", d.heartbeatIntervalMs());
        requireBetween("group.share.session.timeout.ms", sessionMs,
                config.getInt("group.share.min.session.timeout.ms", 45_000),
                config.getInt("group.share.max.session.timeout.ms", 60_000));
        requireBetween("group.share.heartbeat.interval.ms", heartbeatMs,
                config.getInt("group.share.min.heartbeat.interval.ms", 5_000),
                config.getInt("group.share.max.heartbeat.interval.ms", 15_000));
        return new ShareGroupConfig(sessionMs, heartbeatMs, config.getInt("group.share.max.size", d.maxSize()));
    }

    private static void requireBetween(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " is " + value + " but must be between " + min + " and " + max
                    + " (see the matching .min./.max. settings)");
        }
    }
}
