package io.spillway.coordinator.group;

import io.spillway.common.Time;
import io.spillway.coordinator.group.GroupCoordinator.GroupDeletion;
import io.spillway.coordinator.group.GroupCoordinator.GroupDescription;
import io.spillway.coordinator.group.GroupCoordinator.GroupListing;
import io.spillway.coordinator.group.GroupCoordinator.MemberDescription;
import io.spillway.coordinator.group.GroupCoordinator.OffsetDeleteResult;
import io.spillway.coordinator.group.GroupCoordinator.OffsetFetchResult;
import io.spillway.coordinator.group.classic.ClassicGroup;
import io.spillway.coordinator.group.classic.ClassicGroupProtocol;
import io.spillway.coordinator.group.classic.ClassicMember;
import io.spillway.coordinator.group.classic.GroupState;
import io.spillway.coordinator.group.consumer.ConsumerGroup;
import io.spillway.coordinator.group.consumer.ConsumerGroupProtocol;
import io.spillway.coordinator.group.share.ShareGroup;
import io.spillway.coordinator.group.share.ShareGroupListener;
import io.spillway.coordinator.group.share.ShareGroupProtocol;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorContext;
import io.spillway.coordinator.runtime.CoordinatorShard;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The group coordinator's state and operations over {@code __consumer_offsets}: groups of every protocol
 * (through {@link ClassicGroupProtocol}, {@link ConsumerGroupProtocol} and {@link ShareGroupProtocol}), committed offsets, offsets
 * pending in transactions, and the admin operations. State changes only in {@link #replay} and
 * {@link #replayEndTransaction}; operations add {@link GroupRecord}s to their {@link Changes}.
 *
 * <p>Not thread safe: owned by the group coordinator runtime's event thread.
 */
final class GroupCoordinatorShard implements CoordinatorShard<GroupRecord> {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorShard.class);

    private final Map<String, Group> groups = new HashMap<>();
    /** Offsets committed in transactions not yet decided: producer id → group id → partition → offset. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pendingTransactions = new HashMap<>();
    private final GroupConfig config;
    private final Time time;
    private final ConsumerGroupProtocol consumerProtocol;
    private final ClassicGroupProtocol classicProtocol;
    private final ShareGroupProtocol shareProtocol;
    /** False while the partition is being replayed: nothing transient exists yet. */
    private boolean loaded;

    GroupCoordinatorShard(CoordinatorContext<GroupRecord> context, GroupConfig config, ConsumerGroupConfig consumerConfig,
                          ShareGroupConfig shareConfig, TopicCatalog topics, ShareGroupListener shareListener) {
        this.config = config;
        this.time = context.time();
        this.consumerProtocol = new ConsumerGroupProtocol(groups, consumerConfig, topics, context.timer(), time);
        this.classicProtocol = new ClassicGroupProtocol(groups, config, consumerProtocol, context.timer(), time);
        this.shareProtocol = new ShareGroupProtocol(groups, shareConfig, topics, context.timer(), time, shareListener);
    }

    Group group(String groupId) {
        return groups.get(groupId);
    }

    ClassicGroupProtocol classic() {
        return classicProtocol;
    }

    ConsumerGroupProtocol consumer() {
        return consumerProtocol;
    }

    ShareGroupProtocol share() {
        return shareProtocol;
    }

    // ---------------------------------------------------------------- replay: the only place state changes

    @Override
    public void replay(GroupRecord record, long producerId, short producerEpoch) {
        if (record instanceof OffsetCommitRecord r) {
            replayOffset(r, producerId);
        } else if (record instanceof ClassicGroupRecord r) {
            replayClassicGroup(r);
        } else if (record instanceof ConsumerGroupChange r) {
            replayConsumerGroupChange(r);
        } else if (record instanceof ShareGroupChange r) {
            replayShareGroupChange(r);
        }
    }

    private void replayShareGroupChange(ShareGroupChange r) {
        Group previous = groups.get(r.groupId());
        ShareGroup share;
        if (previous instanceof ShareGroup s) {
            share = s;
        } else {
            if (r.change() instanceof io.spillway.coordinator.group.share.ShareGroupRecord.GroupDeleted) {
                return;
            }
            // Only an empty classic group (offsets only) can be here; Kafka would refuse the share group, so a
            // share group record after it can only come from a newer broker's log: the share group wins.
            share = new ShareGroup(r.groupId());
            groups.put(r.groupId(), share);
        }
        share.apply(r.change());
        if (share.isDead()) {
            groups.remove(r.groupId());
        }
    }

    private void replayOffset(OffsetCommitRecord r, long producerId) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (producerId >= 0) {
            if (r.offset() != null) {
                pendingTransactions.computeIfAbsent(producerId, id -> new HashMap<>())
                        .computeIfAbsent(r.groupId(), id -> new HashMap<>()).put(tp, r.offset());
            }
            return;
        }
        if (r.offset() == null) {
            Group group = groups.get(r.groupId());
            if (group != null) {
                group.offsets().remove(tp);
            }
        } else {
            groups.computeIfAbsent(r.groupId(), id -> new ClassicGroup(id, time.nowMs())).offsets().put(tp, r.offset());
        }
    }

    private void replayClassicGroup(ClassicGroupRecord r) {
        Group previous = groups.get(r.groupId());
        if (r.snapshot() == null) {
            if (previous instanceof ClassicGroup classic) {
                classic.markDead(time.nowMs());
                groups.remove(r.groupId());
                keepOffsetsOnly(r.groupId(), classic);
            }
            return;
        }
        if (loaded && previous instanceof ClassicGroup classic && !classic.isDead()) {
            // Live, the record was made from this very group, which may be mid-rebalance: update what it stores.
            classic.apply(r.snapshot());
            return;
        }
        // Loading: the record is the group as it was (members, generation, assignments); nothing else exists yet.
        ClassicGroup restored = ClassicGroup.restore(r.groupId(), r.snapshot(), time.nowMs());
        if (previous != null) {
            restored.offsets().putAll(previous.offsets());
        }
        groups.put(r.groupId(), restored);
    }

    private void replayConsumerGroupChange(ConsumerGroupChange r) {
        Group previous = groups.get(r.groupId());
        ConsumerGroup consumer;
        if (previous instanceof ConsumerGroup c) {
            consumer = c;
        } else {
            if (r.change() instanceof io.spillway.coordinator.group.consumer.ConsumerGroupRecord.GroupDeleted) {
                return;
            }
            consumer = new ConsumerGroup(r.groupId());
            if (previous != null) {
                consumer.offsets().putAll(previous.offsets());
            }
            groups.put(r.groupId(), consumer);
        }
        consumer.apply(r.change());
        if (consumer.isDead()) {
            groups.remove(r.groupId());
            keepOffsetsOnly(r.groupId(), consumer);
        }
    }

    /** After a group's records were deleted, its offsets live on in a group without members. */
    private void keepOffsetsOnly(String groupId, Group gone) {
        if (!gone.offsets().isEmpty()) {
            ClassicGroup offsetsOnly = new ClassicGroup(groupId, time.nowMs());
            offsetsOnly.offsets().putAll(gone.offsets());
            groups.put(groupId, offsetsOnly);
        }
    }

    /** Decides the producer's pending offsets kept in the marker's partition: those of topics in {@code place}. */
    @Override
    public void replayEndTransaction(long producerId, boolean committed, String place) {
        Map<String, Map<TopicPartition, CommittedOffset>> pending = pendingTransactions.get(producerId);
        if (pending == null) {
            return;
        }
        pending.entrySet().removeIf(byGroup -> {
            Map<TopicPartition, CommittedOffset> decided = new HashMap<>();
            byGroup.getValue().entrySet().removeIf(e -> {
                if (!Objects.equals(GroupRecordSerde.placeOfTopic(e.getKey().topic()), place)) {
                    return false;
                }
                decided.put(e.getKey(), e.getValue());
                return true;
            });
            if (committed && !decided.isEmpty()) {
                groups.computeIfAbsent(byGroup.getKey(), id -> new ClassicGroup(id, time.nowMs())).offsets()
                        .putAll(decided);
            }
            return byGroup.getValue().isEmpty();
        });
        if (pending.isEmpty()) {
            pendingTransactions.remove(producerId);
        }
    }

    /** The stream {@code place} was deleted with its offsets partition: its topics' offsets go with it. */
    @Override
    public void forgetPlace(String place) {
        for (Group group : groups.values()) {
            group.offsets().keySet().removeIf(tp -> place.equals(GroupRecordSerde.placeOfTopic(tp.topic())));
        }
        pendingTransactions.values().removeIf(byGroup -> {
            byGroup.values().removeIf(offsets -> {
                offsets.keySet().removeIf(tp -> place.equals(GroupRecordSerde.placeOfTopic(tp.topic())));
                return offsets.isEmpty();
            });
            return byGroup.isEmpty();
        });
    }

    @Override
    public void onLoaded() {
        loaded = true;
        for (Group group : groups.values()) {
            if (group instanceof ClassicGroup classic) {
                classicProtocol.startTimers(classic);
            } else if (group instanceof ConsumerGroup consumer) {
                consumerProtocol.startTimers(consumer);
            } else if (group instanceof ShareGroup share) {
                shareProtocol.startTimers(share);
            }
        }
        log.info("Group coordinator serves {} groups ({} transactions with pending offsets)", groups.size(),
                pendingTransactions.size());
    }

    @Override
    public void onUnloaded() {
        for (Group group : groups.values()) {
            if (group instanceof ClassicGroup classic) {
                ClassicGroupProtocol.failParked(classic, Errors.NOT_COORDINATOR);
            }
        }
    }

    @Override
    public List<GroupRecord> snapshot() {
        List<GroupRecord> live = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.isDead()) {
                continue;
            }
            g.offsets().forEach((tp, o) -> live.add(new OffsetCommitRecord(g.groupId(), tp.topic(), tp.partition(), o)));
            live.addAll(g.snapshot());
        }
        return live;
    }

    // ---------------------------------------------------------------- offsets

    /** Kafka's rules for who may commit; see {@link GroupCoordinator#commitOffsets}. */
    Map<TopicPartition, Errors> commitOffsets(Changes<GroupRecord> changes, String groupId, int generationOrMemberEpoch,
                                              String memberId, String instanceId, short apiVersion,
                                              Map<TopicPartition, CommittedOffset> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return allErrors(offsets.keySet(), Errors.INVALID_GROUP_ID);
        }
        Group group = groups.get(groupId);
        Errors error;
        if (group == null) {
            error = generationOrMemberEpoch < 0 ? Errors.NONE
                    : apiVersion >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        } else if (group instanceof ShareGroup) {
            error = Errors.GROUP_ID_NOT_FOUND; // Kafka: "Group ... is not a consumer group."
        } else if (group instanceof ConsumerGroup consumer) {
            error = consumer.validateOffsetCommit(memberId, generationOrMemberEpoch, apiVersion, offsets.keySet(),
                    consumerProtocol.catalog(), false);
        } else {
            error = validateClassicCommit((ClassicGroup) group, generationOrMemberEpoch, memberId, instanceId, false);
        }
        if (error != Errors.NONE) {
            return allErrors(offsets.keySet(), error);
        }
        Map<TopicPartition, Errors> results = store(changes, groupId, offsets);
        if (group instanceof ClassicGroup classic && !classic.isEmpty()) {
            classic.members().stream().filter(m -> m.memberId().equals(memberId)).findFirst()
                    .ifPresent(m -> classicProtocol.scheduleSessionExpiry(classic, m));
        }
        return results;
    }

    /**
     * TxnOffsetCommit: validated as Kafka validates transactional commits (generation or member epoch when
     * the client names its member), written as records of the producer's transaction.
     */
    Map<TopicPartition, Errors> commitTransactionalOffsets(Changes<GroupRecord> changes, String groupId,
                                                           int generationOrMemberEpoch, String memberId,
                                                           String instanceId, short apiVersion,
                                                           Map<TopicPartition, CommittedOffset> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return allErrors(offsets.keySet(), Errors.INVALID_GROUP_ID);
        }
        Group group = groups.get(groupId);
        Errors error;
        if (group == null) {
            error = generationOrMemberEpoch < 0 ? Errors.NONE
                    : apiVersion >= 6 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        } else if (group instanceof ShareGroup) {
            error = Errors.GROUP_ID_NOT_FOUND;
        } else if (group instanceof ConsumerGroup consumer) {
            boolean anonymous = generationOrMemberEpoch == -1 && (memberId == null || memberId.isEmpty())
                    && instanceId == null;
            error = anonymous ? Errors.NONE : consumer.validateOffsetCommit(memberId, generationOrMemberEpoch,
                    apiVersion, offsets.keySet(), consumerProtocol.catalog(), true);
            if (error == Errors.STALE_MEMBER_EPOCH && apiVersion < 6) {
                error = Errors.ILLEGAL_GENERATION;
            }
        } else {
            error = validateClassicCommit((ClassicGroup) group, generationOrMemberEpoch, memberId, instanceId, true);
        }
        if (error != Errors.NONE) {
            return allErrors(offsets.keySet(), error);
        }
        return store(changes, groupId, offsets);
    }

    private Map<TopicPartition, Errors> store(Changes<GroupRecord> changes, String groupId,
                                              Map<TopicPartition, CommittedOffset> offsets) {
        Map<TopicPartition, Errors> results = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset.metadata() != null && offset.metadata().length() > config.offsetMetadataMaxBytes()) {
                results.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
            } else {
                results.put(tp, Errors.NONE);
                changes.add(new OffsetCommitRecord(groupId, tp.topic(), tp.partition(), offset));
            }
        });
        return results;
    }

    /** Kafka's ClassicGroup.validateOffsetCommit, for plain and transactional commits. */
    private static Errors validateClassicCommit(ClassicGroup group, int generation, String memberId, String instanceId,
                                                boolean transactional) {
        if (group.isDead()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.state() == GroupState.EMPTY) {
            return Errors.NONE;
        }
        boolean namesMember = generation >= 0 || (memberId != null && !memberId.isEmpty()) || instanceId != null;
        if (namesMember) {
            Errors error = ClassicGroupProtocol.checkMember(group, memberId == null ? "" : memberId, instanceId);
            if (error != Errors.NONE) {
                return error;
            }
            if (generation != group.generation()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && group.state() != GroupState.EMPTY) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && group.state() == GroupState.COMPLETING_REBALANCE) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    private static Map<TopicPartition, Errors> allErrors(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new HashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }

    /**
     * The committed offsets of a group: of the given partitions, or all when {@code partitions} is null. With
     * {@code requireStable}, a partition with an offset pending in an open transaction answers
     * UNSTABLE_OFFSET_COMMIT (read_committed consumers then wait and retry).
     */
    OffsetFetchResult fetchOffsets(String groupId, Collection<TopicPartition> partitions, boolean requireStable,
                                   String memberId, int memberEpoch) {
        Group group = groups.get(groupId);
        Errors groupError = Errors.NONE;
        if (group instanceof ConsumerGroup consumer && (memberId != null || memberEpoch >= 0)) {
            groupError = consumer.validateOffsetFetch(memberId, memberEpoch);
        } else if (group instanceof ShareGroup) {
            groupError = Errors.GROUP_ID_NOT_FOUND; // share groups commit no offsets; Kafka refuses the fetch
        }
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        Set<TopicPartition> unstable = requireStable ? pendingPartitions(groupId) : new java.util.HashSet<>();
        if (group != null) {
            if (partitions == null) {
                offsets.putAll(group.offsets());
            } else {
                for (TopicPartition tp : partitions) {
                    CommittedOffset o = group.offsets().get(tp);
                    if (o != null) {
                        offsets.put(tp, o);
                    }
                }
            }
        }
        if (partitions != null) {
            unstable.retainAll(partitions);
        }
        unstable.forEach(offsets::remove);
        return new OffsetFetchResult(groupError, offsets, unstable);
    }

    private Set<TopicPartition> pendingPartitions(String groupId) {
        Set<TopicPartition> out = new java.util.HashSet<>();
        for (Map<String, Map<TopicPartition, CommittedOffset>> byGroup : pendingTransactions.values()) {
            Map<TopicPartition, CommittedOffset> pending = byGroup.get(groupId);
            if (pending != null) {
                out.addAll(pending.keySet());
            }
        }
        return out;
    }

    OffsetDeleteResult deleteOffsets(Changes<GroupRecord> changes, String groupId, Collection<TopicPartition> partitions) {
        Group group = groups.get(groupId);
        if (group == null || group.isDead() || group instanceof ShareGroup) {
            return new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        if (group instanceof ClassicGroup classic && !classic.isEmpty()
                && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(classic.protocolType())) {
            return new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of());
        }
        Set<String> subscribed = group.subscribedTopics();
        Map<TopicPartition, Errors> results = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                results.put(tp, Errors.NONE);
                if (group.offsets().containsKey(tp)) {
                    changes.add(new OffsetCommitRecord(groupId, tp.topic(), tp.partition(), null));
                }
            }
        }
        return new OffsetDeleteResult(Errors.NONE, results);
    }

    /**
     * Forgets every group's committed offsets of topics that were deleted, as Kafka does when topics are deleted,
     * so that a topic created again under the same name does not start at offsets of the old one. Returns how many.
     */
    int forgetTopics(Changes<GroupRecord> changes, Set<String> topicNames) {
        List<OffsetCommitRecord> tombstones = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.isDead()) {
                continue;
            }
            for (TopicPartition tp : group.offsets().keySet()) {
                if (topicNames.contains(tp.topic())) {
                    tombstones.add(new OffsetCommitRecord(group.groupId(), tp.topic(), tp.partition(), null));
                }
            }
        }
        tombstones.forEach(changes::add); // applying removes from the maps iterated above
        return tombstones.size();
    }

    /**
     * Copies every group's committed offsets of topic {@code from} to topic {@code to} (a renamed topic; the
     * offsets under the old name are removed afterwards by {@link #forgetTopics}). Returns how many.
     */
    int copyTopicOffsets(Changes<GroupRecord> changes, String from, String to) {
        List<OffsetCommitRecord> copies = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.isDead()) {
                continue;
            }
            group.offsets().forEach((tp, offset) -> {
                if (tp.topic().equals(from)) {
                    copies.add(new OffsetCommitRecord(group.groupId(), to, tp.partition(), offset));
                }
            });
        }
        copies.forEach(changes::add);
        return copies.size();
    }

    /**
     * Expires offsets as Kafka does (see {@link Group#offsetExpirationBase}); a group left without members
     * and offsets is deleted.
     */
    int expireOffsets(Changes<GroupRecord> changes) {
        long nowMs = time.nowMs();
        int expiredCount = 0;
        for (Group group : new ArrayList<>(groups.values())) {
            ToLongFunction<CommittedOffset> base = group.offsetExpirationBase();
            if (group.isDead() || base == null) {
                continue;
            }
            Set<String> subscribed = group.subscribedTopics();
            List<TopicPartition> expired = new ArrayList<>();
            group.offsets().forEach((tp, offset) -> {
                if (!subscribed.contains(tp.topic())
                        && offset.isExpired(nowMs, base.applyAsLong(offset), config.offsetsRetentionMs())) {
                    expired.add(tp);
                }
            });
            for (TopicPartition tp : expired) {
                changes.add(new OffsetCommitRecord(group.groupId(), tp.topic(), tp.partition(), null));
            }
            if (!expired.isEmpty()) {
                expiredCount += expired.size();
                log.info("Expired {} offsets of group {}", expired.size(), group.groupId());
            }
            if (group instanceof ClassicGroup classic && classic.isGone() && !hasPending(classic.groupId())) {
                changes.add(new ClassicGroupRecord(classic.groupId(), null));
                groups.remove(classic.groupId(), classic); // a group that never wrote a record has no tombstone effect
            } else if (group instanceof ConsumerGroup consumer && consumer.isEmpty() && consumer.offsets().isEmpty()) {
                consumerProtocol.delete(changes, consumer);
            }
        }
        return expiredCount;
    }

    private boolean hasPending(String groupId) {
        return !pendingPartitions(groupId).isEmpty();
    }

    // ---------------------------------------------------------------- admin: list, describe, delete

    /** Every group's committed offsets, copied (see {@link GroupCoordinator#committedOffsets}). */
    Map<String, Map<TopicPartition, Long>> committedOffsets() {
        Map<String, Map<TopicPartition, Long>> out = new HashMap<>();
        for (Group group : groups.values()) {
            if (group.isDead() || group.offsets().isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> offsets = new HashMap<>(group.offsets().size() * 2);
            group.offsets().forEach((tp, committed) -> offsets.put(tp, committed.offset()));
            out.put(group.groupId(), offsets);
        }
        return out;
    }

    List<GroupListing> listGroups() {
        List<GroupListing> listings = new ArrayList<>();
        for (Group group : groups.values()) {
            if (!group.isDead()) {
                listings.add(new GroupListing(group.groupId(), group.protocolType(), group.stateName(),
                        group.type().kafkaName()));
            }
        }
        return listings;
    }

    /**
     * @throws GroupIdNotFoundException for a consumer-protocol group, as Kafka answers DescribeGroups for
     *     groups that are not classic
     */
    GroupDescription describeGroup(String groupId) {
        Group found = groups.get(groupId);
        if (found instanceof ConsumerGroup || found instanceof ShareGroup) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a classic group.");
        }
        if (!(found instanceof ClassicGroup group) || group.isDead()) {
            return null;
        }
        boolean stable = group.state() == GroupState.STABLE;
        List<MemberDescription> members = new ArrayList<>();
        for (ClassicMember m : group.members()) {
            members.add(new MemberDescription(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    stable ? m.metadata(group.protocolName()) : new byte[0], stable ? m.assignment() : new byte[0]));
        }
        return new GroupDescription(group.groupId(), group.stateName(), group.protocolType(),
                stable ? group.protocolName() : "", members);
    }

    /** DeleteGroups for one group: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP, with the deleted group's type. */
    GroupDeletion deleteGroup(Changes<GroupRecord> changes, String groupId) {
        Group group = groups.get(groupId);
        if (group == null || group.isDead()) {
            return new GroupDeletion(Errors.GROUP_ID_NOT_FOUND, null);
        }
        if (!group.isEmpty()) {
            return new GroupDeletion(Errors.NON_EMPTY_GROUP, group.type());
        }
        if (group instanceof ShareGroup share) {
            shareProtocol.delete(changes, share);
            return new GroupDeletion(Errors.NONE, GroupType.SHARE);
        }
        for (TopicPartition tp : new ArrayList<>(group.offsets().keySet())) {
            changes.add(new OffsetCommitRecord(groupId, tp.topic(), tp.partition(), null));
        }
        if (group instanceof ConsumerGroup consumer) {
            consumerProtocol.delete(changes, consumer);
        } else {
            changes.add(new ClassicGroupRecord(groupId, null));
        }
        return new GroupDeletion(Errors.NONE, group.type());
    }

    /** ShareGroupDescribe: one described group (or its error) per id, in order. */
    List<ShareGroupDescribeResponseData.DescribedGroup> shareGroupDescribe(List<String> groupIds) {
        List<ShareGroupDescribeResponseData.DescribedGroup> out = new ArrayList<>();
        groupIds.forEach(groupId -> out.add(shareProtocol.describe(groupId)));
        return out;
    }

    /** Whether the member belongs to the share group now. */
    boolean isShareGroupMember(String groupId, String memberId) {
        return groups.get(groupId) instanceof ShareGroup share && !share.isDead() && share.hasMember(memberId);
    }

    /** ConsumerGroupDescribe: one described group (or its error) per id, in order. */
    List<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(List<String> groupIds) {
        List<ConsumerGroupDescribeResponseData.DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            Group group = groups.get(groupId);
            ConsumerGroupDescribeResponseData.DescribedGroup described = null;
            String error = "Group " + groupId + " not found.";
            if (group instanceof ConsumerGroup consumer && !consumer.isDead()) {
                described = consumerProtocol.describe(consumer);
            } else if (group != null) {
                error = "Group " + groupId + " is not a consumer group.";
            }
            out.add(described != null ? described : new ConsumerGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(groupId).setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(error));
        }
        return out;
    }
}
