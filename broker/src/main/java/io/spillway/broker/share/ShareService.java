package io.spillway.broker.share;

import io.spillway.broker.fetch.FetchPurgatory;
import io.spillway.common.Time;
import io.spillway.coordinator.share.ShareStateStore;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The broker's share-group queue service (KIP-932): the share-partitions it serves and the share sessions of
 * the consumers fetching from them, shared by the ShareFetch and ShareAcknowledge handlers, and told by the group
 * coordinator when a member leaves. Thread safe.
 */
public final class ShareService {
    /** Kafka's default group.share.max.share.sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 2000;

    private final ShareStateStore store;
    private final SharePartitions partitions;
    private final ShareSessions sessions;

    /**
     * @param scheduler triggers the lock sweeper, whose work runs on {@code workers} (it may wait for a
     *     share-partition busy reading the log, which must not delay the shared scheduler)
     */
    public ShareService(ShareStateStore store, Function<String, ShareGroupSettings> settings, FetchPurgatory purgatory,
                        ScheduledExecutorService scheduler, Executor workers, Time time, int maxSessions) {
        this.store = store;
        this.partitions = new SharePartitions(store, settings, purgatory, scheduler, workers, time);
        this.sessions = new ShareSessions(maxSessions);
    }

    /** The service with the broker's settings and each group's configs. */
    public static ShareService create(ShareStateStore store, Map<String, String> brokerConfigs,
                                      Function<String, Map<String, String>> groupConfigs, FetchPurgatory purgatory,
                                      ScheduledExecutorService scheduler, Executor workers, Time time) {
        int maxSessions = DEFAULT_MAX_SESSIONS;
        String configured = brokerConfigs.get("group.share.max.share.sessions");
        if (configured != null) {
            maxSessions = Integer.parseInt(configured.trim());
        }
        return new ShareService(store, ShareGroupSettings.resolver(brokerConfigs, groupConfigs), purgatory, scheduler,
                workers, time, maxSessions);
    }

    /** A member left its share group (it left, was fenced, or its session timed out): release what it held. */
    public void memberLeft(String groupId, String memberId) {
        sessions.removeMember(groupId, memberId);
        partitions.memberLeft(groupId, memberId);
    }

    /** The share coordinator's store of share-partition state (admin operations read and replace it). */
    public ShareStateStore store() {
        return store;
    }

    SharePartitions partitions() {
        return partitions;
    }

    ShareSessions sessions() {
        return sessions;
    }

    public void close() {
        partitions.close();
    }
}
