package io.spillway.coordinator.group;

import io.spillway.common.Time;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToLongFunction;

/**
 * The group coordinator for the classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup), the consumer protocol of KIP-848 (ConsumerGroupHeartbeat, through
 * {@link ConsumerGroupProtocol}) and committed offsets, with Kafka's semantics. One group id is one
 * group of either kind ({@link Group}); offsets belong to the group whatever its kind. Every change
 * that must survive a restart (offsets, generations, members, assignments) is a record in the
 * coordinator's internal topic, replayed by {@link #load}; responses that depend on such a change are
 * sent once it is durable. See docs/consumer-groups.md.
 *
 * <p>Thread safe: each group is guarded by its own monitor; nobody waits on a thread: joins and
 * syncs that must wait are futures completed by later requests or by timers on the shared scheduler.
 */
public final class GroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    public static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final CoordinatorLog records;
    private final GroupConfig config;
    private final ScheduledExecutorService scheduler;
    private final Time time;
    private final ConsumerGroupProtocol consumerProtocol;
    private final ClassicGroupProtocol classicProtocol;

    /** A coordinator for classic groups only: consumer-protocol groups see no topics. */
    public GroupCoordinator(PartitionLog offsetsPartition, LogStartStore logStarts, GroupConfig config,
                            ScheduledExecutorService scheduler, Time time) {
        this(offsetsPartition, logStarts, config, ConsumerGroupConfig.DEFAULT, TopicCatalog.EMPTY, scheduler, time);
    }

    public GroupCoordinator(PartitionLog offsetsPartition, LogStartStore logStarts, GroupConfig config,
                            ConsumerGroupConfig consumerConfig, TopicCatalog topics,
                            ScheduledExecutorService scheduler, Time time) {
        this.records = new CoordinatorLog(offsetsPartition, logStarts);
        this.config = config;
        this.scheduler = scheduler;
        this.time = time;
        this.consumerProtocol = new ConsumerGroupProtocol(groups, records, consumerConfig, topics, scheduler, time);
        this.classicProtocol = new ClassicGroupProtocol(groups, records, config, consumerProtocol, scheduler, time);
    }

    // ---------------------------------------------------------------- loading and housekeeping

    /** Replays the internal topic: offsets and groups as they were; members get a fresh session timeout. */
    public void load() {
        long nowMs = time.nowMs();
        records.replay((key, value) -> GroupRecords.replay(key, value, nowMs, new GroupRecords.Visitor() {
            @Override
            public void offset(String group, String topic, int partition, CommittedOffset offset) {
                TopicPartition tp = new TopicPartition(topic, partition);
                if (offset == null) {
                    Group g = groups.get(group);
                    if (g != null) {
                        g.offsets.remove(tp);
                    }
                } else {
                    groups.computeIfAbsent(group, id -> new ClassicGroup(id, nowMs)).offsets.put(tp, offset);
                }
            }

            @Override
            public void group(String group, ClassicGroup restored) {
                Group previous = groups.get(group);
                if (restored != null) {
                    if (previous != null) {
                        restored.offsets.putAll(previous.offsets);
                    }
                    groups.put(group, restored);
                } else if (previous instanceof ClassicGroup) {
                    groups.remove(group);
                    keepOffsetsOnly(group, previous, nowMs);
                }
            }

            @Override
            public void consumerGroup(String group, ConsumerGroupRecord record) {
                Group previous = groups.get(group);
                ConsumerGroup consumer;
                if (previous instanceof ConsumerGroup c) {
                    consumer = c;
                } else {
                    if (record instanceof ConsumerGroupRecord.GroupDeleted) {
                        return;
                    }
                    consumer = new ConsumerGroup(group);
                    if (previous != null) {
                        consumer.offsets.putAll(previous.offsets);
                    }
                    groups.put(group, consumer);
                }
                consumer.apply(record);
                if (consumer.isDead()) {
                    groups.remove(group);
                    keepOffsetsOnly(group, consumer, nowMs);
                }
            }
        }));
        for (Group group : groups.values()) {
            synchronized (group) {
                if (group instanceof ClassicGroup classic) {
                    classic.members.values().forEach(m -> classicProtocol.scheduleSessionExpiry(classic, m));
                } else if (group instanceof ConsumerGroup consumer) {
                    consumerProtocol.startTimers(consumer);
                }
            }
        }
        log.info("Group coordinator loaded {} groups from its internal topic", groups.size());
        compactIfLarge();
    }

    /** After a group's records were deleted on replay, its offsets live on in a group without members. */
    private void keepOffsetsOnly(String groupId, Group gone, long nowMs) {
        if (!gone.offsets.isEmpty()) {
            ClassicGroup offsetsOnly = new ClassicGroup(groupId, nowMs);
            offsetsOnly.offsets.putAll(gone.offsets);
            groups.put(groupId, offsetsOnly);
        }
    }

    /**
     * Expires offsets as Kafka does. An offset of a topic its group does not consume expires at its own
     * expire time (OffsetCommit v2-v4) or offsets.retention after a base time: the commit for groups
     * without a protocol (simple consumers, admin tools), stable classic consumer groups and
     * consumer-protocol groups; the moment it became empty for an empty classic group. Other classic
     * groups (rebalancing, or not consumer groups) keep their offsets. A group left without members
     * and offsets is deleted.
     */
    public void expireOffsets() {
        long nowMs = time.nowMs();
        for (Group group : groups.values()) {
            List<CoordinatorLog.Entry> tombstones = new ArrayList<>();
            synchronized (group) {
                ToLongFunction<CommittedOffset> base = expirationBase(group);
                if (group.isDead() || base == null) {
                    continue;
                }
                Set<String> subscribed = group.subscribedTopics();
                List<TopicPartition> expired = new ArrayList<>();
                group.offsets.forEach((tp, offset) -> {
                    if (!subscribed.contains(tp.topic())
                            && offset.isExpired(nowMs, base.applyAsLong(offset), config.offsetsRetentionMs())) {
                        expired.add(tp);
                    }
                });
                for (TopicPartition tp : expired) {
                    group.offsets.remove(tp);
                    tombstones.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(group.groupId, tp.topic(), tp.partition()), null));
                }
                if (group instanceof ClassicGroup classic) {
                    if (classic.isEmpty() && classic.offsets.isEmpty() && classic.pendingMemberIds.isEmpty()) {
                        tombstones.add(new CoordinatorLog.Entry(GroupRecords.groupKey(classic.groupId), null));
                        classic.transitionTo(GroupState.DEAD, nowMs);
                        groups.remove(classic.groupId, classic);
                    }
                } else if (group instanceof ConsumerGroup consumer && consumer.isEmpty() && consumer.offsets.isEmpty()) {
                    tombstones.addAll(consumerProtocol.delete(consumer));
                    groups.remove(consumer.groupId, consumer);
                }
                if (!tombstones.isEmpty()) {
                    records.append(tombstones, nowMs);
                    if (!expired.isEmpty()) {
                        log.info("Expired {} offsets of group {}", expired.size(), group.groupId);
                    }
                }
            }
        }
        compactIfLarge();
    }

    /** The time an offset's retention counts from in this group, or null when its offsets do not expire now. */
    private static ToLongFunction<CommittedOffset> expirationBase(Group group) {
        if (group instanceof ClassicGroup classic) {
            if (classic.protocolType == null) {
                return CommittedOffset::commitTimestampMs;
            }
            if (classic.state == GroupState.EMPTY) {
                long emptySinceMs = classic.stateSinceMs;
                return offset -> emptySinceMs;
            }
            if (CONSUMER_PROTOCOL_TYPE.equals(classic.protocolType) && classic.state == GroupState.STABLE) {
                return CommittedOffset::commitTimestampMs;
            }
            return null;
        }
        return CommittedOffset::commitTimestampMs;
    }

    private void compactIfLarge() {
        int live = groups.values().stream().mapToInt(g -> g.offsets.size() + 1
                + (g instanceof ConsumerGroup c ? 3 * c.members.size() + 1 : 0)).sum();
        if (records.wantsRewrite(live)) {
            compactNow();
        }
    }

    /** Rewrites the internal topic as the live state only (offsets and groups of both kinds). */
    void compactNow() {
        synchronized (this) {
            List<Group> all = new ArrayList<>(groups.values());
            lockAll(all, 0, () -> {
                List<CoordinatorLog.Entry> snapshot = new ArrayList<>();
                for (Group g : all) {
                    if (g.isDead()) {
                        continue;
                    }
                    g.offsets.forEach((tp, o) -> snapshot.add(new CoordinatorLog.Entry(
                            GroupRecords.offsetKey(g.groupId, tp.topic(), tp.partition()), GroupRecords.offsetValue(o))));
                    if (g instanceof ClassicGroup c && (c.protocolType != null || !c.members.isEmpty())) {
                        snapshot.add(new CoordinatorLog.Entry(GroupRecords.groupKey(c.groupId), GroupRecords.groupValue(c)));
                    } else if (g instanceof ConsumerGroup c) {
                        ConsumerGroupRecords.snapshot(c).forEach(r -> snapshot.add(ConsumerGroupRecords.entry(c.groupId, r)));
                    }
                }
                records.rewrite(snapshot, time.nowMs());
                log.info("Rewrote the group coordinator's internal topic: {} live records", snapshot.size());
            });
        }
    }

    /** Runs {@code action} holding the monitors of all groups, so no group changes during a rewrite. */
    private static void lockAll(List<Group> all, int index, Runnable action) {
        if (index == all.size()) {
            action.run();
            return;
        }
        synchronized (all.get(index)) {
            lockAll(all, index + 1, action);
        }
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
        return classicProtocol.joinGroup(client, request);
    }

    /** SyncGroup: followers wait for the leader's assignment; everyone gets theirs once it is stored. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return classicProtocol.syncGroup(request);
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        return classicProtocol.heartbeat(request);
    }

    /**
     * Removes members from a group.
     *
     * @return the group-level error (UNKNOWN_MEMBER_ID for an unknown group) and one error per member
     */
    public LeaveResult leaveGroup(String groupId, List<Leaving> leaving) {
        return classicProtocol.leaveGroup(groupId, leaving);
    }

    /** The classic group of that id, or null if there is none (or the id is a consumer-protocol group). */
    // ---------------------------------------------------------------- offsets

    /**
     * Commits offsets after validating the committer against the group with Kafka's rules. Classic
     * groups: members must present the current generation; anyone may commit to a group without
     * members. Consumer-protocol groups: see {@link ConsumerGroup#validateOffsetCommit}.
     *
     * @param generationOrMemberEpoch the request's generation id (classic) or member epoch (consumer protocol)
     * @param apiVersion the OffsetCommit version (v9+ answers GROUP_ID_NOT_FOUND for an unknown group)
     * @return per-partition errors, completed once the commit is durable
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, int generationOrMemberEpoch,
                                                                      String memberId, String instanceId, short apiVersion,
                                                                      Map<TopicPartition, CommittedOffset> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(allErrors(offsets.keySet(), Errors.INVALID_GROUP_ID));
        }
        int generation = generationOrMemberEpoch;
        while (true) {
            Group found = generation < 0
                    ? groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.nowMs()))
                    : groups.get(groupId);
            if (found == null) {
                return CompletableFuture.completedFuture(allErrors(offsets.keySet(),
                        apiVersion >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION));
            }
            synchronized (found) {
                Errors error;
                if (found instanceof ConsumerGroup consumer) {
                    if (consumer.isDead()) {
                        continue;
                    }
                    error = consumer.validateOffsetCommit(memberId, generation, apiVersion, offsets.keySet(),
                            consumerProtocol.catalog());
                } else {
                    error = validateClassicCommit((ClassicGroup) found, generation, memberId, instanceId);
                }
                if (error != Errors.NONE) {
                    return CompletableFuture.completedFuture(allErrors(offsets.keySet(), error));
                }
                return storeOffsets(found, memberId, offsets);
            }
        }
    }

    private static Errors validateClassicCommit(ClassicGroup group, int generation, String memberId, String instanceId) {
        if (group.state == GroupState.DEAD) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.isEmpty()) {
            return Errors.NONE;
        }
        Errors error = ClassicGroupProtocol.checkMember(group, memberId, instanceId);
        if (error == Errors.NONE && generation != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (error == Errors.NONE && group.state == GroupState.COMPLETING_REBALANCE) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return error;
    }

    /** Caller holds the group's monitor and has validated the committer. */
    private CompletableFuture<Map<TopicPartition, Errors>> storeOffsets(Group group, String memberId,
                                                                       Map<TopicPartition, CommittedOffset> offsets) {
        String groupId = group.groupId;
        Map<TopicPartition, Errors> results = new HashMap<>();
        List<CoordinatorLog.Entry> entries = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset.metadata() != null && offset.metadata().length() > config.offsetMetadataMaxBytes()) {
                results.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
            } else {
                results.put(tp, Errors.NONE);
                accepted.put(tp, offset);
                entries.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()),
                        GroupRecords.offsetValue(offset)));
            }
        });
        if (group instanceof ClassicGroup classic && !classic.isEmpty()) {
            ClassicMember member = classic.member(memberId);
            if (member != null) {
                classicProtocol.scheduleSessionExpiry(classic, member);
            }
        }
        return records.append(entries, time.nowMs()).handle((ok, failure) -> {
            if (failure != null) {
                log.warn("Offset commit of group {} failed to persist: {}", groupId, failure.getMessage());
                return allErrors(offsets.keySet(), Errors.COORDINATOR_NOT_AVAILABLE);
            }
            synchronized (group) {
                group.offsets.putAll(accepted);
            }
            return results;
        });
    }

    private static Map<TopicPartition, Errors> allErrors(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new HashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }

    /** The committed offsets of a group: of the given partitions, or all when {@code partitions} is null. */
    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, Collection<TopicPartition> partitions) {
        Group group = groups.get(groupId);
        Map<TopicPartition, CommittedOffset> result = new HashMap<>();
        if (group == null) {
            return result;
        }
        synchronized (group) {
            if (partitions == null) {
                result.putAll(group.offsets);
            } else {
                for (TopicPartition tp : partitions) {
                    CommittedOffset o = group.offsets.get(tp);
                    if (o != null) {
                        result.put(tp, o);
                    }
                }
            }
        }
        return result;
    }

    /**
     * OffsetFetch v9+ names the member that asks: a consumer-protocol group answers UNKNOWN_MEMBER_ID or
     * STALE_MEMBER_EPOCH for a member or epoch it does not know; classic groups do not check.
     */
    public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        if (!(groups.get(groupId) instanceof ConsumerGroup consumer)) {
            return Errors.NONE;
        }
        synchronized (consumer) {
            return consumer.isDead() ? Errors.NONE : consumer.validateOffsetFetch(memberId, memberEpoch);
        }
    }

    /** OffsetDelete: the group error, and per partition NONE or GROUP_SUBSCRIBED_TO_TOPIC. */
    public record OffsetDeleteResult(Errors groupError, Map<TopicPartition, Errors> partitionErrors) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        Group group = groups.get(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        synchronized (group) {
            if (group.isDead()) {
                return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
            }
            if (group instanceof ClassicGroup classic && !classic.isEmpty()
                    && !CONSUMER_PROTOCOL_TYPE.equals(classic.protocolType)) {
                return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
            }
            java.util.Set<String> subscribed = group.subscribedTopics();
            Map<TopicPartition, Errors> results = new HashMap<>();
            List<CoordinatorLog.Entry> tombstones = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (subscribed.contains(tp.topic())) {
                    results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    results.put(tp, Errors.NONE);
                    if (group.offsets.remove(tp) != null) {
                        tombstones.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null));
                    }
                }
            }
            return records.append(tombstones, time.nowMs()).thenApply(ok -> new OffsetDeleteResult(Errors.NONE, results));
        }
    }

    // ---------------------------------------------------------------- admin: list, describe, delete

    /** A group as ListGroups shows it. */
    public record GroupListing(String groupId, String protocolType, String state, String type) {
    }

    public List<GroupListing> listGroups() {
        List<GroupListing> listings = new ArrayList<>();
        for (Group group : groups.values()) {
            synchronized (group) {
                if (!group.isDead()) {
                    listings.add(new GroupListing(group.groupId, group.protocolType(), group.stateName(),
                            group.type().kafkaName()));
                }
            }
        }
        return listings;
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
     * @throws GroupIdNotFoundException for a consumer-protocol group, as Kafka answers DescribeGroups
     *     for groups that are not classic
     */
    public GroupDescription describeGroup(String groupId) {
        Group found = groups.get(groupId);
        if (found instanceof ConsumerGroup consumer) {
            synchronized (consumer) {
                if (consumer.isDead()) {
                    return null;
                }
            }
            throw new GroupIdNotFoundException("Group " + groupId + " is not a classic group.");
        }
        ClassicGroup group = (ClassicGroup) found;
        if (group == null) {
            return null;
        }
        synchronized (group) {
            if (group.state == GroupState.DEAD) {
                return null;
            }
            boolean stable = group.state == GroupState.STABLE;
            List<MemberDescription> members = new ArrayList<>();
            for (ClassicMember m : group.members.values()) {
                members.add(new MemberDescription(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(group.protocolName) : new byte[0], stable ? m.assignment : new byte[0]));
            }
            return new GroupDescription(group.groupId, group.state.kafkaName(),
                    group.protocolType == null ? "" : group.protocolType,
                    stable ? group.protocolName : "", members);
        }
    }

    /** DeleteGroups for one group: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        Group group = groups.get(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        synchronized (group) {
            if (group.isDead()) {
                return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
            }
            if (!group.isEmpty()) {
                return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
            }
            List<CoordinatorLog.Entry> tombstones = new ArrayList<>();
            group.offsets.keySet().forEach(tp -> tombstones.add(new CoordinatorLog.Entry(
                    GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null)));
            group.offsets.clear();
            if (group instanceof ConsumerGroup consumer) {
                tombstones.addAll(consumerProtocol.delete(consumer));
            } else {
                tombstones.add(new CoordinatorLog.Entry(GroupRecords.groupKey(groupId), null));
                ((ClassicGroup) group).transitionTo(GroupState.DEAD, time.nowMs());
            }
            groups.remove(groupId, group);
            return records.append(tombstones, time.nowMs()).handle((ok, error) ->
                    error == null ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    // ---------------------------------------------------------------- consumer protocol (KIP-848)

    /** ConsumerGroupHeartbeat: join, heartbeat or leave; completed once the changes it made are durable. */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            Client client, ConsumerGroupHeartbeatRequestData request) {
        return consumerProtocol.heartbeat(client.clientId(), client.clientHost(), client.apiVersion(), request);
    }

    /** ConsumerGroupDescribe: one described group (or its error) per id, in order. */
    public List<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(List<String> groupIds) {
        List<ConsumerGroupDescribeResponseData.DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            Group group = groups.get(groupId);
            ConsumerGroupDescribeResponseData.DescribedGroup described = null;
            String error = "Group " + groupId + " not found.";
            if (group instanceof ConsumerGroup consumer) {
                synchronized (consumer) {
                    if (!consumer.isDead()) {
                        described = ConsumerGroupDescriber.describe(consumer, consumerProtocol.assignorOf(consumer),
                                consumerProtocol.catalog());
                    }
                }
            } else if (group != null) {
                error = "Group " + groupId + " is not a consumer group.";
            }
            out.add(described != null ? described : new ConsumerGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(groupId).setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(error));
        }
        return out;
    }

}
