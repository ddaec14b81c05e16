package io.spillway.coordinator.group.share;

import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.group.GroupType;
import io.spillway.coordinator.group.ShareGroupConfig;
import io.spillway.coordinator.group.TopicCatalog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ShareGroupHeartbeat on a real coordinator over a real partition: join, heartbeat, leave, member epochs,
 * fencing, Kafka's errors, session expiry by the runtime's timers, the listener, admin checks, and replay after a
 * restart and after a rewrite of the partition.
 */
class ShareGroupProtocolTest {
    private static final ShareGroupConfig CONFIG = new ShareGroupConfig(45_000, 5_000, 3);

    @TempDir
    Path dir;
    private ShareFixture f;
    private TopicCatalog.TopicInfo orders;

    @BeforeEach
    void setUp() {
        f = new ShareFixture(dir, CONFIG);
        orders = f.topics.create("orders", 4);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private static Map<Uuid, Set<Integer>> partitions(ShareGroupHeartbeatResponseData r) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        r.assignment().topicPartitions().forEach(tp -> out.put(tp.topicId(), new TreeSet<>(tp.partitions())));
        return out;
    }

    @Test
    void joinGetsEveryPartitionAndTheGroupEpoch() {
        ShareGroupHeartbeatResponseData r = f.join("g", "m1", List.of("orders"));

        assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(r.memberId()).isEqualTo("m1");
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.heartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(partitions(r)).isEqualTo(Map.of(orders.id(), Set.of(0, 1, 2, 3)));
        assertThat(f.group("g").stateName()).isEqualTo("Stable");
        assertThat(f.group("g").type()).isEqualTo(GroupType.SHARE);
    }

    @Test
    void secondMemberSplitsThePartitionsAndTheFirstGetsItsShareOnItsNextHeartbeat() {
        f.join("g", "m1", List.of("orders"));
        ShareGroupHeartbeatResponseData second = f.join("g", "m2", List.of("orders"));
        assertThat(second.memberEpoch()).isEqualTo(2);
        assertThat(partitions(second).get(orders.id())).hasSize(2);

        ShareGroupHeartbeatResponseData first = f.beat("g", "m1", 1);
        assertThat(first.memberEpoch()).isEqualTo(2);
        assertThat(first.assignment()).isNotNull();
        Set<Integer> all = new TreeSet<>(partitions(first).get(orders.id()));
        all.addAll(partitions(second).get(orders.id()));
        assertThat(all).containsExactly(0, 1, 2, 3);

        ShareGroupHeartbeatResponseData again = f.beat("g", "m1", 2);
        assertThat(again.memberEpoch()).isEqualTo(2);
        assertThat(again.assignment()).isNull(); // unchanged: no assignment in the answer
    }

    @Test
    void requestErrorsAreKafkas() {
        assertThat(f.join("g", "", List.of("orders")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(f.join("g", "m1", List.of()).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(f.join("g", "m1", null).errorMessage()).isEqualTo("SubscribedTopicNames must be set in first request.");
        assertThat(f.beat("g", "m1", -2).errorMessage()).isEqualTo("MemberEpoch is invalid.");
        assertThat(f.beat("unknown", "m1", 3).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(f.leave("unknown", "m1").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(f.coordinator.inspect("g").join()).isNull(); // failed joins leave no group behind

        f.join("g", "m1", List.of("orders"));
        assertThat(f.beat("g", "m2", 1).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(f.leave("g", "m2").errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(f.beat("g", "m1", 5).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
    }

    @Test
    void previousEpochIsAcceptedOlderIsFenced() {
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders"));
        f.beat("g", "m1", 1); // m1: 1 -> 2
        f.join("g", "m3", List.of("orders"));
        assertThat(f.beat("g", "m1", 2).memberEpoch()).isEqualTo(3); // m1: 2 -> 3, previous 2

        assertThat(f.beat("g", "m1", 2).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(f.beat("g", "m1", 1).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
    }

    @Test
    void groupIdsOfOtherKindsAndOtherProtocolsOnShareGroups() {
        f.coordinator.consumerGroupHeartbeat(new GroupCoordinator.Client("c", "/h", (short) 1),
                new ConsumerGroupHeartbeatRequestData().setGroupId("consumers").setMemberId("c1").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"))
                        .setTopicPartitions(List.of())).join();
        ShareGroupHeartbeatResponseData r = f.join("consumers", "m1", List.of("orders"));
        assertThat(r.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(r.errorMessage()).isEqualTo("Group consumers is not a share group.");

        f.join("g", "m1", List.of("orders"));
        var consumer = f.coordinator.consumerGroupHeartbeat(new GroupCoordinator.Client("c", "/h", (short) 1),
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("c1").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"))
                        .setTopicPartitions(List.of())).join();
        assertThat(consumer.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(consumer.errorMessage()).isEqualTo("Group g is not a consumer group.");

        var join = f.coordinator.joinGroup(new GroupCoordinator.Client("c", "/h", (short) 9),
                new JoinGroupRequestData().setGroupId("g").setMemberId("").setProtocolType("consumer")
                        .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)).join();
        assertThat(join.errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());

        var commit = f.coordinator.commitOffsets("g", -1, "", null, (short) 9,
                Map.of(new TopicPartition("orders", 0), new io.spillway.coordinator.group.CommittedOffset(5, -1, "",
                        0, -1))).join();
        assertThat(commit.values()).containsOnly(Errors.GROUP_ID_NOT_FOUND);
        assertThat(f.coordinator.fetchOffsets("g", null, false, null, -1).join().groupError())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(f.coordinator.deleteOffsets("g", List.of(new TopicPartition("orders", 0))).join().groupError())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(f.coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId("m1")
                .setGenerationId(1)).join()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(f.coordinator.consumerGroupDescribe(List.of("g")).join().get(0).errorCode())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThatDescribeGroupsFails();
    }

    private void assertThatDescribeGroupsFails() {
        Throwable error = f.coordinator.describeGroup("g").handle((g, e) -> e).join();
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        assertThat(cause).isInstanceOf(org.apache.kafka.common.errors.GroupIdNotFoundException.class);
    }

    @Test
    void leaveRemovesTheMemberBumpsTheEpochAndTellsTheListener() {
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders"));

        ShareGroupHeartbeatResponseData r = f.leave("g", "m2");

        assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(r.memberId()).isEqualTo("m2");
        assertThat(r.memberEpoch()).isEqualTo(-1);
        assertThat(f.left).containsExactly("g/m2");
        assertThat(f.group("g").groupEpoch()).isEqualTo(3);
        assertThat(f.beat("g", "m1", 1).memberEpoch()).isEqualTo(3);
        assertThat(f.group("g").members().get("m1").current().partitions().get(orders.id()))
                .containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(f.coordinator.isShareGroupMember("g", "m1").join()).isTrue();
        assertThat(f.coordinator.isShareGroupMember("g", "m2").join()).isFalse();

        f.leave("g", "m1");
        assertThat(f.group("g").stateName()).isEqualTo("Empty"); // an empty share group stays
        assertThat(f.coordinator.listGroups().join()).containsExactly(
                new GroupCoordinator.GroupListing("g", "share", "Empty", "share"));
    }

    @Test
    void sessionExpiryFencesTheMemberThroughTheTimer() {
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders"));
        f.advanceMs(30_000);
        f.beat("g", "m1", 1);
        f.advanceMs(20_000); // m2: 50 s without a heartbeat; m1 heartbeated 20 s ago

        assertThat(f.left).containsExactly("g/m2");
        assertThat(f.group("g").members().keySet()).containsExactly("m1");
        assertThat(f.beat("g", "m2", 2).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void groupConfigOverridesSessionTimeoutAndHeartbeatInterval() throws Exception {
        f.close();
        Map<String, Map<String, String>> overrides = Map.of("fast", Map.of(
                ShareGroupConfig.GROUP_SESSION_TIMEOUT_MS, "10000", ShareGroupConfig.GROUP_HEARTBEAT_INTERVAL_MS, "1000"));
        f = new ShareFixture(dir.resolve("overrides"), CONFIG.withGroupConfigs(g -> overrides.getOrDefault(g, Map.of())));
        f.topics.create("orders", 1);

        assertThat(f.join("fast", "m1", List.of("orders")).heartbeatIntervalMs()).isEqualTo(1_000);
        assertThat(f.join("slow", "m1", List.of("orders")).heartbeatIntervalMs()).isEqualTo(5_000);
        f.advanceMs(11_000);
        assertThat(f.left).containsExactly("fast/m1");
    }

    @Test
    void groupMaxSize() {
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders"));
        f.join("g", "m3", List.of("orders"));
        assertThat(f.join("g", "m4", List.of("orders")).errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void subscriptionChangeAndNullSubscriptionMeansUnchanged() {
        TopicCatalog.TopicInfo audit = f.topics.create("audit", 2);
        f.join("g", "m1", List.of("orders"));
        ShareGroupHeartbeatResponseData same = f.heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m1").setMemberEpoch(1).setSubscribedTopicNames(null));
        assertThat(same.memberEpoch()).isEqualTo(1);

        ShareGroupHeartbeatResponseData both = f.heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m1").setMemberEpoch(1).setSubscribedTopicNames(List.of("orders", "audit")));
        assertThat(both.memberEpoch()).isEqualTo(2);
        assertThat(partitions(both)).isEqualTo(Map.of(orders.id(), Set.of(0, 1, 2, 3), audit.id(), Set.of(0, 1)));

        f.topics.addPartitions("audit", 3); // new partitions: a new epoch and assignment
        ShareGroupHeartbeatResponseData grown = f.beat("g", "m1", 2);
        assertThat(grown.memberEpoch()).isEqualTo(3);
        assertThat(partitions(grown).get(audit.id())).containsExactly(0, 1, 2);
    }

    @Test
    void describeShowsStateEpochsAssignorAndMembers() {
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders"));
        f.topics.create("other", 1);

        List<ShareGroupDescribeResponseData.DescribedGroup> described = f.coordinator
                .shareGroupDescribe(List.of("g", "nope")).join();

        ShareGroupDescribeResponseData.DescribedGroup g = described.get(0);
        assertThat(g.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(g.groupState()).isEqualTo("Stable");
        assertThat(g.groupEpoch()).isEqualTo(2);
        assertThat(g.assignmentEpoch()).isEqualTo(2);
        assertThat(g.assignorName()).isEqualTo("simple");
        assertThat(g.members()).extracting(ShareGroupDescribeResponseData.Member::memberId).containsExactly("m1", "m2");
        ShareGroupDescribeResponseData.Member m2 = g.members().get(1);
        assertThat(m2.memberEpoch()).isEqualTo(2);
        assertThat(m2.clientId()).isEqualTo("test-client");
        assertThat(m2.subscribedTopicNames()).containsExactly("orders");
        assertThat(m2.assignment().topicPartitions().get(0).topicName()).isEqualTo("orders");
        assertThat(described.get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(described.get(1).errorMessage()).isEqualTo("Group nope not found.");
    }

    @Test
    void deleteGroupOnlyWhenEmpty() {
        f.join("g", "m1", List.of("orders"));
        assertThat(f.coordinator.deleteGroupWithType("g").join())
                .isEqualTo(new GroupCoordinator.GroupDeletion(Errors.NON_EMPTY_GROUP, GroupType.SHARE));
        f.leave("g", "m1");
        assertThat(f.coordinator.deleteGroupWithType("g").join())
                .isEqualTo(new GroupCoordinator.GroupDeletion(Errors.NONE, GroupType.SHARE));
        assertThat(f.coordinator.inspect("g").join()).isNull();
        f.restart();
        assertThat(f.coordinator.inspect("g").join()).isNull();
        assertThat(f.join("g", "m1", List.of("orders")).memberEpoch()).isEqualTo(1); // a new group
    }

    @Test
    void offsetsChangeCheck() {
        assertThat(f.coordinator.prepareShareGroupOffsetsChange("new", false).join().error())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(f.coordinator.prepareShareGroupOffsetsChange("new", true).join().error()).isEqualTo(Errors.NONE);
        assertThat(f.group("new").stateName()).isEqualTo("Empty");
        f.join("g", "m1", List.of("orders"));
        assertThat(f.coordinator.prepareShareGroupOffsetsChange("g", true).join().error())
                .isEqualTo(Errors.NON_EMPTY_GROUP);
        f.restart();
        assertThat(f.group("new").stateName()).isEqualTo("Empty"); // the created group was written
    }

    @Test
    void replayAfterRestartAndAfterRewriteGivesTheSameGroups() {
        TopicCatalog.TopicInfo audit = f.topics.create("audit", 8);
        f.join("g", "m1", List.of("orders"));
        f.join("g", "m2", List.of("orders", "audit"));
        f.join("h", "x", List.of("audit"));
        f.beat("g", "m1", 1);
        f.join("gone", "y", List.of("audit"));
        f.leave("gone", "y");
        f.coordinator.deleteGroup("gone").join();
        String before = describeAll();

        f.restart();
        assertThat(describeAll()).isEqualTo(before);

        f.coordinator.compactNow().join();
        f.restart();
        assertThat(describeAll()).isEqualTo(before);
        assertThat(f.coordinator.inspect("gone").join()).isNull();
        // Sessions start again after the load: a silent member expires.
        f.advanceMs(46_000);
        assertThat(f.left).contains("g/m1", "g/m2", "h/x");
        ShareGroupDescribeResponseData.DescribedGroup h = f.coordinator.shareGroupDescribe(List.of("h")).join().get(0);
        assertThat(h.groupState()).isEqualTo("Empty");
        assertThat(h.members()).isEmpty();
        assertThat(audit.partitionCount()).isEqualTo(8);
    }

    @ParameterizedTest(name = "{0} members on {1} partitions")
    @CsvSource({"1,1", "2,1", "3,1", "4,1", "5,1", "1,8", "2,8", "3,8", "4,8", "5,8"})
    void membersJoiningOneByOneEndWithEveryPartitionCovered(int members, int partitionCount) throws Exception {
        f.close();
        f = new ShareFixture(dir.resolve("spread-" + members + "-" + partitionCount), new ShareGroupConfig(45_000,
                5_000, 10));
        TopicCatalog.TopicInfo topic = f.topics.create("t", partitionCount);
        for (int i = 0; i < members; i++) {
            f.join("g", "m" + i, List.of("t"));
        }
        Map<Integer, Integer> holders = new HashMap<>();
        for (int i = 0; i < members; i++) { // everyone heartbeats once more: all at the latest epoch
            ShareGroupHeartbeatResponseData r = f.beat("g", "m" + i, f.group("g").members().get("m" + i).memberEpoch());
            assertThat(r.memberEpoch()).isEqualTo(members);
            f.group("g").members().get("m" + i).current().partitions().getOrDefault(topic.id(), Set.of())
                    .forEach(p -> holders.merge(p, 1, Integer::sum));
        }
        assertThat(holders.keySet()).hasSize(partitionCount);
        int sharing = (members + partitionCount - 1) / partitionCount;
        assertThat(holders.values()).allSatisfy(h -> assertThat(h).isBetween(1, sharing));
    }

    private String describeAll() {
        return f.coordinator.shareGroupDescribe(List.of("g", "h", "gone")).join().toString();
    }
}
