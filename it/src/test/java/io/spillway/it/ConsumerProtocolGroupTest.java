package io.spillway.it;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kafka-clients consumers with {@code group.protocol=consumer} (KIP-848) against Spillway: members
 * join one by one, one leaves, one is killed (SIGKILL of a child JVM); every record is consumed, no partition is
 * owned by two members at once, and committed offsets survive a broker restart. Also the admin view
 * of such a group and Kafka's error codes for bad heartbeats.
 *
 * <p>With {@code -Dgroups.bootstrap=host:port} the same tests run against an external broker (e.g.
 * Apache Kafka 4.x configured with the settings in {@link #SETTINGS}) to check the expectations; the
 * restart step is skipped there.
 */
class ConsumerProtocolGroupTest {
    /** Broker settings (Kafka names) that keep the test fast: 6 s sessions, 500 ms heartbeats. */
    static final Map<String, String> SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "group.consumer.session.timeout.ms", "6000",
            "group.consumer.min.session.timeout.ms", "6000",
            "group.consumer.heartbeat.interval.ms", "500",
            "group.consumer.min.heartbeat.interval.ms", "500",
            "group.consumer.migration.policy", "disabled",
            "num.partitions", "1");
    private static final int PARTITIONS = 12;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Path dataDir;
    private static SpillwayServer server;
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        String external = System.getProperty("groups.bootstrap");
        if (external != null && !external.isBlank()) {
            bootstrap = external.trim();
        } else {
            dataDir = TempDirs.create("spillway-consumer-protocol");
            startServer();
        }
        admin = newAdmin();
    }

    private static void startServer() throws Exception {
        server = SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .setAll(SETTINGS).build());
        bootstrap = server.bootstrap();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    private static boolean external() {
        return server == null;
    }

    // ------------------------------------------------------------------ the group at work

    @Test
    void membersJoinLeaveAndDieWhileEveryRecordIsConsumedByOneOwnerAtATime() throws Exception {
        String topic = createTopic("cp-work", PARTITIONS);
        String group = unique("cp-work-group");
        Ledger ledger = new Ledger();
        try (KafkaProducer<String, String> producer = producer()) {
            produce(producer, topic, 0, 600);
            Member a = new Member("a", group, topic, ledger, null).start();
            awaitAssignments(List.of(a), 12);
            Member b = new Member("b", group, topic, ledger, null).start();
            awaitAssignments(List.of(a, b), 6, 6);
            produce(producer, topic, 600, 600);
            ChildMember c = new ChildMember("c", group, topic, ledger);
            awaitAssignments(List.of(a, b, c), 4, 4, 4);
            produce(producer, topic, 1200, 600);

            ConsumerGroupDescription stable = awaitDescription(group, d -> d.groupState() == GroupState.STABLE
                    && d.members().size() == 3);
            assertThat(stable.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(stable.partitionAssignor()).isEqualTo("uniform");
            assertThat(stable.members()).allSatisfy(m -> {
                assertThat(m.assignment().topicPartitions()).hasSize(4);
                assertThat(m.memberEpoch()).contains(stable.groupEpoch().orElseThrow());
            });

            b.leave();
            awaitAssignments(List.of(a, c), 6, 6);
            produce(producer, topic, 1800, 600);
            awaitCondition(() -> ledger.deliveries.stream().anyMatch(d -> d.member.equals("c")
                    && Integer.parseInt(d.value.substring(2)) >= 1800), "c reads the latest records");
            long killedAtNs = System.nanoTime();
            c.kill();
            // c died without leaving: its partitions stay with it until its session (6 s) expires.
            awaitAssignments(List.of(a), 12);
            assertThat(System.nanoTime() - killedAtNs).isGreaterThan(TimeUnit.SECONDS.toNanos(4));
            produce(producer, topic, 2400, 600);
            awaitCondition(() -> ledger.distinctValues() == 3000, "all 3000 records consumed");
            awaitCondition(() -> committedAll(group, topic), "offsets of every record committed");
            a.leave();
            assertThat(List.of(a, b)).allSatisfy(m -> assertThat(m.failure.get()).isNull());
        }

        assertThat(ledger.distinctValues()).isEqualTo(3000);
        ledger.assertOneOwnerAtATime();
        ledger.assertRedeliveredOnlyWhatWasNotCommitted();

        ConsumerGroupDescription empty = awaitDescription(group, d -> d.groupState() == GroupState.EMPTY);
        int epochBeforeRestart = empty.groupEpoch().orElseThrow();
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        assertThat(committed).hasSize(PARTITIONS);

        if (!external()) {
            admin.close(Duration.ofSeconds(5));
            server.close();
            startServer();
            admin = newAdmin();
            assertThat(committed(group)).isEqualTo(committed);
            ConsumerGroupDescription reloaded = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group);
            assertThat(reloaded.groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(reloaded.groupEpoch()).contains(epochBeforeRestart);
        }

        // A member after the restart resumes at the committed offsets: only new records arrive.
        Ledger after = new Ledger();
        try (KafkaProducer<String, String> producer = producer()) {
            Member d = new Member("d", group, topic, after, null).start();
            awaitAssignments(List.of(d), 12);
            produce(producer, topic, 3000, 120);
            awaitCondition(() -> after.distinctValues() == 120, "the 120 new records consumed");
            Thread.sleep(1000);
            assertThat(after.values()).allSatisfy(v -> assertThat(Integer.parseInt(v.substring(2))).isGreaterThanOrEqualTo(3000));
            assertThat(after.deliveries()).isEqualTo(120);
            d.leave();
        }
    }

    @Test
    void staticMemberComesBackWithinItsSessionWithoutANewGroupEpoch() throws Exception {
        String topic = createTopic("cp-static", 6);
        String group = unique("cp-static-group");
        Ledger ledger = new Ledger();
        Member first = new Member("s1", group, topic, ledger, "instance-1").start();
        Member other = new Member("s2", group, topic, ledger, "instance-2").start();
        awaitAssignments(List.of(first, other), 3, 3);
        ConsumerGroupDescription before = awaitDescription(group, d -> d.groupState() == GroupState.STABLE);
        Set<TopicPartition> owned = first.assignment();

        first.leave(); // a static member's close tells the coordinator it will be back (epoch -2)
        ConsumerGroupDescription away = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                .get(group);
        assertThat(away.members()).hasSize(2);
        assertThat(away.members()).anySatisfy(m -> {
            assertThat(m.groupInstanceId()).contains("instance-1");
            assertThat(m.memberEpoch()).contains(-2);
        });

        Member back = new Member("s1-again", group, topic, ledger, "instance-1").start();
        awaitCondition(() -> back.assignment().equals(owned), "the static member gets its partitions back");
        ConsumerGroupDescription after = awaitDescription(group, d -> d.groupState() == GroupState.STABLE);
        assertThat(after.groupEpoch()).isEqualTo(before.groupEpoch());
        assertThat(other.assignment()).hasSize(3);
        back.leave();
        other.leave();
    }

    // ------------------------------------------------------------------ the admin view

    @Test
    void adminListsDescribesAndDeletesAConsumerProtocolGroupAsKafkaDoes() throws Exception {
        String topic = createTopic("cp-admin", 3);
        String other = createTopic("cp-admin-other", 1);
        String group = unique("cp-admin-group");
        Member m = new Member("m", group, topic, new Ledger(), null).start();
        awaitAssignments(List.of(m), 3);
        awaitDescription(group, d -> d.groupState() == GroupState.STABLE);

        Collection<GroupListing> listed = admin.listGroups(ListGroupsOptions.forConsumerGroups().withTypes(Set.of(GroupType.CONSUMER)))
                .all().get(30, TimeUnit.SECONDS);
        assertThat(listed).anySatisfy(g -> {
            assertThat(g.groupId()).isEqualTo(group);
            assertThat(g.type()).contains(GroupType.CONSUMER);
            assertThat(g.protocol()).isEqualTo("consumer");
            assertThat(g.groupState()).contains(GroupState.STABLE);
        });
        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                .get(group);
        MemberDescription member = described.members().iterator().next();
        assertThat(member.assignment().topicPartitions()).hasSize(3);
        assertThat(member.targetAssignment().orElseThrow().topicPartitions()).hasSize(3);
        assertThat(described.targetAssignmentEpoch()).isEqualTo(described.groupEpoch());

        // The classic DescribeGroups API does not describe consumer-protocol groups (GROUP_ID_NOT_FOUND).
        try (WireClient wire = wire()) {
            DescribeGroupsResponse response = wire.send(WireClient.request(ApiKeys.DESCRIBE_GROUPS,
                    new DescribeGroupsRequestData().setGroups(List.of(group)), (short) 5));
            assertThat(response.data().groups().get(0).groupState()).isEqualTo("Dead");
            assertThat(response.data().groups().get(0).errorCode()).isEqualTo(Errors.NONE.code());
            response = wire.send(WireClient.request(ApiKeys.DESCRIBE_GROUPS,
                    new DescribeGroupsRequestData().setGroups(List.of(group)), (short) 6));
            assertThat(response.data().groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }

        // OffsetDelete refuses subscribed topics; DeleteGroups refuses a group with members.
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(other, 0), new OffsetAndMetadata(0));
        assertThatThrownBy(() -> admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownMemberIdException.class);
        assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets(group, Set.of(new TopicPartition(topic, 0)))
                .all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.GroupSubscribedToTopicException.class);
        assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GroupNotEmptyException.class);

        m.leave();
        awaitDescription(group, d -> d.groupState() == GroupState.EMPTY);
        admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        admin.deleteConsumerGroupOffsets(group, Set.of(new TopicPartition(topic, 0))).all().get(30, TimeUnit.SECONDS);
        admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).noneMatch(g -> g.groupId().equals(group));
    }

    // ------------------------------------------------------------------ Kafka's error codes

    @Test
    void heartbeatsThatKafkaRefusesGetKafkasErrors() throws Exception {
        String topic = createTopic("cp-errors", 2);
        String group = unique("cp-errors-group");
        try (WireClient wire = wire()) {
            assertThat(heartbeat(wire, join(group, Uuid.randomUuid().toString(), topic).setRebalanceTimeoutMs(-1)).errorCode())
                    .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(wire, join(group, "", topic)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(wire, join(group, Uuid.randomUuid().toString(), topic).setServerAssignor("sticky")).errorCode())
                    .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
            assertThat(heartbeat(wire, join(group, Uuid.randomUuid().toString(), topic).setMemberEpoch(-3)).errorCode())
                    .isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(unique("missing"))
                    .setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(1)).errorCode())
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            String memberId = Uuid.randomUuid().toString();
            ConsumerGroupHeartbeatResponseData joined = heartbeat(wire, join(group, memberId, topic));
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.memberId()).isEqualTo(memberId);
            assertThat(joined.memberEpoch()).isPositive();
            assertThat(joined.heartbeatIntervalMs()).isEqualTo(500);
            int epoch = joined.memberEpoch();
            awaitCondition(() -> {
                ConsumerGroupHeartbeatResponseData r = heartbeatUnchecked(wire, new ConsumerGroupHeartbeatRequestData()
                        .setGroupId(group).setMemberId(memberId).setMemberEpoch(epoch));
                return r.errorCode() == 0 && r.memberEpoch() == epoch;
            }, "a plain heartbeat keeps the epoch");

            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                    .setMemberEpoch(epoch + 5)).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                    .setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(epoch)).errorCode())
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                    .setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(-1)).errorCode())
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            // Commits: the member's epoch is checked (STALE_MEMBER_EPOCH for a newer one, UNKNOWN_MEMBER_ID for strangers).
            assertThat(commit(wire, group, memberId, epoch + 1, topic)).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
            assertThat(commit(wire, group, "stranger", epoch, topic)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(commit(wire, group, memberId, epoch, topic)).isEqualTo(Errors.NONE.code());

            // The group speaks the consumer protocol: a classic JoinGroup is refused.
            JoinGroupResponse classic = wire.send(WireClient.request(ApiKeys.JOIN_GROUP, new JoinGroupRequestData()
                    .setGroupId(group).setMemberId("").setProtocolType("consumer").setSessionTimeoutMs(10_000)
                    .setRebalanceTimeoutMs(10_000).setProtocols(new JoinGroupRequestData.JoinGroupRequestProtocolCollection(
                            List.of(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
                                    .setMetadata(new byte[0])).iterator())), (short) 9));
            assertThat(classic.data().errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());

            // Static members: an instance id in use cannot join again until it is released.
            String instanceGroup = unique("cp-errors-static");
            String staticId = Uuid.randomUuid().toString();
            assertThat(heartbeat(wire, join(instanceGroup, staticId, topic).setInstanceId("i-1")).errorCode()).isZero();
            assertThat(heartbeat(wire, join(instanceGroup, Uuid.randomUuid().toString(), topic).setInstanceId("i-1"))
                    .errorCode()).isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());
            ConsumerGroupHeartbeatResponseData away = heartbeat(wire, new ConsumerGroupHeartbeatRequestData()
                    .setGroupId(instanceGroup).setMemberId(staticId).setInstanceId("i-1").setMemberEpoch(-2));
            assertThat(away.errorCode()).isZero();
            assertThat(away.memberEpoch()).isEqualTo(-2);
            String replacement = Uuid.randomUuid().toString();
            ConsumerGroupHeartbeatResponseData rejoined = heartbeat(wire, join(instanceGroup, replacement, topic)
                    .setInstanceId("i-1"));
            assertThat(rejoined.errorCode()).isZero();
            assertThat(rejoined.memberId()).isEqualTo(replacement);
            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(instanceGroup)
                    .setMemberId(staticId).setInstanceId("i-1").setMemberEpoch(-1)).errorCode())
                    .isEqualTo(Errors.FENCED_INSTANCE_ID.code());

            // Leaving: the answer echoes the epoch -1; the group is then empty.
            ConsumerGroupHeartbeatResponseData left = heartbeat(wire, new ConsumerGroupHeartbeatRequestData()
                    .setGroupId(group).setMemberId(memberId).setMemberEpoch(-1));
            assertThat(left.errorCode()).isZero();
            assertThat(left.memberEpoch()).isEqualTo(-1);
            heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(instanceGroup).setMemberId(replacement)
                    .setInstanceId("i-1").setMemberEpoch(-1));
        }
        awaitDescription(group, d -> d.groupState() == GroupState.EMPTY);
    }

    @Test
    void offsetsAndMixedProtocolsGetKafkasErrors() throws Exception {
        String topic = createTopic("cp-mixed", 2);
        String group = unique("cp-mixed-group");
        try (WireClient wire = wire()) {
            // Commits to a group that does not exist: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before.
            String missing = unique("cp-missing");
            assertThat(commit(wire, missing, "m", 3, topic, (short) 9)).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            assertThat(commit(wire, missing, "m", 3, topic, (short) 8)).isEqualTo(Errors.ILLEGAL_GENERATION.code());

            String memberId = Uuid.randomUuid().toString();
            ConsumerGroupHeartbeatResponseData joined = heartbeat(wire, join(group, memberId, topic));
            // Kafka may compute the assignment in the background: heartbeat until the member owns both partitions.
            java.util.concurrent.atomic.AtomicInteger epochNow = new java.util.concurrent.atomic.AtomicInteger(joined.memberEpoch());
            awaitCondition(() -> {
                ConsumerGroupHeartbeatResponseData r = heartbeatUnchecked(wire, new ConsumerGroupHeartbeatRequestData()
                        .setGroupId(group).setMemberId(memberId).setMemberEpoch(epochNow.get()));
                epochNow.set(r.memberEpoch());
                ConsumerGroupDescription d = describeUnchecked(group);
                return r.errorCode() == 0 && d.groupState() == GroupState.STABLE && d.members().size() == 1
                        && d.members().iterator().next().assignment().topicPartitions().size() == 2;
            }, "member stable with both partitions");
            int epoch = epochNow.get();
            // A consumer-protocol member must commit with v9+; an older epoch than the partition's is stale.
            assertThat(commit(wire, group, memberId, epoch, topic, (short) 8)).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(commit(wire, group, memberId, epoch - 1, topic, (short) 9)).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
            assertThat(commit(wire, group, "", -1, topic, (short) 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            // OffsetFetch v9 checks the member and its epoch.
            assertThat(fetchError(wire, group, memberId, epoch)).isEqualTo(Errors.NONE.code());
            assertThat(fetchError(wire, group, memberId, epoch + 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
            assertThat(fetchError(wire, group, "stranger", epoch)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(fetchError(wire, group, null, -1)).isEqualTo(Errors.NONE.code());

            // A non-empty classic group does not take consumer-protocol members, and is not a consumer group.
            String classicGroup = unique("cp-classic");
            JoinGroupRequestData classicJoin = new JoinGroupRequestData().setGroupId(classicGroup).setMemberId("")
                    .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                    .setProtocols(new JoinGroupRequestData.JoinGroupRequestProtocolCollection(List.of(
                            new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
                                    .setMetadata(new byte[0])).iterator()));
            JoinGroupResponse required = wire.send(WireClient.request(ApiKeys.JOIN_GROUP, classicJoin, (short) 5));
            assertThat(required.data().errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
            classicJoin.setMemberId(required.data().memberId());
            JoinGroupResponse classicJoined = wire.send(WireClient.request(ApiKeys.JOIN_GROUP, classicJoin, (short) 5));
            assertThat(classicJoined.data().errorCode()).isZero();
            assertThat(heartbeat(wire, join(classicGroup, Uuid.randomUuid().toString(), topic)).errorCode())
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            assertThat(heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(classicGroup)
                    .setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(-1)).errorCode())
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            ConsumerGroupDescribeResponse describe = wire.send(WireClient.request(ApiKeys.CONSUMER_GROUP_DESCRIBE,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of(classicGroup, group, unique("nope"))),
                    ApiKeys.CONSUMER_GROUP_DESCRIBE.latestVersion()));
            assertThat(describe.data().groups()).extracting(g -> g.errorCode()).containsExactly(
                    Errors.GROUP_ID_NOT_FOUND.code(), Errors.NONE.code(), Errors.GROUP_ID_NOT_FOUND.code());
            ConsumerGroupDescribeResponseData.DescribedGroup described = describe.data().groups().get(1);
            assertThat(described.groupState()).isEqualTo("Stable");
            assertThat(described.assignorName()).isEqualTo("uniform");
            assertThat(described.members()).singleElement().satisfies(m -> {
                assertThat(m.memberId()).isEqualTo(memberId);
                assertThat(m.memberEpoch()).isEqualTo(epoch);
                assertThat(m.subscribedTopicNames()).containsExactly(topic);
                assertThat(m.assignment().topicPartitions()).singleElement()
                        .satisfies(tp -> assertThat(tp.partitions()).containsExactlyInAnyOrder(0, 1));
                assertThat(m.memberType()).isEqualTo((byte) 1);
            });
            heartbeat(wire, new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                    .setMemberEpoch(-1));
        }
    }

    private static short fetchError(WireClient wire, String group, String memberId, int epoch) throws Exception {
        OffsetFetchResponse response = wire.send(WireClient.request(ApiKeys.OFFSET_FETCH, new OffsetFetchRequestData()
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                        .setMemberId(memberId).setMemberEpoch(epoch).setTopics(null))), (short) 9));
        return response.data().groups().get(0).errorCode();
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String memberId, String topic) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of(topic)).setTopicPartitions(List.of());
    }

    private static ConsumerGroupHeartbeatResponseData heartbeat(WireClient wire, ConsumerGroupHeartbeatRequestData request)
            throws Exception {
        ConsumerGroupHeartbeatResponse response = wire.send(WireClient.request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, request,
                ApiKeys.CONSUMER_GROUP_HEARTBEAT.latestVersion()));
        return response.data();
    }

    private static ConsumerGroupHeartbeatResponseData heartbeatUnchecked(WireClient wire,
                                                                      ConsumerGroupHeartbeatRequestData request) {
        try {
            return heartbeat(wire, request);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static short commit(WireClient wire, String group, String memberId, int epoch, String topic) throws Exception {
        return commit(wire, group, memberId, epoch, topic, (short) 9);
    }

    private static short commit(WireClient wire, String group, String memberId, int epoch, String topic, short version)
            throws Exception {
        OffsetCommitResponse response = wire.send(WireClient.request(ApiKeys.OFFSET_COMMIT, new OffsetCommitRequestData()
                .setGroupId(group).setMemberId(memberId).setGenerationIdOrMemberEpoch(epoch)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(0))))), version));
        return response.data().topics().get(0).partitions().get(0).errorCode();
    }

    // ------------------------------------------------------------------ members and what they consumed

    /**
     * Every delivery and every ownership change of one test, ordered by {@link System#nanoTime()} (one
     * clock for every process of the machine, so child-process members fit in).
     */
    static final class Ledger {
        static final class Delivery {
            final long atNs;
            final String member;
            final TopicPartition partition;
            final long offset;
            final String value;
            volatile boolean committed;

            Delivery(long atNs, String member, TopicPartition partition, long offset, String value) {
                this.atNs = atNs;
                this.member = member;
                this.partition = partition;
                this.offset = offset;
                this.value = value;
            }
        }

        record Ownership(long atNs, String member, TopicPartition partition, boolean owns) {
        }

        final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Ownership> ownership = new ConcurrentLinkedQueue<>();

        long distinctValues() {
            return values().size();
        }

        Set<String> values() {
            Set<String> values = new HashSet<>();
            deliveries.forEach(d -> values.add(d.value));
            return values;
        }

        int deliveries() {
            return deliveries.size();
        }

        void owns(String member, Collection<TopicPartition> partitions, boolean owns, long atNs) {
            partitions.forEach(tp -> ownership.add(new Ownership(atNs, member, tp, owns)));
        }

        /** No delivery of a partition happens while another member owns it, and owners never overlap. */
        void assertOneOwnerAtATime() {
            Map<TopicPartition, String> owner = new HashMap<>();
            List<Object> events = new ArrayList<>(ownership);
            events.addAll(deliveries);
            events.sort((x, y) -> Long.compare(at(x), at(y)));
            for (Object e : events) {
                if (e instanceof Ownership o) {
                    String current = owner.get(o.partition());
                    if (o.owns()) {
                        assertThat(current).as("%s assigned to %s while %s owns it", o.partition(), o.member(), current)
                                .isIn(null, o.member());
                        owner.put(o.partition(), o.member());
                    } else if (o.member().equals(current)) {
                        owner.remove(o.partition());
                    }
                } else if (e instanceof Delivery d) {
                    assertThat(owner.get(d.partition)).as("owner of %s when %s read offset %d", d.partition,
                            d.member, d.offset).isEqualTo(d.member);
                }
            }
        }

        private static long at(Object e) {
            return e instanceof Ownership o ? o.atNs() : ((Delivery) e).atNs;
        }

        /** A record read twice was first read by a member that did not commit it (it died first). */
        void assertRedeliveredOnlyWhatWasNotCommitted() {
            Map<String, List<Delivery>> byValue = new TreeMap<>();
            deliveries.forEach(d -> byValue.computeIfAbsent(d.value, v -> new ArrayList<>()).add(d));
            byValue.forEach((value, list) -> {
                list.sort((x, y) -> Long.compare(x.atNs, y.atNs));
                for (Delivery earlier : list.subList(0, list.size() - 1)) {
                    assertThat(earlier.committed).as("%s read again although %s committed it", value, earlier.member)
                            .isFalse();
                }
            });
        }
    }

    /** Something that consumes in the group and knows what it owns. */
    interface GroupMember {
        Set<TopicPartition> assignment();
    }

    /**
     * A member in a child JVM ({@link ConsumerProtocolChild}) whose {@link #kill()} is a real SIGKILL: no
     * leave, no last commit; the coordinator learns of it only when its session expires.
     */
    final class ChildMember implements GroupMember {
        final String name;
        private final Ledger ledger;
        private final String topic;
        private final Process process;
        private final Thread reader;
        private final List<Ledger.Delivery> lastRead = new ArrayList<>();
        private volatile Set<TopicPartition> assignment = Set.of();

        ChildMember(String name, String group, String topic, Ledger ledger) throws java.io.IOException {
            this.name = name;
            this.ledger = ledger;
            this.topic = topic;
            process = new ProcessBuilder(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    ConsumerProtocolChild.class.getName(), bootstrap, group, topic).redirectErrorStream(true).start();
            reader = new Thread(this::follow, "cp-child-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public Set<TopicPartition> assignment() {
            return assignment;
        }

        private void follow() {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.startsWith(ConsumerProtocolChild.PREFIX)) {
                        continue;
                    }
                    String[] f = line.substring(ConsumerProtocolChild.PREFIX.length()).split(" ", 3);
                    long atNs = Long.parseLong(f[1]);
                    String rest = f.length > 2 ? f[2] : "";
                    switch (f[0]) {
                        case "ASSIGNED", "REVOKED" -> {
                            List<TopicPartition> partitions = new ArrayList<>();
                            for (String p : rest.split(",")) {
                                if (!p.isEmpty()) {
                                    partitions.add(new TopicPartition(topic, Integer.parseInt(p)));
                                }
                            }
                            boolean owns = f[0].equals("ASSIGNED");
                            ledger.owns(name, partitions, owns, atNs);
                            Set<TopicPartition> next = new HashSet<>(assignment);
                            if (owns) {
                                next.addAll(partitions);
                            } else {
                                partitions.forEach(next::remove);
                            }
                            assignment = Set.copyOf(next);
                        }
                        case "READ" -> {
                            lastRead.clear();
                            for (String r : rest.split(";")) {
                                String[] x = r.split(":", 3);
                                Ledger.Delivery d = new Ledger.Delivery(atNs, name,
                                        new TopicPartition(topic, Integer.parseInt(x[0])), Long.parseLong(x[1]), x[2]);
                                lastRead.add(d);
                                ledger.deliveries.add(d);
                            }
                        }
                        case "COMMITTED" -> lastRead.forEach(d -> d.committed = true);
                        default -> {
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the process is gone
            }
        }

        /** SIGKILL; returns once everything the child reported has been read. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(30_000);
            ledger.owns(name, assignment, false, System.nanoTime());
            assignment = Set.of();
        }
    }

    /** A consumer polled by its own thread, committing after every poll, as an application would. */
    final class Member implements GroupMember {
        final String name;
        private final String group;
        private final String topic;
        private final Ledger ledger;
        private final String instanceId;
        private final Thread thread;
        private final AtomicReference<String> ending = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Set<TopicPartition> assignment = Set.of();

        Member(String name, String group, String topic, Ledger ledger, String instanceId) {
            this.name = name;
            this.group = group;
            this.topic = topic;
            this.ledger = ledger;
            this.instanceId = instanceId;
            this.thread = new Thread(this::run, "cp-member-" + name);
            this.thread.setDaemon(true);
        }

        Member start() {
            thread.start();
            return this;
        }

        @Override
        public Set<TopicPartition> assignment() {
            return assignment;
        }

        /** Closes the consumer, which leaves the group (static members: epoch -2, "back soon"). */
        void leave() throws InterruptedException {
            ending.compareAndSet(null, "leave");
            assertThat(done.await(60, TimeUnit.SECONDS)).as("member %s stopped", name).isTrue();
            assertThat(failure.get()).as("member %s failed", name).isNull();
        }

        private void run() {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + name);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
            if (instanceId != null) {
                config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
            }
            KafkaConsumer<String, String> consumer = null;
            try {
                consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        ledger.owns(name, partitions, false, System.nanoTime());
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        ledger.owns(name, partitions, true, System.nanoTime());
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        ledger.owns(name, partitions, false, System.nanoTime());
                    }
                });
                while (true) {
                    if (ending.get() != null) {
                        consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                        ledger.owns(name, assignment, false, System.nanoTime());
                        return;
                    }
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    assignment = Set.copyOf(consumer.assignment());
                    long readAt = System.nanoTime();
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    List<Ledger.Delivery> read = new ArrayList<>();
                    for (ConsumerRecord<String, String> r : records) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        Ledger.Delivery d = new Ledger.Delivery(readAt, name, tp, r.offset(), r.value());
                        read.add(d);
                        ledger.deliveries.add(d);
                        next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    }
                    if (!next.isEmpty()) {
                        try {
                            consumer.commitSync(next, Duration.ofSeconds(15));
                            read.forEach(d -> d.committed = true);
                        } catch (org.apache.kafka.common.KafkaException e) {
                            // e.g. a stale epoch during reconciliation: these records stay uncommitted
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
                if (consumer != null) {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
                }
            } finally {
                assignment = Set.of();
                done.countDown();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void awaitAssignments(List<? extends GroupMember> members, int... sizes) throws InterruptedException {
        awaitCondition(() -> {
            Set<TopicPartition> all = new HashSet<>();
            for (int i = 0; i < members.size(); i++) {
                Set<TopicPartition> a = members.get(i).assignment();
                if (a.size() != sizes[i]) {
                    return false;
                }
                all.addAll(a);
            }
            return all.size() == java.util.Arrays.stream(sizes).sum();
        }, "assignment sizes " + java.util.Arrays.toString(sizes));
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static ConsumerGroupDescription awaitDescription(String group,
                                                             java.util.function.Predicate<ConsumerGroupDescription> test)
            throws InterruptedException {
        AtomicReference<ConsumerGroupDescription> last = new AtomicReference<>();
        awaitCondition(() -> {
            try {
                last.set(admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group));
                return test.test(last.get());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "group description of " + group + " (last: " + last + ")");
        return last.get();
    }

    private static ConsumerGroupDescription describeUnchecked(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    private static boolean committedAll(String group, String topic) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
            return ends.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                    && committed.get(e.getKey()).offset() == e.getValue().offset());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void produce(KafkaProducer<String, String> producer, String topic, int from, int count)
            throws Exception {
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, "r-" + i));
        }
        producer.flush();
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static Admin newAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    private static String createTopic(String prefix, int partitions) throws Exception {
        String name = unique(prefix);
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        return name;
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() & 0xffffffffL, 36);
    }

    private static WireClient wire() throws Exception {
        int colon = bootstrap.lastIndexOf(':');
        return new WireClient(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)), 30_000);
    }
}
