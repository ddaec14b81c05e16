package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.group.CommittedOffset;
import io.spillway.coordinator.group.ConsumerGroupConfig;
import io.spillway.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerGroupProtocolTest {
    private static final String GROUP = "g";
    private static final ConsumerGroupConfig CONFIG = new ConsumerGroupConfig(6_000, 500, Integer.MAX_VALUE,
            ConsumerGroupConfig.BUILTIN_ASSIGNORS, 0);

    @TempDir
    Path dir;
    private CoordinatorFixture f;

    @BeforeEach
    void setUp() {
        f = new CoordinatorFixture(dir, CONFIG);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() {
        return f.coordinator.consumerGroupDescribe(List.of(GROUP)).join().get(0);
    }

    private ConsumerGroup group() {
        return (ConsumerGroup) f.group(GROUP);
    }

    private Map<TopicPartition, CommittedOffset> offsets() {
        return f.coordinator.fetchOffsets(GROUP, null, false, null, -1).join().offsets();
    }

    /** Heartbeats every live consumer until none changes any more (or gives up). */
    private void settle(List<SimulatedConsumer> consumers) {
        for (int round = 0; round < 20; round++) {
            for (SimulatedConsumer c : consumers) {
                c.heartbeat();
                assertInvariants(consumers);
            }
            f.advanceMs(100);
            if (group().state() == ConsumerGroupState.STABLE) {
                return;
            }
        }
    }

    /** No partition owned by two members, on the coordinator's side and on the clients' side. */
    private void assertInvariants(List<SimulatedConsumer> live) {
        Map<Uuid, Map<Integer, String>> serverOwners = new HashMap<>();
        for (ConsumerGroupMember m : group().members.values()) {
            for (Map<Uuid, Map<Integer, Integer>> part : List.of(m.current().assigned(), m.current().pendingRevocation())) {
                part.forEach((topicId, epochs) -> epochs.keySet().forEach(p -> {
                    String previous = serverOwners.computeIfAbsent(topicId, t -> new HashMap<>()).put(p, m.memberId());
                    assertThat(previous).as("%s-%d owned by %s and %s", topicId, p, previous, m.memberId()).isNull();
                }));
            }
        }
        Map<SimulatedConsumer.TopicPartition, String> clientOwners = new HashMap<>();
        for (SimulatedConsumer c : live) {
            for (SimulatedConsumer.TopicPartition tp : c.owned) {
                String previous = clientOwners.put(tp, c.memberId);
                assertThat(previous).as("%s consumed by %s and %s at once", tp, previous, c.memberId).isNull();
            }
        }
    }

    @Test
    void membersNeverShareAPartitionThroughChurnAndEndBalanced() {
        f.topics.create("t1", 12);
        f.topics.create("t2", 5);
        Random random = new Random(7);
        List<SimulatedConsumer> live = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int action = random.nextInt(20);
            if ((action == 0 || live.isEmpty()) && live.size() < 6) {
                SimulatedConsumer joining = new SimulatedConsumer(f, GROUP, null,
                        random.nextBoolean() ? List.of("t1", "t2") : List.of("t1"));
                live.add(joining);
                joining.heartbeat();
            } else if (action == 1 && live.size() > 1) {
                SimulatedConsumer leaving = live.remove(random.nextInt(live.size()));
                if (leaving.epoch > 0) {
                    assertThat(leaving.leave(-1).errorCode()).isZero();
                }
            } else if (action == 2 && live.size() > 1) {
                // a crash: the member goes silent; its session (6 s) expires while the others heartbeat
                live.remove(random.nextInt(live.size()));
                for (int i = 0; i < 14; i++) {
                    live.forEach(SimulatedConsumer::heartbeat);
                    f.advanceMs(500);
                }
            } else if (action == 3) {
                live.get(random.nextInt(live.size())).changeSubscription(random.nextBoolean() ? List.of("t2") : List.of("t1", "t2"));
            } else if (action == 4 && step % 50 == 4) {
                f.topics.addPartitions("t2", f.topics.byName("t2").partitionCount() + 1);
            } else {
                live.get(random.nextInt(live.size())).heartbeat();
            }
            assertInvariants(live);
            f.advanceMs(50);
        }
        for (SimulatedConsumer c : live) {
            c.changeSubscription(List.of("t1", "t2"));
        }
        settle(live);
        assertThat(group().state()).isEqualTo(ConsumerGroupState.STABLE);
        int total = 12 + f.topics.byName("t2").partitionCount();
        assertThat(live.stream().mapToInt(c -> c.owned.size()).sum()).isEqualTo(total);
        int min = live.stream().mapToInt(c -> c.owned.size()).min().orElseThrow();
        int max = live.stream().mapToInt(c -> c.owned.size()).max().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(1);
    }

    @Test
    void aNewTopicAndNewPartitionsReachMembersWithoutAnyoneRejoining() {
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("later"));
        a.heartbeat();
        assertThat(a.owned).isEmpty();
        f.topics.create("later", 2);
        settle(List.of(a));
        assertThat(a.owned).hasSize(2);
        f.topics.addPartitions("later", 5);
        settle(List.of(a));
        assertThat(a.owned).hasSize(5);
        assertThat(describe().groupEpoch()).isEqualTo(3);
    }

    @Test
    void aSilentMemberExpiresAfterTheSessionTimeoutAndTheOthersTakeOver() {
        f.topics.create("t", 4);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a, b));
        assertThat(a.owned).hasSize(2);
        for (int i = 0; i < 11; i++) {
            a.heartbeat();
            f.advanceMs(500);
        }
        assertThat(group().members).hasSize(2);
        for (int i = 0; i < 4; i++) {
            a.heartbeat();
            f.advanceMs(500);
        }
        assertThat(group().members).containsOnlyKeys(a.memberId);
        settle(List.of(a));
        assertThat(a.owned).hasSize(4);
        // b comes back: its heartbeat is refused (UNKNOWN_MEMBER_ID), so it rejoins.
        assertThat(Errors.forCode(b.heartbeat().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(b.owned).isEmpty();
        settle(List.of(a, b));
        assertThat(b.owned).hasSize(2);
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsFenced() {
        f.topics.create("t", 4);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a));
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        b.heartbeat();
        // a is asked to revoke two partitions but keeps reporting them (and heartbeating) for 30 s.
        ConsumerGroupHeartbeatRequestData stubborn = new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP)
                .setMemberId(a.memberId).setMemberEpoch(a.epoch).setTopicPartitions(List.of(
                        new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(f.topics.byName("t").id())
                                .setPartitions(List.of(0, 1, 2, 3))));
        assertThat(f.heartbeat(stubborn).memberEpoch()).isEqualTo(a.epoch);
        assertThat(group().members.get(a.memberId).current().state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        for (int i = 0; i < 62; i++) {
            f.heartbeat(stubborn);
            b.heartbeat();
            f.advanceMs(500);
        }
        assertThat(group().members).containsOnlyKeys(b.memberId);
        assertThat(Errors.forCode(f.heartbeat(stubborn).errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        settle(List.of(b));
        assertThat(b.owned).hasSize(4);
    }

    @Test
    void aRestartRestoresEpochsMembersAssignmentsAndOffsets() throws Exception {
        f.topics.create("t", 6);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, "instance-b", List.of("t"));
        settle(List.of(a, b));
        assertThat(f.coordinator.commitOffsets(GROUP, a.epoch, a.memberId, null, (short) 9,
                Map.of(new TopicPartition("t", first(a)), new CommittedOffset(42, -1, "", f.time.nowMs())))
                .get(5, TimeUnit.SECONDS)).containsValue(Errors.NONE);
        ConsumerGroupDescribeResponseData.DescribedGroup before = describe();

        f.restart();
        assertThat(describe()).isEqualTo(before);
        assertThat(offsets()).containsKey(new TopicPartition("t", first(a)));
        // members go on with their epochs as if nothing happened
        assertThat(a.heartbeat().errorCode()).isZero();
        assertThat(b.heartbeat().errorCode()).isZero();
        assertThat(describe().groupEpoch()).isEqualTo(before.groupEpoch());

        // and the rewritten (compacted) internal topic holds the same state
        f.coordinator.compactNow().join();
        ConsumerGroupDescribeResponseData.DescribedGroup beforeCompaction = describe();
        f.restart();
        assertThat(describe()).isEqualTo(beforeCompaction);
        assertThat(offsets()).hasSize(1);

        // sessions restart with the coordinator: silent members expire after a session timeout
        f.advanceMs(6_500);
        assertThat(describe().members()).isEmpty();
        assertThat(describe().groupState()).isEqualTo("Empty");
    }

    private int first(SimulatedConsumer c) {
        return c.owned.iterator().next().partition();
    }

    @Test
    void commitsAcceptAnOlderEpochOnlyForPartitionsTheMemberHadThen() throws Exception {
        f.topics.create("t", 2);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a));
        int firstEpoch = a.epoch;
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a, b));
        f.topics.addPartitions("t", 4);
        settle(List.of(a, b));
        assertThat(a.epoch).isGreaterThan(firstEpoch);
        ConsumerGroupMember member = group().members.get(a.memberId);
        Map<Integer, Integer> epochs = member.current().assigned().get(f.topics.byName("t").id());
        int oldPartition = epochs.entrySet().stream().filter(e -> e.getValue() == firstEpoch).findFirst().orElseThrow().getKey();
        int newPartition = epochs.entrySet().stream().filter(e -> e.getValue() > firstEpoch).findFirst().orElseThrow().getKey();
        assertThat(commit(a, firstEpoch, oldPartition)).isEqualTo(Errors.NONE);
        assertThat(commit(a, firstEpoch, newPartition)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(commit(a, a.epoch + 1, oldPartition)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(commit(a, a.epoch, newPartition)).isEqualTo(Errors.NONE);
        assertThat(f.coordinator.fetchOffsets(GROUP, null, false, a.memberId, a.epoch).join().groupError())
                .isEqualTo(Errors.NONE);
        assertThat(f.coordinator.fetchOffsets(GROUP, null, false, a.memberId, firstEpoch).join().groupError())
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
    }

    private Errors commit(SimulatedConsumer c, int epoch, int partition) throws Exception {
        return f.coordinator.commitOffsets(GROUP, epoch, c.memberId, null, (short) 9,
                Map.of(new TopicPartition("t", partition), new CommittedOffset(1, -1, "", f.time.nowMs())))
                .get(5, TimeUnit.SECONDS).values().iterator().next();
    }

    @Test
    void aStaticMemberAwayKeepsItsPartitionsAndComesBackUnderANewIdWithoutANewEpoch() {
        f.topics.create("t", 4);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, "i-a", List.of("t"));
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, "i-b", List.of("t"));
        settle(List.of(a, b));
        int epoch = describe().groupEpoch();
        Set<SimulatedConsumer.TopicPartition> owned = new HashSet<>(a.owned);
        assertThat(a.leave(-2).memberEpoch()).isEqualTo(-2);
        settle(List.of(b));
        assertThat(b.owned).hasSize(2);
        SimulatedConsumer again = new SimulatedConsumer(f, GROUP, "i-a", List.of("t"));
        settle(List.of(again, b));
        assertThat(again.owned).isEqualTo(owned);
        assertThat(describe().groupEpoch()).isEqualTo(epoch);
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactlyInAnyOrder(again.memberId, b.memberId);
    }

    @Test
    void aNewTargetAssignmentIsComputedAtMostOncePerAssignmentInterval() throws Exception {
        f.close();
        f = new CoordinatorFixture(dir.resolve("throttled"), new ConsumerGroupConfig(6_000, 500, Integer.MAX_VALUE,
                ConsumerGroupConfig.BUILTIN_ASSIGNORS, 1_000));
        f.topics.create("t", 4);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        a.heartbeat();
        assertThat(a.owned).hasSize(4); // the first target is computed at once
        f.advanceMs(100);
        SimulatedConsumer b = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        b.heartbeat();
        a.heartbeat();
        assertThat(b.owned).isEmpty();
        assertThat(describe().groupState()).isEqualTo("Assigning");
        assertThat(describe().assignmentEpoch()).isLessThan(describe().groupEpoch());
        f.advanceMs(1_000);
        settle(List.of(a, b));
        assertThat(a.owned).hasSize(2);
        assertThat(b.owned).hasSize(2);
    }

    @Test
    void regexSubscriptionsFollowNewTopicsAfterTheRefreshInterval() {
        f.topics.create("orders-eu", 2);
        f.topics.create("payments", 2);
        ConsumerGroupHeartbeatResponseData joined = f.heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP)
                .setMemberId("m").setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicRegex("orders-.*")
                .setTopicPartitions(List.of()));
        assertThat(joined.assignment().topicPartitions()).singleElement()
                .satisfies(tp -> assertThat(tp.topicId()).isEqualTo(f.topics.byName("orders-eu").id()));
        f.topics.create("orders-us", 3);
        ConsumerGroupHeartbeatRequestData beat = new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP)
                .setMemberId("m").setMemberEpoch(joined.memberEpoch());
        f.advanceMs(5_000);
        assertThat(f.heartbeat(beat).memberEpoch()).isEqualTo(joined.memberEpoch());
        f.advanceMs(5_001);
        ConsumerGroupHeartbeatResponseData refreshed = f.heartbeat(beat);
        assertThat(refreshed.memberEpoch()).isGreaterThan(joined.memberEpoch());
        assertThat(refreshed.assignment().topicPartitions()).hasSize(2);
        assertThat(describe().members().get(0).subscribedTopicRegex()).isEqualTo("orders-.*");
        assertThat(Errors.forCode(f.heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId("n")
                .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicRegex("orders-(")
                .setTopicPartitions(List.of())).errorCode())).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
    }

    @Test
    void emptyGroupsChangeProtocolAndKeepTheirOffsets() throws Exception {
        f.topics.create("t", 1);
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(f.coordinator.commitOffsets(GROUP, -1, "", null, (short) 9,
                Map.of(tp, new CommittedOffset(7, -1, "", f.time.nowMs()))).get(5, TimeUnit.SECONDS)).containsValue(Errors.NONE);
        assertThat(f.coordinator.listGroups().join()).singleElement().satisfies(g -> assertThat(g.type()).isEqualTo("classic"));

        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a));
        assertThat(f.coordinator.listGroups().join()).singleElement().satisfies(g -> {
            assertThat(g.type()).isEqualTo("consumer");
            assertThat(g.protocolType()).isEqualTo("consumer");
            assertThat(g.state()).isEqualTo("Stable");
        });
        assertThat(offsets()).containsKey(tp);
        assertThat(f.coordinator.deleteGroup(GROUP).get()).isEqualTo(Errors.NON_EMPTY_GROUP);
        JoinGroupResponseData refused = f.coordinator.joinGroup(new GroupCoordinator.Client("c", "/h", (short) 9),
                classicJoin()).get(5, TimeUnit.SECONDS);
        assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

        a.leave(-1);
        f.restart();
        assertThat(describe().groupState()).isEqualTo("Empty");
        JoinGroupResponseData joined = f.coordinator.joinGroup(new GroupCoordinator.Client("c", "/h", (short) 9),
                classicJoin()).get(5, TimeUnit.SECONDS);
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(f.coordinator.listGroups().join()).singleElement().satisfies(g -> assertThat(g.type()).isEqualTo("classic"));
        assertThat(f.coordinator.consumerGroupDescribe(List.of(GROUP)).join().get(0).errorCode())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        f.restart();
        assertThat(offsets()).containsEntry(tp, new CommittedOffset(7, -1, "",
                offsets().get(tp).commitTimestampMs()));
        assertThat(f.coordinator.listGroups().join()).singleElement().satisfies(g -> assertThat(g.type()).isEqualTo("classic"));
    }

    private static JoinGroupRequestData classicJoin() {
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId("").setProtocolType("consumer")
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setProtocols(new JoinGroupRequestData.JoinGroupRequestProtocolCollection(List.of(
                        new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0])).iterator()));
    }

    @Test
    void deletingAnEmptyConsumerGroupRemovesItAndItsOffsetsForGood() throws Exception {
        f.topics.create("t", 1);
        SimulatedConsumer a = new SimulatedConsumer(f, GROUP, null, List.of("t"));
        settle(List.of(a));
        f.coordinator.commitOffsets(GROUP, a.epoch, a.memberId, null, (short) 9,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(3, -1, "", f.time.nowMs()))).get(5, TimeUnit.SECONDS);
        a.leave(-1);
        assertThat(f.coordinator.deleteGroup(GROUP).get()).isEqualTo(Errors.NONE);
        assertThat(f.coordinator.listGroups().join()).isEmpty();
        f.restart();
        assertThat(f.coordinator.listGroups().join()).isEmpty();
        assertThat(offsets()).isEmpty();
    }
}
