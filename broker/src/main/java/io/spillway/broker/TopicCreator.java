package io.spillway.broker;

import io.spillway.common.TopicNames;

import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/** Creates topics that clients ask for by name when auto.create.topics.enable is on. Thread safe. */
public final class TopicCreator {
    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    private final Topics topics;
    private final Streams streams;

    public TopicCreator(Topics topics, Streams streams) {
        this.topics = topics;
        this.streams = streams;
    }

    /** Whether a client naming the topic may create it (its stream's switch, else auto.create.topics.enable). */
    public boolean autoCreateEnabled(String name) {
        return streams.autoCreateEnabled(name);
    }

    /**
     * Creates the topic with its stream's or the broker's defaults for the client of {@code context} (named in the log
     * line saying so); returns it (also if another request just created it).
     */
    public TopicMetadata autoCreate(String name, RequestContext context) {
        Topics.validateName(name);
        if (TopicNames.isInternal(name)) {
            return null; // made by the broker only
        }
        int partitions = streams.defaultPartitions(name);
        try {
            TopicMetadata topic = topics.create(List.of(new MetadataStore.NewTopic(name, partitions, Map.of()))).get(0);
            log.info("Auto-created topic {} ({} partition{}) for {}", name, partitions, partitions == 1 ? "" : "s",
                    context.describeClient());
            return topic;
        } catch (TopicExistsException e) {
            return topics.byName(name);
        }
    }
}
