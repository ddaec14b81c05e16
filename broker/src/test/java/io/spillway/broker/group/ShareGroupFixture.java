package io.spillway.broker.group;

import io.spillway.broker.share.InMemoryShareStateStore;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Throttle;
import io.spillway.broker.Topics;
import io.spillway.broker.auth.Authorizer;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.TopicConfigResolver;
import io.spillway.common.SerialExecutor;
import io.spillway.common.Time;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.GroupConfig;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.group.ShareGroupConfig;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogManager;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real metadata store, shared log, Topics and group coordinator (over a real {@code __consumer_offsets}) in a
 * temporary directory, with an in-memory share state store, for the share-group handler tests. The coordinator
 * runs its operations on the calling thread.
 */
final class ShareGroupFixture implements AutoCloseable {
    final MetadataStore meta;
    final LogManager logs;
    final Topics topics;
    final GroupCoordinator coordinator;
    final InMemoryShareStateStore states = new InMemoryShareStateStore();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    ShareGroupFixture(Path dir) {
        meta = MetadataStore.open(dir.resolve("meta"));
        BrokerSettings settings = new BrokerSettings(1, Map.of(), meta);
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir.resolve("log")).withFsync(false)),
                Time.SYSTEM, HighWatermarkListener.NONE);
        topics = new Topics(meta, logs, new TopicConfigResolver(settings));
        topics.openAll();
        logs.recover();
        TopicMetadata offsets = topics.create(List.of(new MetadataStore.NewTopic("__consumer_offsets", 1,
                Topics.INTERNAL_TOPIC_CONFIGS))).get(0);
        coordinator = new GroupCoordinator(CoordinatorPartitions.only(topics.partition(offsets, 0)), starts -> { },
                GroupConfig.DEFAULT, ConsumerGroupConfig.DEFAULT, ShareGroupConfig.DEFAULT, new TopicsCatalog(topics),
                new SerialExecutor(Runnable::run), scheduler, Time.SYSTEM);
        coordinator.load().join();
    }

    TopicMetadata createTopic(String name, int partitions) {
        return topics.create(List.of(new MetadataStore.NewTopic(name, partitions, Map.of()))).get(0);
    }

    ShareGroupHeartbeatResponseData join(String group, String member, List<String> topicNames) {
        return new ShareGroupHeartbeatHandler(coordinator).handle(context(ApiKeys.SHARE_GROUP_HEARTBEAT, 1),
                new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
                        .setSubscribedTopicNames(topicNames)).join();
    }

    ShareGroupHeartbeatResponseData leave(String group, String member) {
        return new ShareGroupHeartbeatHandler(coordinator).handle(context(ApiKeys.SHARE_GROUP_HEARTBEAT, 1),
                new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(-1)).join();
    }

    static RequestContext context(ApiKeys api, int version) {
        return new RequestContext(api, (short) version, 1, "test", "127.0.0.1:1", 1);
    }

    static RequestContext context(ApiKeys api, int version, Authorizer authorizer) {
        return new RequestContext(api, (short) version, 1, "test", "127.0.0.1:1", 1, RequestContext.DEFAULT_LISTENER,
                SecurityProtocol.PLAINTEXT, new KafkaPrincipal("User", "alice"), authorizer, new Throttle());
    }

    @Override
    public void close() throws IOException {
        coordinator.unload().join();
        scheduler.shutdownNow();
        logs.close();
        meta.close();
    }
}
