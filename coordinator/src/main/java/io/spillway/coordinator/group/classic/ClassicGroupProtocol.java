package io.spillway.coordinator.group.classic;

import io.spillway.common.Time;
import io.spillway.coordinator.group.ClassicGroupRecord;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupConfig;
import io.spillway.coordinator.group.GroupCoordinator.Client;
import io.spillway.coordinator.group.GroupCoordinator.LeaveResult;
import io.spillway.coordinator.group.GroupCoordinator.Leaving;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.consumer.ConsumerGroup;
import io.spillway.coordinator.group.consumer.ConsumerGroupProtocol;
import io.spillway.coordinator.group.share.ShareGroup;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) with Kafka's semantics: member
 * ids (MEMBER_ID_REQUIRED), generations, protocol selection, rebalance and session timeouts, static
 * membership (KIP-345). Generations and assignments are persisted as the classic group record; a JoinGroup
 * to an empty consumer-protocol group turns it into a classic group.
 *
 * <p>Every method runs as (part of) one coordinator operation on the event thread and gets that operation's
 * {@link Changes}. Requests that must wait (JoinGroup until the rebalance completes, followers' SyncGroup
 * until the leader's assignment is stored) get futures that later operations complete through
 * {@link Changes#afterDurable}, so no response reveals state before it is durable. Timers are the
 * runtime's, by key.
 */
public final class ClassicGroupProtocol {
    private static final Logger log = LoggerFactory.getLogger(ClassicGroupProtocol.class);

    private final Map<String, Group> groups;
    private final GroupConfig config;
    private final ConsumerGroupProtocol consumerProtocol;
    private final CoordinatorTimer<GroupRecord> timer;
    private final Time time;

    public ClassicGroupProtocol(Map<String, Group> groups, GroupConfig config, ConsumerGroupProtocol consumerProtocol,
                                CoordinatorTimer<GroupRecord> timer, Time time) {
        this.groups = groups;
        this.config = config;
        this.consumerProtocol = consumerProtocol;
        this.timer = timer;
        this.time = time;
    }

    // ---------------------------------------------------------------- JoinGroup

    public CompletableFuture<JoinGroupResponseData> joinGroup(Changes<GroupRecord> changes, Client client,
                                                              JoinGroupRequestData request) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            return joinError(Errors.INVALID_GROUP_ID, request.memberId());
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(Errors.INVALID_SESSION_TIMEOUT, request.memberId());
        }
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new ClassicMember.Protocol(p.name(), p.metadata())));
        boolean unknownMember = request.memberId() == null || request.memberId().isEmpty();
        Group found = groups.get(groupId);
        if (found instanceof ShareGroup) {
            return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, ""); // as Kafka answers a share group's id
        }
        if (found instanceof ConsumerGroup consumer) {
            if (!consumer.isEmpty()) {
                // Kafka with group.consumer.migration.policy=disabled: no classic members in a consumer group.
                return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId());
            }
            consumerProtocol.delete(changes, consumer); // leaves a classic group with the offsets behind
            log.info("Group {} changes from the consumer to the classic protocol (it was empty)", groupId);
            found = groups.get(groupId);
        }
        if (found == null) {
            if (!unknownMember) {
                return joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId());
            }
            found = new ClassicGroup(groupId, time.nowMs());
            groups.put(groupId, found); // no record yet: a group that never forms a generation leaves nothing behind
        }
        ClassicGroup group = (ClassicGroup) found;
        if (!group.accepts(request.protocolType(), protocols)) {
            return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId());
        }
        if (group.members.size() >= config.maxGroupSize() && unknownMember) {
            return joinError(Errors.GROUP_MAX_SIZE_REACHED, request.memberId());
        }
        if (group.isEmpty()) {
            group.protocolType = request.protocolType();
        }
        return unknownMember
                ? joinNewMember(changes, group, client, request, protocols)
                : joinKnownMember(changes, group, client, request, protocols);
    }

    /** The classic group of that id, or null if there is none (or the id is a consumer-protocol group). */
    private ClassicGroup classicGroup(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup classic && !classic.isDead() ? classic : null;
    }

    private CompletableFuture<JoinGroupResponseData> joinNewMember(Changes<GroupRecord> changes, ClassicGroup group,
                                                                   Client client, JoinGroupRequestData request,
                                                                   List<ClassicMember.Protocol> protocols) {
        String instanceId = request.groupInstanceId();
        if (instanceId != null) {
            String newId = instanceId + "-" + UUID.randomUUID();
            String existing = group.staticMembers.get(instanceId);
            if (existing != null) {
                return replaceStaticMember(changes, group, group.member(existing), newId, client, request, protocols);
            }
            return addMemberAndRebalance(changes, group, new ClassicMember(newId, instanceId, client.clientId(),
                    client.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
        }
        String newId = client.clientId() + "-" + UUID.randomUUID();
        if (client.apiVersion() >= 4) {
            // KIP-394: hand out the id first, so a client that never comes back leaves no member behind.
            group.pendingMemberIds.put(newId, time.nowMs());
            schedule(group, "pending/" + newId, request.sessionTimeoutMs(),
                    c -> expirePendingMember(c, group, newId));
            return joinError(Errors.MEMBER_ID_REQUIRED, newId);
        }
        return addMemberAndRebalance(changes, group, new ClassicMember(newId, null, client.clientId(),
                client.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
    }

    private CompletableFuture<JoinGroupResponseData> joinKnownMember(Changes<GroupRecord> changes, ClassicGroup group,
                                                                     Client client, JoinGroupRequestData request,
                                                                     List<ClassicMember.Protocol> protocols) {
        String memberId = request.memberId();
        String instanceId = request.groupInstanceId();
        if (group.pendingMemberIds.remove(memberId) != null) {
            cancelTimer(group, "pending/" + memberId);
            return addMemberAndRebalance(changes, group, new ClassicMember(memberId, instanceId, client.clientId(),
                    client.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
        }
        Errors fenced = checkMember(group, memberId, instanceId);
        if (fenced != Errors.NONE) {
            return joinError(fenced, memberId);
        }
        ClassicMember member = group.member(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE:
                return updateMemberAndRebalance(changes, group, member, request, protocols);
            case COMPLETING_REBALANCE:
                if (member.sameProtocols(protocols)) {
                    return CompletableFuture.completedFuture(joinResponse(group, member));
                }
                return updateMemberAndRebalance(changes, group, member, request, protocols);
            case STABLE:
                if (memberId.equals(group.leaderId) || !member.sameProtocols(protocols)) {
                    return updateMemberAndRebalance(changes, group, member, request, protocols);
                }
                return CompletableFuture.completedFuture(joinResponse(group, member));
            default:
                return joinError(Errors.UNKNOWN_MEMBER_ID, memberId);
        }
    }

    /** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID if the member id / instance id pair is not current. */
    public static Errors checkMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String current = group.staticMembers.get(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.member(memberId) == null ? Errors.UNKNOWN_MEMBER_ID : Errors.NONE;
    }

    private CompletableFuture<JoinGroupResponseData> replaceStaticMember(Changes<GroupRecord> changes, ClassicGroup group,
                                                                         ClassicMember old, String newId, Client client,
                                                                         JoinGroupRequestData request,
                                                                         List<ClassicMember.Protocol> protocols) {
        boolean wasLeader = old.memberId.equals(group.leaderId);
        String oldId = old.memberId;
        if (old.pendingJoin != null) {
            complete(changes, old.pendingJoin, errorJoinResponse(Errors.FENCED_INSTANCE_ID, oldId));
            old.pendingJoin = null;
        }
        if (old.pendingSync != null) {
            complete(changes, old.pendingSync, new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
            old.pendingSync = null;
        }
        cancelTimer(group, sessionKey(oldId));
        group.members.remove(oldId);
        old.memberId = newId;
        old.clientId = client.clientId();
        old.clientHost = client.clientHost();
        old.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        old.sessionTimeoutMs = request.sessionTimeoutMs();
        group.members.put(newId, old);
        group.staticMembers.put(old.groupInstanceId, newId);
        if (wasLeader) {
            group.leaderId = newId;
        }
        if (group.state == GroupState.STABLE && group.protocolName != null
                && selectedProtocolWith(group, old, protocols).equals(group.protocolName)) {
            // KIP-345: a static member that restarts keeps its assignment; no rebalance unless the protocol
            // the group would select changes (its subscription bytes may differ: owned partitions, generation).
            old.protocols = protocols;
            scheduleSessionExpiry(group, old);
            persistGroup(changes, group);
            JoinGroupResponseData r = joinResponse(group, old);
            r.setSkipAssignment(wasLeader && client.apiVersion() >= 9);
            return CompletableFuture.completedFuture(r);
        }
        return updateMemberAndRebalance(changes, group, old, request, protocols);
    }

    /** The protocol the group would select if {@code member} supported {@code protocols}. */
    private static String selectedProtocolWith(ClassicGroup group, ClassicMember member,
                                               List<ClassicMember.Protocol> protocols) {
        List<ClassicMember.Protocol> before = member.protocols;
        member.protocols = protocols;
        try {
            return group.selectProtocol();
        } catch (IndexOutOfBoundsException noCommonProtocol) {
            return "";
        } finally {
            member.protocols = before;
        }
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(Changes<GroupRecord> changes,
                                                                           ClassicGroup group, ClassicMember member) {
        member.pendingJoin = new CompletableFuture<>();
        member.joinedThisRebalance = true;
        group.add(member);
        CompletableFuture<JoinGroupResponseData> future = member.pendingJoin;
        if (group.state == GroupState.PREPARING_REBALANCE) {
            if (group.initialDelayActive) {
                extendInitialDelay(group);
            }
            maybeCompleteJoin(changes, group);
        } else {
            prepareRebalance(changes, group, "member " + member.memberId + " joined");
        }
        return future;
    }

    private CompletableFuture<JoinGroupResponseData> updateMemberAndRebalance(Changes<GroupRecord> changes,
                                                                              ClassicGroup group, ClassicMember member,
                                                                              JoinGroupRequestData request,
                                                                              List<ClassicMember.Protocol> protocols) {
        member.protocols = protocols;
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        if (member.pendingJoin != null) {
            // A duplicate join replaces the earlier one, which is answered as Kafka does.
            complete(changes, member.pendingJoin, errorJoinResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId));
        }
        member.pendingJoin = new CompletableFuture<>();
        member.joinedThisRebalance = true;
        CompletableFuture<JoinGroupResponseData> future = member.pendingJoin;
        if (group.state == GroupState.PREPARING_REBALANCE) {
            maybeCompleteJoin(changes, group);
        } else {
            prepareRebalance(changes, group, "member " + member.memberId + " rejoined");
        }
        return future;
    }

    private void prepareRebalance(Changes<GroupRecord> changes, ClassicGroup group, String reason) {
        long nowMs = time.nowMs();
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            failPendingSyncs(changes, group, Errors.REBALANCE_IN_PROGRESS);
        }
        cancelTimer(group, "sync");
        boolean initial = group.state == GroupState.EMPTY;
        group.transitionTo(GroupState.PREPARING_REBALANCE, nowMs);
        for (ClassicMember m : group.members.values()) {
            m.joinedThisRebalance = m.pendingJoin != null;
        }
        if (initial && config.initialRebalanceDelayMs() > 0) {
            group.initialDelayActive = true;
            group.initialDelayLimitMs = nowMs + group.maxRebalanceTimeoutMs();
            schedule(group, "join", Math.min(config.initialRebalanceDelayMs(), group.maxRebalanceTimeoutMs()),
                    c -> onJoinDeadline(c, group));
        } else {
            group.initialDelayActive = false;
            schedule(group, "join", group.maxRebalanceTimeoutMs(), c -> onJoinDeadline(c, group));
        }
        log.debug("Group {} is rebalancing at generation {}: {}", group.groupId(), group.generation, reason);
        maybeCompleteJoin(changes, group);
    }

    private void extendInitialDelay(ClassicGroup group) {
        long remainingMs = group.initialDelayLimitMs - time.nowMs();
        if (remainingMs <= 0) {
            return;
        }
        schedule(group, "join", Math.min(config.initialRebalanceDelayMs(), remainingMs), c -> onJoinDeadline(c, group));
    }

    private void onJoinDeadline(Changes<GroupRecord> changes, ClassicGroup group) {
        if (group.state == GroupState.PREPARING_REBALANCE) {
            group.initialDelayActive = false;
            completeJoin(changes, group);
        }
    }

    private void maybeCompleteJoin(Changes<GroupRecord> changes, ClassicGroup group) {
        if (group.state == GroupState.PREPARING_REBALANCE && !group.initialDelayActive && group.allMembersJoined()) {
            completeJoin(changes, group);
        }
    }

    private void completeJoin(Changes<GroupRecord> changes, ClassicGroup group) {
        long nowMs = time.nowMs();
        cancelTimer(group, "join");
        for (String pending : group.pendingMemberIds.keySet()) {
            cancelTimer(group, "pending/" + pending);
        }
        group.pendingMemberIds.clear();
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (!m.joinedThisRebalance) {
                log.info("Removing member {} of group {}: it did not rejoin within the rebalance timeout",
                        m.memberId, group.groupId());
                removeFromGroup(group, m);
            }
        }
        group.generation++;
        if (group.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, nowMs);
            persistGroup(changes, group);
            return;
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || group.member(group.leaderId) == null) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        for (ClassicMember m : group.members.values()) {
            m.joinedThisRebalance = false;
            CompletableFuture<JoinGroupResponseData> pending = m.pendingJoin;
            m.pendingJoin = null;
            scheduleSessionExpiry(group, m);
            if (pending != null) {
                complete(changes, pending, joinResponse(group, m));
            }
        }
        int generation = group.generation;
        schedule(group, "sync", group.maxRebalanceTimeoutMs(), c -> onSyncDeadline(c, group, generation));
        log.info("Group {} formed generation {} with {} members (protocol {})", group.groupId(), generation,
                group.members.size(), group.protocolName);
    }

    private static JoinGroupResponseData joinResponse(ClassicGroup group, ClassicMember member) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setGenerationId(group.generation)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId);
        if (member.memberId.equals(group.leaderId)) {
            List<JoinGroupResponseData.JoinGroupResponseMember> all = new ArrayList<>();
            for (ClassicMember m : group.members.values()) {
                all.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId)
                        .setGroupInstanceId(m.groupInstanceId).setMetadata(m.metadata(group.protocolName)));
            }
            response.setMembers(all);
        }
        return response;
    }

    private static CompletableFuture<JoinGroupResponseData> joinError(Errors error, String memberId) {
        return CompletableFuture.completedFuture(errorJoinResponse(error, memberId));
    }

    /** A JoinGroup error response as Kafka builds it. */
    public static JoinGroupResponseData errorJoinResponse(Errors error, String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1)
                .setMemberId(memberId == null ? "" : memberId).setLeader("").setProtocolName(null);
    }

    private void expirePendingMember(Changes<GroupRecord> changes, ClassicGroup group, String memberId) {
        if (group.pendingMemberIds.remove(memberId) != null) {
            maybeCompleteJoin(changes, group);
        }
    }

    // ---------------------------------------------------------------- SyncGroup

    public CompletableFuture<SyncGroupResponseData> syncGroup(Changes<GroupRecord> changes, SyncGroupRequestData request) {
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        Errors error = checkMember(group, request.memberId(), request.groupInstanceId());
        if (error != Errors.NONE) {
            return syncError(error);
        }
        if (request.generationId() != group.generation) {
            return syncError(Errors.ILLEGAL_GENERATION);
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
            return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        ClassicMember member = group.member(request.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE:
                return syncError(Errors.REBALANCE_IN_PROGRESS);
            case COMPLETING_REBALANCE: {
                if (member.pendingSync != null) {
                    complete(changes, member.pendingSync,
                            new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                }
                member.pendingSync = new CompletableFuture<>();
                CompletableFuture<SyncGroupResponseData> future = member.pendingSync;
                if (member.memberId.equals(group.leaderId)) {
                    storeLeaderAssignment(changes, group, request);
                }
                return future;
            }
            case STABLE:
                scheduleSessionExpiry(group, member);
                return CompletableFuture.completedFuture(syncResponse(group, member.assignment));
            default:
                return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    /**
     * The leader's assignment becomes the group record; once that is durable the group is stable and every
     * member waiting in SyncGroup gets its assignment.
     */
    private void storeLeaderAssignment(Changes<GroupRecord> changes, ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (ClassicMember m : group.members.values()) {
            assignments.put(m.memberId, new byte[0]);
        }
        request.assignments().forEach(a -> {
            if (assignments.containsKey(a.memberId())) {
                assignments.put(a.memberId(), a.assignment());
            }
        });
        changes.add(new ClassicGroupRecord(group.groupId(), group.snapshotWith(assignments)));
        int generation = group.generation;
        changes.afterDurable(() -> {
            if (group.state != GroupState.COMPLETING_REBALANCE || group.generation != generation) {
                return;
            }
            cancelTimer(group, "sync");
            group.transitionTo(GroupState.STABLE, time.nowMs());
            for (ClassicMember m : group.members.values()) {
                if (m.pendingSync != null) {
                    m.pendingSync.complete(syncResponse(group, m.assignment));
                    m.pendingSync = null;
                }
                scheduleSessionExpiry(group, m);
            }
        });
    }

    private void onSyncDeadline(Changes<GroupRecord> changes, ClassicGroup group, int generation) {
        if (group.state != GroupState.COMPLETING_REBALANCE || group.generation != generation) {
            return;
        }
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (m.pendingSync == null) {
                log.info("Removing member {} of group {}: it did not sync within the rebalance timeout",
                        m.memberId, group.groupId());
                removeFromGroup(group, m);
            }
        }
        prepareRebalance(changes, group, "members did not sync in time");
    }

    private static void failPendingSyncs(Changes<GroupRecord> changes, ClassicGroup group, Errors error) {
        for (ClassicMember m : group.members.values()) {
            if (m.pendingSync != null) {
                complete(changes, m.pendingSync, new SyncGroupResponseData().setErrorCode(error.code()));
                m.pendingSync = null;
            }
        }
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setProtocolType(group.protocolType).setProtocolName(group.protocolName)
                .setAssignment(assignment);
    }

    private static CompletableFuture<SyncGroupResponseData> syncError(Errors error) {
        return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(error.code()));
    }

    // ---------------------------------------------------------------- Heartbeat and LeaveGroup

    public Errors heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        Errors error = checkMember(group, request.memberId(), request.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        if (request.generationId() != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        ClassicMember member = group.member(request.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE:
                scheduleSessionExpiry(group, member);
                return Errors.REBALANCE_IN_PROGRESS;
            case COMPLETING_REBALANCE:
            case STABLE:
                scheduleSessionExpiry(group, member);
                return Errors.NONE;
            default:
                return Errors.UNKNOWN_MEMBER_ID;
        }
    }

    /**
     * Removes members from a group.
     *
     * @return the group-level error (UNKNOWN_MEMBER_ID for an unknown group) and one error per member
     */
    public LeaveResult leaveGroup(Changes<GroupRecord> changes, String groupId, List<Leaving> leaving) {
        ClassicGroup group = classicGroup(groupId);
        if (group == null) {
            return new LeaveResult(Errors.UNKNOWN_MEMBER_ID, List.of());
        }
        List<Errors> results = new ArrayList<>();
        boolean removedAny = false;
        for (Leaving l : leaving) {
            String memberId = l.memberId();
            if (l.groupInstanceId() != null) {
                String current = group.staticMembers.get(l.groupInstanceId());
                if (current == null) {
                    results.add(Errors.UNKNOWN_MEMBER_ID);
                    continue;
                }
                if (memberId != null && !memberId.isEmpty() && !memberId.equals(current)) {
                    results.add(Errors.FENCED_INSTANCE_ID);
                    continue;
                }
                memberId = current;
            }
            if (group.pendingMemberIds.remove(memberId) != null) {
                cancelTimer(group, "pending/" + memberId);
                results.add(Errors.NONE);
                continue;
            }
            ClassicMember member = group.member(memberId);
            if (member == null) {
                results.add(Errors.UNKNOWN_MEMBER_ID);
                continue;
            }
            removeMember(changes, group, member, "left the group");
            removedAny = true;
            results.add(Errors.NONE);
        }
        if (removedAny) {
            afterMemberRemoved(changes, group);
        }
        return new LeaveResult(Errors.NONE, results);
    }

    private void removeMember(Changes<GroupRecord> changes, ClassicGroup group, ClassicMember member, String why) {
        if (member.pendingJoin != null) {
            complete(changes, member.pendingJoin, errorJoinResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId));
            member.pendingJoin = null;
        }
        if (member.pendingSync != null) {
            complete(changes, member.pendingSync,
                    new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            member.pendingSync = null;
        }
        removeFromGroup(group, member);
        log.info("Member {} of group {} {}", member.memberId, group.groupId(), why);
    }

    private void removeFromGroup(ClassicGroup group, ClassicMember member) {
        cancelTimer(group, sessionKey(member.memberId));
        group.remove(member);
    }

    private void afterMemberRemoved(Changes<GroupRecord> changes, ClassicGroup group) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(changes, group, "a member left");
            case PREPARING_REBALANCE -> {
                if (group.isEmpty()) {
                    completeJoin(changes, group);
                } else {
                    maybeCompleteJoin(changes, group);
                }
            }
            default -> {
            }
        }
    }

    /** (Re)starts a member's session timer: no heartbeat within its session timeout removes it. */
    public void scheduleSessionExpiry(ClassicGroup group, ClassicMember member) {
        String memberId = member.memberId;
        schedule(group, sessionKey(memberId), member.sessionTimeoutMs, changes -> {
            if (group.member(memberId) != member) {
                return;
            }
            if (member.pendingJoin != null || member.pendingSync != null) {
                scheduleSessionExpiry(group, member); // waiting in a rebalance keeps a member alive
                return;
            }
            removeMember(changes, group, member, "expired: no heartbeat within its session timeout of "
                    + member.sessionTimeoutMs + " ms");
            afterMemberRemoved(changes, group);
        });
    }

    /** After loading: every member of a restored group gets a fresh session. */
    public void startTimers(ClassicGroup group) {
        group.members.values().forEach(m -> scheduleSessionExpiry(group, m));
    }

    /** Completes every parked response of the group with an error (the coordinator is going away). */
    public static void failParked(ClassicGroup group, Errors error) {
        for (ClassicMember m : group.members.values()) {
            if (m.pendingJoin != null) {
                m.pendingJoin.complete(errorJoinResponse(error, m.memberId));
                m.pendingJoin = null;
            }
            if (m.pendingSync != null) {
                m.pendingSync.complete(new SyncGroupResponseData().setErrorCode(error.code()));
                m.pendingSync = null;
            }
        }
    }

    /** Writes the group's persisted state as it is now. */
    private static void persistGroup(Changes<GroupRecord> changes, ClassicGroup group) {
        changes.add(new ClassicGroupRecord(group.groupId(), group.snapshotWith(Map.of())));
    }

    private static <T> void complete(Changes<GroupRecord> changes, CompletableFuture<T> future, T value) {
        changes.afterDurable(() -> future.complete(value));
    }

    private static String sessionKey(String memberId) {
        return "session/" + memberId;
    }

    /** Timers of a group are keyed by group id, so that they die with the group object they were set for. */
    private void schedule(ClassicGroup group, String name, long delayMs, Consumer<Changes<GroupRecord>> task) {
        timer.schedule(timerKey(group, name), delayMs, changes -> {
            if (groups.get(group.groupId()) == group && !group.isDead()) {
                task.accept(changes);
            }
        });
    }

    private void cancelTimer(ClassicGroup group, String name) {
        timer.cancel(timerKey(group, name));
    }

    private static String timerKey(ClassicGroup group, String name) {
        return "classic/" + group.groupId() + "/" + name;
    }
}
