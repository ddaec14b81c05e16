package io.spillway.broker.handler;

import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.TopicConfigResolver;
import io.spillway.common.Time;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.protocol.ApiKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A real metadata store, shared log and Topics in a temporary directory, for the config handler tests. */
final class ConfigsFixture implements AutoCloseable {
    static final int NODE_ID = 1;

    final MetadataStore meta;
    final BrokerSettings settings;
    final LogManager logs;
    final Topics topics;

    ConfigsFixture(Path dir) {
        this(dir, Map.of());
    }

    ConfigsFixture(Path dir, Map<String, String> staticConfigs) {
        meta = MetadataStore.open(dir.resolve("meta"));
        settings = new BrokerSettings(NODE_ID, staticConfigs, meta);
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir.resolve("log"))), Time.SYSTEM,
                HighWatermarkListener.NONE);
        topics = new Topics(meta, logs, new TopicConfigResolver(settings));
        topics.openAll();
        logs.recover();
    }

    TopicMetadata createTopic(String name, Map<String, String> configs) {
        return topics.create(List.of(new MetadataStore.NewTopic(name, 2, configs))).get(0);
    }

    /** The log settings partition {@code partition} of the topic runs with right now. */
    LogConfig logConfig(String topic, int partition) {
        return topics.partition(topic, partition).config();
    }

    static RequestContext context(ApiKeys api, int version) {
        return new RequestContext(api, (short) version, 1, "test", "127.0.0.1:1", 1);
    }

    @Override
    public void close() throws IOException {
        logs.close();
        meta.close();
    }
}
