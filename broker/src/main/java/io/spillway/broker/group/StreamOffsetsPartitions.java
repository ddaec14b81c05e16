package io.spillway.broker.group;

import io.spillway.broker.Topics;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.log.PartitionLog;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The group coordinator's partitions: {@code __consumer_offsets} at home, and for each stream the partition of
 * its own {@code /path/stream:__consumer_offsets}, which holds the committed offsets of the stream's topics and
 * is created with the stream's first committed offset. Thread safe.
 */
public final class StreamOffsetsPartitions implements CoordinatorPartitions {
    private final Topics topics;
    private final PartitionLog home;

    public StreamOffsetsPartitions(Topics topics, PartitionLog home) {
        this.topics = topics;
        this.home = home;
    }

    @Override
    public PartitionLog home() {
        return home;
    }

    @Override
    public PartitionLog open(String streamPath) {
        return topics.partition(topics.streamOffsetsTopic(streamPath), 0);
    }

    @Override
    public PartitionLog existing(String streamPath) {
        return topics.partition(TopicNames.offsetsTopicOf(streamPath), 0);
    }

    @Override
    public Collection<String> places() {
        List<String> withOffsets = new ArrayList<>();
        for (StreamMetadata stream : topics.meta().streams()) {
            TopicMetadata offsets = topics.byName(TopicNames.offsetsTopicOf(stream.path()));
            if (offsets != null) {
                withOffsets.add(stream.path());
            }
        }
        return withOffsets;
    }
}
