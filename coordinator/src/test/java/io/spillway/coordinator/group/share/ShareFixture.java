package io.spillway.coordinator.group.share;

import io.spillway.common.ManualTime;
import io.spillway.common.SerialExecutor;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.GroupConfig;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.group.ShareGroupConfig;
import io.spillway.coordinator.group.consumer.FakeTopics;
import io.spillway.coordinator.group.consumer.ManualScheduler;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.log.HighWatermarkListener;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.storage.local.LocalSharedLog;
import io.spillway.storage.local.LocalSharedLogConfig;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A group coordinator over a real internal-topic partition (local shared log, no fsync) with a manual clock and
 * scheduler, a topic catalog the test controls, and a listener that records the members that left. Everything
 * runs on the test thread; {@link #restart} builds a new coordinator that replays the same partition.
 */
final class ShareFixture implements AutoCloseable {
    final ManualTime time = new ManualTime(1_700_000_000_000L);
    final FakeTopics topics = new FakeTopics();
    final ShareGroupConfig config;
    /** "group/member" of every member the listener was told about, in order. */
    final List<String> left = new ArrayList<>();
    private final LogManager logs;
    private final PartitionLog partition;
    ManualScheduler scheduler;
    GroupCoordinator coordinator;

    ShareFixture(Path dir, ShareGroupConfig config) {
        this.config = config;
        logs = new LogManager(new LocalSharedLog(LocalSharedLogConfig.defaults(dir).withFsync(false)), time,
                HighWatermarkListener.NONE);
        partition = logs.open(1, "__consumer_offsets", 0, LogConfig.DEFAULT, 0);
        logs.recover();
        restart();
    }

    GroupCoordinator restart() {
        if (coordinator != null) {
            coordinator.unload().join();
        }
        scheduler = new ManualScheduler(time);
        coordinator = new GroupCoordinator(CoordinatorPartitions.only(partition), offsets -> { }, GroupConfig.DEFAULT,
                ConsumerGroupConfig.DEFAULT, config, topics, new SerialExecutor(Runnable::run), scheduler, time);
        coordinator.shareGroupListener((group, member) -> left.add(group + "/" + member));
        coordinator.load().join();
        return coordinator;
    }

    ShareGroup group(String groupId) {
        return (ShareGroup) coordinator.inspect(groupId).join();
    }

    void advanceMs(long ms) {
        scheduler.advanceMs(ms);
    }

    ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData request) {
        try {
            return coordinator.shareGroupHeartbeat(new GroupCoordinator.Client("test-client", "/127.0.0.1", (short) 1),
                    request).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    ShareGroupHeartbeatResponseData join(String group, String memberId, List<String> topicNames) {
        return heartbeat(new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
                .setSubscribedTopicNames(topicNames));
    }

    ShareGroupHeartbeatResponseData beat(String group, String memberId, int epoch) {
        return heartbeat(new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setMemberEpoch(epoch));
    }

    ShareGroupHeartbeatResponseData leave(String group, String memberId) {
        return heartbeat(new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setMemberEpoch(-1));
    }

    @Override
    public void close() throws IOException {
        logs.close();
    }
}
