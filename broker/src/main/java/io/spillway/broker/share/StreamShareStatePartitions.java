package io.spillway.broker.share;

import io.spillway.broker.Topics;
import io.spillway.common.StreamTopicName;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.log.PartitionLog;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The share coordinator's partitions: {@code __share_group_state} at home, and for each stream the partition of
 * its own {@code /path/stream:__share_group_state}, which holds the share-partition state of the stream's topics
 * and is created with the first state stored for one of them. Also where a topic's share state goes
 * ({@link #placeOfTopic}). Thread safe.
 */
public final class StreamShareStatePartitions implements CoordinatorPartitions {
    private final Topics topics;
    private final PartitionLog home;

    public StreamShareStatePartitions(Topics topics, PartitionLog home) {
        this.topics = topics;
        this.home = home;
    }

    /**
     * The stream whose partition keeps the share state of the topic with this id, or null (home) for a topic of
     * the default stream or one that does not exist (any more).
     */
    public String placeOfTopic(Uuid topicId) {
        TopicMetadata topic = topics.byId(topicId);
        if (topic == null) {
            return null;
        }
        String stream = topic.stream();
        return StreamTopicName.DEFAULT_STREAM.equals(stream) ? null : stream;
    }

    @Override
    public PartitionLog home() {
        return home;
    }

    @Override
    public PartitionLog open(String streamPath) {
        return topics.partition(topics.streamShareStateTopic(streamPath), 0);
    }

    @Override
    public PartitionLog existing(String streamPath) {
        return topics.partition(TopicNames.shareStateTopicOf(streamPath), 0);
    }

    @Override
    public Collection<String> places() {
        List<String> withState = new ArrayList<>();
        for (StreamMetadata stream : topics.meta().streams()) {
            if (topics.byName(TopicNames.shareStateTopicOf(stream.path())) != null) {
                withState.add(stream.path());
            }
        }
        return withState;
    }
}
