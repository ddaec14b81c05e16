package io.spillway.coordinator.group;

import io.spillway.common.Time;
import io.spillway.coordinator.group.consumer.ConsumerGroupProtocol;
import io.spillway.coordinator.group.share.ShareGroupListener;
import io.spillway.coordinator.group.share.ShareGroupProtocol;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.coordinator.runtime.CoordinatorRuntime;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The group coordinator as the broker's handlers see it: the classic group protocol (JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup), the consumer protocol of KIP-848 (ConsumerGroupHeartbeat), share groups of KIP-932
 * (ShareGroupHeartbeat, ShareGroupDescribe), committed offsets (also transactional ones) and the group admin APIs,
 * with Kafka's semantics. One group id is one group of one kind; offsets belong to the group whatever its kind
 * (share groups have none: their share-partition state is the share coordinator's).
 *
 * <p>Each call is one operation of a {@link CoordinatorRuntime} over {@code __consumer_offsets}: it runs on
 * the runtime's event thread against {@link GroupCoordinatorShard}, every change it makes is a record
 * applied by the same code that replays the topic at startup, and its future completes once those records
 * (and everything before them) are durable. The committed offsets of a stream's topics are kept in that
 * stream's own {@code /path/stream:__consumer_offsets} ({@link GroupRecordSerde#place}), so they go wherever
 * the stream goes; groups themselves, and the default stream's offsets, stay in {@code __consumer_offsets}.
 * See docs/consumer-groups.md and docs/streams.md.
 *
 * <p>Thread safe: every method may be called from any thread and returns without waiting.
 */
public final class GroupCoordinator {
    public static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private final CoordinatorRuntime<GroupCoordinatorShard, GroupRecord> runtime;
    private final AtomicReference<ShareGroupListener> shareListener = new AtomicReference<>(ShareGroupListener.NONE);

    /**
     * @param events the coordinator's event executor: runs one task at a time, in order
     */
    public GroupCoordinator(PartitionLog offsetsPartition, LogStartStore logStarts, GroupConfig config,
                            ConsumerGroupConfig consumerConfig, TopicCatalog topics, Executor events,
                            ScheduledExecutorService scheduler, Time time) {
        this(CoordinatorPartitions.only(offsetsPartition), logStarts, config, consumerConfig, topics, events, scheduler,
                time);
    }

    /**
     * @param partitions home: {@code __consumer_offsets}; places: streams, whose partitions hold their topics'
     *     committed offsets
     * @param events the coordinator's event executor: runs one task at a time, in order
     */
    public GroupCoordinator(CoordinatorPartitions partitions, LogStartStore logStarts, GroupConfig config,
                            ConsumerGroupConfig consumerConfig, TopicCatalog topics, Executor events,
                            ScheduledExecutorService scheduler, Time time) {
        this(partitions, logStarts, config, consumerConfig, ShareGroupConfig.DEFAULT, topics, events, scheduler, time);
    }

    /**
     * @param partitions home: {@code __consumer_offsets}; places: streams, whose partitions hold their topics'
     *     committed offsets
     * @param shareConfig share group settings (KIP-932)
     * @param events the coordinator's event executor: runs one task at a time, in order
     */
    public GroupCoordinator(CoordinatorPartitions partitions, LogStartStore logStarts, GroupConfig config,
                            ConsumerGroupConfig consumerConfig, ShareGroupConfig shareConfig, TopicCatalog topics,
                            Executor events, ScheduledExecutorService scheduler, Time time) {
        ShareGroupListener listener = (groupId, memberId) -> shareListener.get().memberLeft(groupId, memberId);
        this.runtime = new CoordinatorRuntime<>("group coordinator", partitions, logStarts, new GroupRecordSerde(),
                context -> new GroupCoordinatorShard(context, config, consumerConfig, shareConfig, topics, listener),
                events, scheduler, time);
    }

    /** Replays {@code __consumer_offsets} and the streams' offsets partitions; completes once the coordinator serves. */
    public CompletableFuture<Void> load() {
        return runtime.load();
    }

    /** Stops serving: parked JoinGroup/SyncGroup requests are answered NOT_COORDINATOR. */
    public CompletableFuture<Void> unload() {
        return runtime.unload();
    }

    /**
     * The live object of a group, or null (tests and tools). It belongs to the coordinator's event thread:
     * read it only where that thread is the caller's, as in tests with a same-thread executor.
     */
    public CompletableFuture<Group> inspect(String groupId) {
        return runtime.read("inspect", shard -> shard.group(groupId));
    }

    /** Rewrites its partitions as the live state now; completes once the old records are dropped. */
    public CompletableFuture<Void> compactNow() {
        return runtime.rewriteNow();
    }

    /** The internal-topic partition the coordinator keeps its groups in ({@code __consumer_offsets}). */
    public PartitionLog partition() {
        return runtime.partition();
    }

    // ---------------------------------------------------------------- classic protocol

    /** Who sent a request (for member ids and DescribeGroups). */
    public record Client(String clientId, String clientHost, short apiVersion) {
    }

    /** One member leaving: by member id, or by instance id for static members. */
    public record Leaving(String memberId, String groupInstanceId) {
    }

    /** The outcome of LeaveGroup. */
    public record LeaveResult(Errors groupError, List<Errors> memberErrors) {
    }

    /** JoinGroup: completes when the group's rebalance does (a future, no thread waits). */
    public CompletableFuture<JoinGroupResponseData> joinGroup(Client client, JoinGroupRequestData request) {
        return runtime.write("join-group", (shard, changes) -> shard.classic().joinGroup(changes, client, request))
                .thenCompose(response -> response);
    }

    /** SyncGroup: followers wait for the leader's assignment; everyone gets theirs once it is stored. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return runtime.write("sync-group", (shard, changes) -> shard.classic().syncGroup(changes, request))
                .thenCompose(response -> response);
    }

    public CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
        return runtime.write("heartbeat", (shard, changes) -> shard.classic().heartbeat(request));
    }

    /**
     * Removes members from a group: the group-level error (UNKNOWN_MEMBER_ID for an unknown group) and one
     * error per member.
     */
    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<Leaving> leaving) {
        return runtime.write("leave-group", (shard, changes) -> shard.classic().leaveGroup(changes, groupId, leaving));
    }

    // ---------------------------------------------------------------- offsets

    /**
     * Commits offsets after validating the committer against the group with Kafka's rules. Classic groups:
     * members must present the current generation; anyone may commit to a group without members.
     * Consumer-protocol groups: the member and its epoch are checked.
     *
     * @param generationOrMemberEpoch the request's generation id (classic) or member epoch (consumer protocol)
     * @param apiVersion the OffsetCommit version (v9+ answers GROUP_ID_NOT_FOUND for an unknown group)
     * @return per-partition errors, completed once the commit is durable
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, int generationOrMemberEpoch,
                                                                      String memberId, String instanceId, short apiVersion,
                                                                      Map<TopicPartition, CommittedOffset> offsets) {
        return runtime.write("offset-commit", (shard, changes) -> shard.commitOffsets(changes, groupId,
                generationOrMemberEpoch, memberId, instanceId, apiVersion, offsets));
    }

    /**
     * TxnOffsetCommit: the offsets are written as part of the producer's transaction and take effect (become
     * visible to OffsetFetch) only when its commit marker is written here ({@link #completeTransaction}).
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTransactionalOffsets(
            long producerId, short producerEpoch, String groupId, int generationOrMemberEpoch, String memberId,
            String instanceId, short apiVersion, Map<TopicPartition, CommittedOffset> offsets) {
        return runtime.writeTransactional("txn-offset-commit", producerId, producerEpoch, (shard, changes) ->
                shard.commitTransactionalOffsets(changes, groupId, generationOrMemberEpoch, memberId, instanceId,
                        apiVersion, offsets));
    }

    /** Writes the transaction marker for the producer: its pending offsets take effect or are dropped. */
    public CompletableFuture<Void> completeTransaction(long producerId, short producerEpoch, int coordinatorEpoch,
                                                       boolean commit) {
        return runtime.writeEndMarker(producerId, producerEpoch, coordinatorEpoch, commit);
    }

    /**
     * The committed offsets of a group, with the partitions whose offsets are pending in an open transaction.
     *
     * @param groupError an error for the whole group (OffsetFetch v9+ with a member that is not current)
     * @param unstable partitions answered UNSTABLE_OFFSET_COMMIT (only when stable offsets were required)
     */
    public record OffsetFetchResult(Errors groupError, Map<TopicPartition, CommittedOffset> offsets,
                                    Set<TopicPartition> unstable) {
    }

    /**
     * The committed offsets of a group: of the given partitions, or all when {@code partitions} is null.
     *
     * @param requireStable the request's require_stable (read_committed consumers): partitions with offsets
     *     pending in an open transaction answer UNSTABLE_OFFSET_COMMIT
     * @param memberId the member asking (OffsetFetch v9+), or null; a consumer-protocol group answers
     *     UNKNOWN_MEMBER_ID or STALE_MEMBER_EPOCH for a member or epoch it does not know
     */
    public CompletableFuture<OffsetFetchResult> fetchOffsets(String groupId, Collection<TopicPartition> partitions,
                                                             boolean requireStable, String memberId, int memberEpoch) {
        return runtime.read("offset-fetch", shard -> shard.fetchOffsets(groupId, partitions, requireStable, memberId,
                memberEpoch));
    }

    /**
     * A copy of every group's committed offsets (group id → partition → offset), groups without offsets left out: for
     * consumer-group lag computed outside the coordinator (metrics). Offsets pending in open transactions are not in
     * it. The copy is made on the coordinator's event thread, so its cost grows with the number of committed offsets.
     */
    public CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets() {
        return runtime.read("committed-offsets", GroupCoordinatorShard::committedOffsets);
    }

    /** OffsetDelete: the group error, and per partition NONE or GROUP_SUBSCRIBED_TO_TOPIC. */
    public record OffsetDeleteResult(Errors groupError, Map<TopicPartition, Errors> partitionErrors) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        return runtime.write("offset-delete", (shard, changes) -> shard.deleteOffsets(changes, groupId, partitions));
    }

    /** Forgets all groups' committed offsets of deleted topics; completes with how many, once durable. */
    public CompletableFuture<Integer> forgetTopics(Set<String> topicNames) {
        if (topicNames.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        Set<String> names = Set.copyOf(topicNames);
        return runtime.write("forget-deleted-topics", (shard, changes) -> shard.forgetTopics(changes, names));
    }

    /**
     * A stream was deleted with its topics and its offsets partition: the groups' offsets of its topics go with
     * them. Completes once the coordinator no longer holds them.
     */
    public CompletableFuture<Void> forgetStream(String streamPath) {
        return runtime.forgetPlace(streamPath);
    }

    /** Copies all groups' committed offsets of a topic to its new name; completes with how many, once durable. */
    public CompletableFuture<Integer> copyTopicOffsets(String from, String to) {
        return runtime.write("copy-renamed-topic-offsets", (shard, changes) -> shard.copyTopicOffsets(changes, from, to));
    }

    /** One pass of offset expiry (offsets.retention.minutes); completes with the number of offsets expired. */
    public CompletableFuture<Integer> expireOffsets() {
        return runtime.write("offset-expiry", (shard, changes) -> shard.expireOffsets(changes));
    }

    // ---------------------------------------------------------------- admin: list, describe, delete

    /** A group as ListGroups shows it. */
    public record GroupListing(String groupId, String protocolType, String state, String type) {
    }

    public CompletableFuture<List<GroupListing>> listGroups() {
        return runtime.read("list-groups", GroupCoordinatorShard::listGroups);
    }

    /** A group as DescribeGroups shows it; null when the group does not exist. */
    public record GroupDescription(String groupId, String state, String protocolType, String protocolName,
                                   List<MemberDescription> members) {
    }

    /** A member as DescribeGroups shows it (metadata and assignment only while the group is stable). */
    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
                                    byte[] metadata, byte[] assignment) {
    }

    /**
     * The group, or null when it does not exist; fails with GROUP_ID_NOT_FOUND for a consumer-protocol group,
     * as Kafka answers DescribeGroups for groups that are not classic.
     */
    public CompletableFuture<GroupDescription> describeGroup(String groupId) {
        return runtime.read("describe-group", shard -> shard.describeGroup(groupId));
    }

    /** DeleteGroups for one group: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return deleteGroupWithType(groupId).thenApply(GroupDeletion::error);
    }

    /**
     * The outcome of DeleteGroups for one group.
     *
     * @param type the kind of group it was (null when there was none): a deleted share group's share-partition
     *     state is for the caller to delete
     */
    public record GroupDeletion(Errors error, GroupType type) {
    }

    /** DeleteGroups for one group, saying which kind of group it was; completes once the deletion is durable. */
    public CompletableFuture<GroupDeletion> deleteGroupWithType(String groupId) {
        return runtime.write("delete-group", (shard, changes) -> shard.deleteGroup(changes, groupId));
    }

    // ---------------------------------------------------------------- consumer protocol (KIP-848)

    /** ConsumerGroupHeartbeat: join, heartbeat or leave; completed once the changes it made are durable. */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            Client client, ConsumerGroupHeartbeatRequestData request) {
        return runtime.write("consumer-group-heartbeat", (shard, changes) -> shard.consumer().heartbeat(changes,
                        client.clientId(), client.clientHost(), client.apiVersion(), request))
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof ApiException) {
                        return ConsumerGroupProtocol.errorResponse(cause);
                    }
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                });
    }

    /** ConsumerGroupDescribe: one described group (or its error) per id, in order. */
    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds) {
        return runtime.read("consumer-group-describe", shard -> shard.consumerGroupDescribe(groupIds));
    }

    // ---------------------------------------------------------------- share groups (KIP-932)

    /** ShareGroupHeartbeat: join, heartbeat or leave; completed once the changes it made are durable. */
    public CompletableFuture<ShareGroupHeartbeatResponseData> shareGroupHeartbeat(Client client,
                                                                                ShareGroupHeartbeatRequestData request) {
        return runtime.write("share-group-heartbeat", (shard, changes) -> shard.share().heartbeat(changes,
                        client.clientId(), client.clientHost(), request))
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof ApiException) {
                        return ShareGroupProtocol.errorResponse(cause);
                    }
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                });
    }

    /** ShareGroupDescribe: one described group (or its GROUP_ID_NOT_FOUND) per id, in order. */
    public CompletableFuture<List<ShareGroupDescribeResponseData.DescribedGroup>> shareGroupDescribe(
            List<String> groupIds) {
        return runtime.read("share-group-describe", shard -> shard.shareGroupDescribe(groupIds));
    }

    /**
     * Sets who is told when a share-group member goes (left, fenced, session expired, group deleted); replaces
     * the previous listener. See {@link ShareGroupListener} for the thread it is called on.
     */
    public void shareGroupListener(ShareGroupListener listener) {
        shareListener.set(listener == null ? ShareGroupListener.NONE : listener);
    }

    /** Whether the member belongs to the share group now (ShareFetch and ShareAcknowledge check it). */
    public CompletableFuture<Boolean> isShareGroupMember(String groupId, String memberId) {
        return runtime.read("is-share-group-member", shard -> shard.isShareGroupMember(groupId, memberId));
    }

    /**
     * Before an admin replaces or deletes a share group's share-partition state: NONE when the group is a share
     * group without members; GROUP_ID_NOT_FOUND for an unknown group (unless {@code createIfMissing}, which creates
     * it empty as Kafka's AlterShareGroupOffsets does) or a group of another kind; NON_EMPTY_GROUP while it has
     * members. Completes once a group it created is durable.
     */
    public CompletableFuture<ApiError> prepareShareGroupOffsetsChange(String groupId, boolean createIfMissing) {
        return runtime.write("share-group-offsets-check", (shard, changes) ->
                shard.share().prepareOffsetsChange(changes, groupId, createIfMissing));
    }
}
