package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.group.TopicCatalog;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A topic catalog a test changes at will (create topics, add partitions). Thread safe. */
public final class FakeTopics implements TopicCatalog {
    private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();

    public TopicInfo create(String name, int partitions) {
        TopicInfo topic = new TopicInfo(Uuid.randomUuid(), name, partitions);
        byName.put(name, topic);
        byId.put(topic.id(), topic);
        return topic;
    }

    public TopicInfo addPartitions(String name, int newCount) {
        TopicInfo old = byName.get(name);
        TopicInfo topic = new TopicInfo(old.id(), name, newCount);
        byName.put(name, topic);
        byId.put(topic.id(), topic);
        return topic;
    }

    public void delete(String name) {
        TopicInfo old = byName.remove(name);
        byId.remove(old.id());
    }

    @Override
    public TopicInfo byName(String name) {
        return byName.get(name);
    }

    @Override
    public TopicInfo byId(Uuid id) {
        return byId.get(id);
    }

    @Override
    public Iterable<String> names() {
        return new ArrayList<>(List.copyOf(byName.keySet()));
    }
}
