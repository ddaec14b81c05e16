package io.spillway.coordinator.group.consumer;

import io.spillway.common.ManualTime;
import io.spillway.common.SerialExecutor;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupConfig;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A group coordinator over a real internal-topic partition (local shared log, no fsync) with a
 * manual clock and scheduler and a topic catalog the test controls. Its event executor runs tasks on
 * the calling thread (one at a time, queued when nested), so everything happens on the test thread in
 * order. {@link #restart} builds a new coordinator that replays the same partition. Single-threaded.
 */
final class CoordinatorFixture implements AutoCloseable {
    final ManualTime time = new ManualTime(1_700_000_000_000L);
    final FakeTopics topics = new FakeTopics();
    final ConsumerGroupConfig config;
    private final LogManager logs;
    private final PartitionLog partition;
    ManualScheduler scheduler;
    GroupCoordinator coordinator;

    CoordinatorFixture(Path dir, ConsumerGroupConfig config) {
        this.config = config;
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withFsync(false)), time,
                HighWatermarkListener.NONE);
        partition = logs.open(1, "__consumer_offsets", 0, LogConfig.DEFAULT, 0);
        logs.recover();
        restart();
    }

    /** A new coordinator (and scheduler: the old one's timers are gone with it) that replays the partition. */
    GroupCoordinator restart() {
        if (coordinator != null) {
            coordinator.unload().join();
        }
        scheduler = new ManualScheduler(time);
        coordinator = new GroupCoordinator(partition, offsets -> { }, GroupConfig.DEFAULT, config, topics,
                new SerialExecutor(Runnable::run), scheduler, time);
        coordinator.load().join();
        return coordinator;
    }

    /** The group's live object (read on the event thread, which is this one). */
    Group group(String groupId) {
        return coordinator.inspect(groupId).join();
    }

    void advanceMs(long ms) {
        scheduler.advanceMs(ms);
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request) {
        try {
            return coordinator.consumerGroupHeartbeat(new GroupCoordinator.Client("test-client", "/127.0.0.1", (short) 1),
                    request).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    ConsumerGroupHeartbeatResponseData join(String group, String memberId, String instanceId, List<String> topicNames) {
        return heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setInstanceId(instanceId).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(topicNames).setTopicPartitions(List.of()));
    }

    @Override
    public void close() throws IOException {
        logs.close();
    }
}
