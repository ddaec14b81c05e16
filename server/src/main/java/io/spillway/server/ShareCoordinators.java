package io.spillway.server;

import io.spillway.broker.Topics;
import io.spillway.broker.StreamInternalPartitions;
import io.spillway.common.Time;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.share.ShareCoordinator;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts the share coordinator over its internal topic ({@value #STATE_TOPIC}, created on first start, compacted
 * by key) and the streams' own share-state topics, and replays them, so the share-partition state of KIP-932
 * share groups is there before the first request.
 */
final class ShareCoordinators {
    static final String STATE_TOPIC = TopicNames.SHARE_STATE_TOPIC;

    private ShareCoordinators() {
    }

    /**
     * @param events the coordinator's event executor (one thread; the caller shuts it down)
     */
    static ShareCoordinator start(Topics topics, MetadataStore meta, Executor events,
                                  ScheduledExecutorService scheduler, Time time) {
        TopicMetadata stateTopic = topics.byName(STATE_TOPIC);
        if (stateTopic == null) {
            stateTopic = topics.create(List.of(new MetadataStore.NewTopic(STATE_TOPIC, 1,
                    Topics.INTERNAL_TOPIC_CONFIGS))).get(0);
        }
        PartitionLog partition = topics.partition(stateTopic, 0);
        StreamInternalPartitions partitions = StreamInternalPartitions.shareState(topics, partition);
        ShareCoordinator coordinator = new ShareCoordinator(partitions, meta::persistLogStarts,
                partitions::placeOfTopic, events, scheduler, time);
        coordinator.load().join();
        return coordinator;
    }
}
