package io.spillway.coordinator.group.consumer;

import io.spillway.common.Time;
import io.spillway.coordinator.assignor.PartitionAssignor;
import io.spillway.coordinator.assignor.RangeAssignor;
import io.spillway.coordinator.assignor.UniformAssignor;
import io.spillway.coordinator.group.ClassicGroupRecord;
import io.spillway.coordinator.group.ConsumerGroupChange;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.coordinator.group.classic.ClassicGroup;
import io.spillway.coordinator.group.classic.GroupState;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * ConsumerGroupHeartbeat (KIP-848) with Kafka's semantics: joining, heartbeating, leaving, static
 * members, server-side target assignment and member-by-member reconciliation, session and rebalance
 * timeouts. Every change is a {@link ConsumerGroupRecord}, applied to the group through the coordinator
 * runtime's {@link Changes} (the same code as on replay) and appended to the internal topic; the runtime
 * sends the response once what it depends on is durable.
 *
 * <p>Topic regexes (subscribedTopicRegex) are resolved by {@link TopicRegexes} with
 * {@link java.util.regex.Pattern} where Kafka uses RE2/J: the same syntax for ordinary patterns, full
 * matches against every topic name; resolved when a member subscribes and again on a heartbeat at
 * least 10 s after the last resolution, and not persisted (resolved again after a restart).
 *
 * <p>Online migration between protocols is not supported (Kafka's
 * {@code group.consumer.migration.policy=disabled}): an empty group changes protocol freely; a
 * non-empty classic group refuses consumer-protocol members with GROUP_ID_NOT_FOUND, as Kafka does
 * with that policy.
 *
 * <p>Not thread safe: runs on the group coordinator's event thread, as part of one operation at a time.
 */
public final class ConsumerGroupProtocol {
    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupProtocol.class);
    static final int LEAVE_GROUP_MEMBER_EPOCH = -1;
    static final int LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;
    private static final int DEFAULT_REBALANCE_TIMEOUT_MS = 300_000;

    private final Map<String, Group> groups;
    private final ConsumerGroupConfig config;
    private final TopicCatalog catalog;
    private final CoordinatorTimer<GroupRecord> timer;
    private final Time time;
    private final Map<String, PartitionAssignor> assignors = new HashMap<>();

    public ConsumerGroupProtocol(Map<String, Group> groups, ConsumerGroupConfig config, TopicCatalog catalog,
                                 CoordinatorTimer<GroupRecord> timer, Time time) {
        this.groups = groups;
        this.config = config;
        this.catalog = catalog;
        this.timer = timer;
        this.time = time;
        for (PartitionAssignor a : List.of(new UniformAssignor(), new RangeAssignor())) {
            if (config.assignors().contains(a.name())) {
                assignors.put(a.name(), a);
            }
        }
    }

    public ConsumerGroupConfig config() {
        return config;
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    /** One operation's changes to one group: each record is applied to it (by the shard's replay) and written. */
    private static final class GroupChanges {
        final ConsumerGroup group;
        final Changes<GroupRecord> changes;

        GroupChanges(ConsumerGroup group, Changes<GroupRecord> changes) {
            this.group = group;
            this.changes = changes;
        }

        void add(ConsumerGroupRecord record) {
            changes.add(new ConsumerGroupChange(group.groupId(), record));
        }
    }

    // ---------------------------------------------------------------- ConsumerGroupHeartbeat

    /**
     * ConsumerGroupHeartbeat as one coordinator operation.
     *
     * @throws ApiException with Kafka's error for the request (see {@link #errorResponse})
     */
    public ConsumerGroupHeartbeatResponseData heartbeat(Changes<GroupRecord> changes, String clientId, String clientHost,
                                                        short apiVersion, ConsumerGroupHeartbeatRequestData request) {
        HeartbeatChecks.validate(request, apiVersion, config.assignors());
        int epoch = request.memberEpoch();
        if (epoch == LEAVE_GROUP_MEMBER_EPOCH || epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            return leave(changes, request);
        }
        return joinOrHeartbeat(changes, clientId, clientHost, request);
    }

    /** The heartbeat response for a failed request. */
    public static ConsumerGroupHeartbeatResponseData errorResponse(Throwable error) {
        ApiError e = ApiError.fromThrowable(error);
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
    }

    private ConsumerGroupHeartbeatResponseData joinOrHeartbeat(Changes<GroupRecord> changes, String clientId,
                                                               String clientHost,
                                                               ConsumerGroupHeartbeatRequestData request) {
        String groupId = request.groupId();
        boolean joining = request.memberEpoch() == 0;
        Group existing = groups.get(groupId);
        ConsumerGroup group;
        boolean created = false;
        if (existing == null) {
            if (!joining) {
                throw new GroupIdNotFoundException("Consumer group " + groupId + " not found.");
            }
            group = new ConsumerGroup(groupId);
            created = true;
        } else if (existing instanceof ClassicGroup classic) {
            if (!joining) {
                throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
            }
            if (classic.state() != GroupState.EMPTY) {
                throw new GroupIdNotFoundException("Cannot upgrade classic group " + groupId
                        + " to consumer group because online upgrade is disabled.");
            }
            // The classic group's tombstone leaves its offsets in a group without members; the new group takes them.
            changes.add(new ClassicGroupRecord(groupId, null));
            Group offsetsOnly = groups.get(groupId);
            group = new ConsumerGroup(groupId);
            if (offsetsOnly != null) {
                group.offsets().putAll(offsetsOnly.offsets());
            }
            created = true;
            log.info("Group {} changes from the classic to the consumer protocol (it was empty)", groupId);
        } else if (existing instanceof ConsumerGroup consumer) {
            group = consumer;
        } else {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
        }
        if (created) {
            // In the map before its first record, so that replaying that record finds it; removed again on failure.
            groups.put(groupId, group);
        }
        try {
            return heartbeatLocked(new GroupChanges(group, changes), clientId, clientHost, request);
        } catch (RuntimeException e) {
            if (created && group.isEmpty() && group.offsets().isEmpty() && group.groupEpoch == 0
                    && groups.get(groupId) == group) {
                group.dead = true;
                groups.remove(groupId);
            }
            throw e;
        }
    }

    private ConsumerGroupHeartbeatResponseData heartbeatLocked(GroupChanges changes, String clientId, String clientHost,
                                                              ConsumerGroupHeartbeatRequestData request) {
        ConsumerGroup group = changes.group;
        long nowMs = time.nowMs();
        String memberId = request.memberId();
        String instanceId = request.instanceId();
        int epoch = request.memberEpoch();
        boolean joining = epoch == 0;

        if (group.staticMember(instanceId) == null && group.members.size() >= config.maxSize()
                && (memberId.isEmpty() || !group.members.containsKey(memberId))) {
            throw new GroupMaxSizeReachedException("The consumer group has reached its maximum capacity of "
                    + config.maxSize() + " members.");
        }
        if (memberId.isEmpty()) {
            memberId = Uuid.randomUuid().toString();
        }
        ConsumerGroupMember member = instanceId == null
                ? dynamicMember(group, memberId, epoch, request.topicPartitions())
                : staticMember(changes, memberId, instanceId, epoch, request.topicPartitions());

        MemberSubscription old = member.subscription();
        MemberSubscription next = new MemberSubscription(
                instanceId != null ? instanceId : old.instanceId(),
                request.rackId() != null ? request.rackId() : old.rackId(),
                clientId, clientHost,
                request.rebalanceTimeoutMs() != -1 ? request.rebalanceTimeoutMs() : old.rebalanceTimeoutMs(),
                request.subscribedTopicNames() != null ? new TreeSet<>(request.subscribedTopicNames()) : old.topicNames(),
                request.subscribedTopicRegex() != null ? request.subscribedTopicRegex() : old.topicRegex(),
                request.serverAssignor() != null ? request.serverAssignor() : old.serverAssignor());
        boolean namesChanged = !next.topicNames().equals(old.topicNames());
        boolean regexChanged = !Objects.equals(next.topicRegex(), old.topicRegex());
        if (regexChanged && next.hasRegex() && !group.resolvedRegexes.containsKey(next.topicRegex())) {
            HeartbeatChecks.validateRegex(next.topicRegex());
        }
        String assignorBefore = assignorOf(group);
        boolean isNew = !group.members.containsKey(memberId);
        if (isNew || !next.equals(old)) {
            changes.add(new ConsumerGroupRecord.Subscription(memberId, next));
        }
        boolean regexResolutionChanged = TopicRegexes.refresh(group, catalog, nowMs);
        boolean assignorChanged = !assignorBefore.equals(assignorOf(group));

        long hash = TopicRegexes.metadataHash(group.subscribedTopics(), catalog);
        if (namesChanged || regexChanged || regexResolutionChanged || assignorChanged || hash != group.metadataHash) {
            changes.add(new ConsumerGroupRecord.GroupEpoch(group.groupEpoch + 1, hash));
            log.info("Group {} moves to epoch {}", group.groupId(), group.groupEpoch);
        }
        maybeComputeTarget(changes, nowMs);

        member = group.members.get(memberId);
        boolean subscriptionChanged = namesChanged || regexChanged;
        CurrentAssignment before = member.current();
        if (subscriptionChanged || !before.isReconciledTo(group.assignmentEpoch)) {
            CurrentAssignment after = new CurrentAssignmentReconciler(member, group.assignmentEpoch,
                    group.targetOf(memberId), TargetAssignment.topicIds(group.subscribedTopics(member.subscription()), catalog),
                    group::owner, request.topicPartitions()).reconcile(subscriptionChanged);
            if (!after.equals(before)) {
                changes.add(new ConsumerGroupRecord.Current(memberId, after));
                updateRebalanceTimer(group, group.members.get(memberId));
            }
        }
        touchSession(group, memberId, nowMs);

        ConsumerGroupMember updated = group.members.get(memberId);
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(updated.memberEpoch())
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs(group.groupId()));
        boolean fullRequest = request.rebalanceTimeoutMs() != -1
                && (request.subscribedTopicNames() != null || request.subscribedTopicRegex() != null)
                && request.topicPartitions() != null;
        if (joining || fullRequest || !updated.current().assigned().equals(before.assigned())) {
            response.setAssignment(assignment(updated.current()));
        }
        return response;
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignment(CurrentAssignment current) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        current.assigned().forEach((topicId, epochs) -> topics.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topicId).setPartitions(new ArrayList<>(epochs.keySet()))));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }

    private ConsumerGroupMember dynamicMember(ConsumerGroup group, String memberId, int epoch,
                                             List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        ConsumerGroupMember member = group.members.get(memberId);
        if (member == null) {
            if (epoch != 0) {
                throw new UnknownMemberIdException("Member " + memberId + " is not a member of group " + group.groupId() + ".");
            }
            log.info("Member {} joins consumer group {}", memberId, group.groupId());
            return new ConsumerGroupMember(memberId, MemberSubscription.NEW, CurrentAssignment.NEW);
        }
        HeartbeatChecks.checkEpoch(member, epoch, owned);
        return member;
    }

    private ConsumerGroupMember staticMember(GroupChanges changes, String memberId, String instanceId, int epoch,
                                            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        ConsumerGroup group = changes.group;
        ConsumerGroupMember existing = group.staticMember(instanceId);
        if (epoch != 0) {
            if (existing == null) {
                throw new UnknownMemberIdException("Instance id " + instanceId + " is unknown.");
            }
            HeartbeatChecks.checkInstanceNotFenced(group, existing, memberId, instanceId);
            HeartbeatChecks.checkEpoch(existing, epoch, owned);
            return existing;
        }
        if (existing == null) {
            ConsumerGroupMember member = group.members.get(memberId);
            if (member != null) {
                return member;
            }
            log.info("Static member {} (instance {}) joins consumer group {}", memberId, instanceId, group.groupId());
            return new ConsumerGroupMember(memberId, MemberSubscription.NEW, CurrentAssignment.NEW);
        }
        if (existing.memberEpoch() != LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw Errors.UNRELEASED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                    + instanceId + " cannot join the group because the instance id is owned by " + existing.memberId()
                    + " member.");
        }
        // The instance rejoins under a new member id: it takes over the old member's target and partitions.
        CurrentAssignment old = existing.current();
        CurrentAssignment rejoined = new CurrentAssignment(0, 0, old.state(), old.assigned(), old.pendingRevocation());
        Map<Uuid, Set<Integer>> target = group.targetOf(existing.memberId());
        removeMemberRecords(changes, existing.memberId());
        changes.add(new ConsumerGroupRecord.Subscription(memberId, existing.subscription()));
        changes.add(new ConsumerGroupRecord.TargetMember(memberId, target));
        changes.add(new ConsumerGroupRecord.Current(memberId, rejoined));
        cancelTimers(group, existing.memberId());
        log.info("Static member {} of consumer group {} rejoins as {}", instanceId, group.groupId(), memberId);
        return group.members.get(memberId);
    }

    /** The group as ConsumerGroupDescribe shows it. */
    public org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup describe(ConsumerGroup group) {
        return ConsumerGroupDescriber.describe(group, assignorOf(group), catalog);
    }

    /** The assignor of the group: the one most members asked for, else the configured default. */
    String assignorOf(ConsumerGroup group) {
        String preferred = group.preferredAssignor();
        return preferred != null ? preferred : config.defaultAssignor();
    }

    /** Computes a new target assignment when the group epoch moved past it and the interval allows. */
    private void maybeComputeTarget(GroupChanges changes, long nowMs) {
        ConsumerGroup group = changes.group;
        if (group.assignmentEpoch >= group.groupEpoch) {
            return;
        }
        long last = group.assignmentComputedAtMs;
        if (last != 0 && config.assignmentIntervalMs() != 0 && nowMs < last + config.assignmentIntervalMs()) {
            return;
        }
        PartitionAssignor assignor = assignors.get(assignorOf(group));
        TargetAssignment.compute(group, assignor, catalog, group.groupEpoch, nowMs).forEach(changes::add);
        log.info("Group {}: new target assignment for epoch {} by the {} assignor", group.groupId(), group.groupEpoch,
                assignor.name());
    }

    // ---------------------------------------------------------------- leaving, fencing, timers

    private ConsumerGroupHeartbeatResponseData leave(Changes<GroupRecord> allChanges,
                                                     ConsumerGroupHeartbeatRequestData request) {
        String groupId = request.groupId();
        ConsumerGroup group = consumerGroup(groupId);
        GroupChanges changes = new GroupChanges(group, allChanges);
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(request.memberId()).setMemberEpoch(request.memberEpoch());
        String instanceId = request.instanceId();
        if (instanceId == null) {
            ConsumerGroupMember member = group.members.get(request.memberId());
            if (member == null) {
                throw new UnknownMemberIdException("Member " + request.memberId() + " is not a member of group "
                        + groupId + ".");
            }
            log.info("Member {} left consumer group {}", member.memberId(), groupId);
            fence(changes, List.of(member));
            return response;
        }
        ConsumerGroupMember member = group.staticMember(instanceId);
        if (member == null) {
            throw new UnknownMemberIdException("Instance id " + instanceId + " is unknown.");
        }
        HeartbeatChecks.checkInstanceNotFenced(group, member, request.memberId(), instanceId);
        if (request.memberEpoch() == LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            // Temporarily away: it keeps its partitions (nobody else gets them) until its session expires.
            Map<Uuid, Map<Integer, Integer>> kept = new HashMap<>();
            member.current().assigned().forEach((topicId, epochs) -> {
                Map<Integer, Integer> zero = new HashMap<>();
                epochs.keySet().forEach(p -> zero.put(p, 0));
                kept.put(topicId, zero);
            });
            changes.add(new ConsumerGroupRecord.Current(member.memberId(), new CurrentAssignment(
                    LEAVE_GROUP_STATIC_MEMBER_EPOCH, member.current().previousMemberEpoch(),
                    member.current().state(), kept, Map.of())));
            timer.cancel(timerKey(group, "rebalance/" + member.memberId()));
            log.info("Static member {} (instance {}) of consumer group {} is away", member.memberId(), instanceId,
                    groupId);
            return new ConsumerGroupHeartbeatResponseData().setMemberId(member.memberId())
                    .setMemberEpoch(LEAVE_GROUP_STATIC_MEMBER_EPOCH);
        }
        log.info("Static member {} (instance {}) left consumer group {}", member.memberId(), instanceId, groupId);
        fence(changes, List.of(member));
        return response;
    }

    private ConsumerGroup consumerGroup(String groupId) {
        Group group = groups.get(groupId);
        if (group == null) {
            throw new GroupIdNotFoundException("Group " + groupId + " not found.");
        }
        if (!(group instanceof ConsumerGroup consumer)) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
        }
        return consumer;
    }

    /** Removes members and bumps the group epoch so that the others get their partitions. */
    private void fence(GroupChanges changes, List<ConsumerGroupMember> leaving) {
        ConsumerGroup group = changes.group;
        for (ConsumerGroupMember m : leaving) {
            removeMemberRecords(changes, m.memberId());
            cancelTimers(group, m.memberId());
        }
        TopicRegexes.refresh(group, catalog, time.nowMs());
        int epoch = group.groupEpoch + 1;
        changes.add(new ConsumerGroupRecord.GroupEpoch(epoch, TopicRegexes.metadataHash(group.subscribedTopics(), catalog)));
        if (group.members.isEmpty()) {
            changes.add(new ConsumerGroupRecord.TargetEpoch(epoch, 0));
        }
        log.info("Group {} moves to epoch {} ({} member(s) left)", group.groupId(), epoch, leaving.size());
    }

    private static void removeMemberRecords(GroupChanges changes, String memberId) {
        changes.add(new ConsumerGroupRecord.Current(memberId, null));
        changes.add(new ConsumerGroupRecord.TargetMember(memberId, null));
        changes.add(new ConsumerGroupRecord.Subscription(memberId, null));
    }

    private void touchSession(ConsumerGroup group, String memberId, long nowMs) {
        group.sessionDeadlinesMs.put(memberId, nowMs + config.sessionTimeoutMs(group.groupId()));
        if (!timer.isScheduled(timerKey(group, "session/" + memberId))) {
            scheduleSessionCheck(group, memberId, config.sessionTimeoutMs(group.groupId()));
        }
    }

    private void scheduleSessionCheck(ConsumerGroup group, String memberId, long delayMs) {
        schedule(group, "session/" + memberId, delayMs, changes -> {
            Long deadline = group.sessionDeadlinesMs.get(memberId);
            ConsumerGroupMember member = group.members.get(memberId);
            if (deadline == null || member == null) {
                return;
            }
            long remainingMs = deadline - time.nowMs();
            if (remainingMs > 0) {
                scheduleSessionCheck(group, memberId, remainingMs);
                return;
            }
            log.info("Member {} of consumer group {} expired: no heartbeat within the session timeout of {} ms",
                    memberId, group.groupId(), config.sessionTimeoutMs(group.groupId()));
            fence(changes, List.of(member));
        });
    }

    private void updateRebalanceTimer(ConsumerGroup group, ConsumerGroupMember member) {
        timer.cancel(timerKey(group, "rebalance/" + member.memberId()));
        if (member.current().state() != MemberState.UNREVOKED_PARTITIONS) {
            return;
        }
        int epoch = member.memberEpoch();
        int timeoutMs = member.subscription().rebalanceTimeoutMs() > 0 ? member.subscription().rebalanceTimeoutMs()
                : DEFAULT_REBALANCE_TIMEOUT_MS;
        String memberId = member.memberId();
        schedule(group, "rebalance/" + memberId, timeoutMs, changes -> {
            ConsumerGroupMember current = group.members.get(memberId);
            if (current == null || current.memberEpoch() != epoch) {
                return;
            }
            log.info("Member {} of consumer group {} fenced: it did not revoke its partitions of epoch {} within {} ms",
                    memberId, group.groupId(), epoch, timeoutMs);
            fence(changes, List.of(current));
        });
    }

    private void cancelTimers(ConsumerGroup group, String memberId) {
        group.sessionDeadlinesMs.remove(memberId);
        timer.cancel(timerKey(group, "session/" + memberId));
        timer.cancel(timerKey(group, "rebalance/" + memberId));
    }

    /** After loading: sessions start afresh, members mid-revocation get their rebalance timeout again. */
    public void startTimers(ConsumerGroup group) {
        long nowMs = time.nowMs();
        for (ConsumerGroupMember m : group.members.values()) {
            touchSession(group, m.memberId(), nowMs);
            updateRebalanceTimer(group, m);
        }
    }

    /** Cancels every timer of a group that is going away. */
    private void cancelAllTimers(ConsumerGroup group) {
        for (String memberId : group.members.keySet()) {
            cancelTimers(group, memberId);
        }
        group.sessionDeadlinesMs.clear();
    }

    /** A timer of the group, run as an operation of its own only while the group object is still the live one. */
    private void schedule(ConsumerGroup group, String name, long delayMs, Consumer<GroupChanges> task) {
        timer.schedule(timerKey(group, name), delayMs, changes -> {
            if (groups.get(group.groupId()) == group && !group.isDead()) {
                task.accept(new GroupChanges(group, changes));
            }
        });
    }

    private static String timerKey(ConsumerGroup group, String name) {
        return "consumer/" + group.groupId() + "/" + name;
    }

    /**
     * Deletes a group (DeleteGroups, expiry, conversion to the classic protocol): its tombstones are applied
     * (the shard then keeps its offsets, if any, in a group without members) and its timers stop.
     */
    public void delete(Changes<GroupRecord> changes, ConsumerGroup group) {
        cancelAllTimers(group);
        GroupChanges groupChanges = new GroupChanges(group, changes);
        ConsumerGroupRecords.tombstones(group).forEach(groupChanges::add);
    }
}
