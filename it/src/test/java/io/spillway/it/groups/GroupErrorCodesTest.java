package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group requests sent raw, in and out of order, get the error codes Apache Kafka's group coordinator
 * returns, and leave the group healthy: after each test a normal consumer joins the same group, consumes
 * and commits. Every expectation here was checked against a Kafka 4.4 broker (run with
 * {@code -Dgroups.bootstrap=host:port}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupErrorCodesTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create();

    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "group-error-codes-async");
        t.setDaemon(true);
        return t;
    });

    private final List<GroupWire> wires = new ArrayList<>();
    private String topic;
    private String group;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        topic = BROKER.createTopic("raw", 1);
        group = GroupBroker.uniqueName("raw-" + info.getTestMethod().orElseThrow().getName());
        // offsets the raw members commit (at most 5) must lie within the log, or the normal consumer
        // that checks the group afterwards would start beyond the end
        KafkaProducer<String, String> producer = BROKER.producer();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "before-" + i));
        }
        producer.flush();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (GroupWire w : wires) {
            w.close();
        }
        wires.clear();
    }

    @AfterAll
    static void stopAsync() {
        ASYNC.shutdownNow();
    }

    private GroupWire wire() throws Exception {
        GroupWire w = new GroupWire(BROKER.host(), BROKER.port(), GroupBroker.uniqueName("raw-client"));
        wires.add(w);
        return w;
    }

    @Test
    void findCoordinatorReturnsThisBrokerForGroupsInBatches() throws Exception {
        GroupWire w = wire();
        FindCoordinatorResponseData r = w.call(ApiKeys.FIND_COORDINATOR, new FindCoordinatorRequestData()
                        .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())
                        .setCoordinatorKeys(List.of(group, group + "-other")),
                w.version(ApiKeys.FIND_COORDINATOR, 6));
        assertThat(r.coordinators()).hasSize(2);
        assertThat(r.coordinators()).allSatisfy(c -> {
            assertThat(Errors.forCode(c.errorCode())).isEqualTo(Errors.NONE);
            assertThat(c.port()).isEqualTo(BROKER.port());
        });
        FindCoordinatorResponseData v3 = w.call(ApiKeys.FIND_COORDINATOR, new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()).setKey(group), (short) 3);
        assertThat(Errors.forCode(v3.errorCode())).isEqualTo(Errors.NONE);
        assertThat(v3.port()).isEqualTo(BROKER.port());
        assertGroupUsable();
    }

    @Test
    void joinWithoutMemberIdIsAskedToRejoinWithTheIdItIsGiven() throws Exception {
        GroupWire w = wire();
        JoinGroupResponseData first = w.join(group, "", null, topic, "range");
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).as("the member id to rejoin with").isNotEmpty();
        assertThat(first.generationId()).isEqualTo(-1);

        JoinGroupResponseData joined = w.join(group, first.memberId(), null, topic, "range");
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.memberId()).isEqualTo(first.memberId());
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(first.memberId());
        assertThat(joined.protocolType()).isEqualTo("consumer");
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(first.memberId());
        assertThat(joined.members().get(0).metadata()).isEqualTo(GroupWire.subscription(List.of(topic)));

        byte[] assignment = GroupWire.assignment(List.of(new TopicPartition(topic, 0)));
        SyncGroupResponseData synced = w.sync(group, 1, joined.memberId(), null, "range", Map.of(joined.memberId(), assignment));
        assertThat(Errors.forCode(synced.errorCode())).isEqualTo(Errors.NONE);
        assertThat(synced.assignment()).isEqualTo(assignment);
        assertThat(synced.protocolType()).isEqualTo("consumer");
        assertThat(synced.protocolName()).isEqualTo("range");
        assertThat(w.heartbeat(group, 1, joined.memberId(), null)).isEqualTo(Errors.NONE);
        assertThat(describe(w, group, 5).groupState()).isEqualTo("Stable");

        LeaveGroupResponseData left = w.leave(group, linked(joined.memberId(), null));
        assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
        assertThat(left.members()).singleElement().satisfies(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
        assertEmptyOrGone(describe(w, group, 5));
        assertGroupUsable();
    }

    @Test
    void requestsFromUnknownMembersAndSyncBeforeJoinAreRejected() throws Exception {
        GroupWire w = wire();
        // the group does not exist yet
        assertThat(Errors.forCode(w.sync(group, 1, "nobody", null, "range", Map.of()).errorCode()))
                .as("SyncGroup to a group that does not exist").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(w.heartbeat(group, 1, "nobody", null)).as("Heartbeat to a group that does not exist")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(w.join(group, "nobody", null, topic, "range").errorCode()))
                .as("JoinGroup with a member id the group never gave out").isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        Stable m1 = stableMember(w, "range");
        JoinGroupResponseData pending = wire().join(group, "", null, topic, "range");
        assertThat(Errors.forCode(pending.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(Errors.forCode(w.sync(group, m1.generation, pending.memberId(), null, "range", Map.of()).errorCode()))
                .as("SyncGroup before JoinGroup (member id given out, never joined)").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(w.sync(group, m1.generation, "nobody", null, "range", Map.of()).errorCode()))
                .as("SyncGroup from an unknown member").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(w.heartbeat(group, m1.generation, "nobody", null)).as("Heartbeat from an unknown member")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(w.join(group, "nobody", null, topic, "range").errorCode()))
                .as("JoinGroup from an unknown member").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(w.commit(group, m1.generation, "nobody", null, topic, 0, 1))
                .as("OffsetCommit from an unknown member").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        LeaveGroupResponseData leave = w.leave(group, linked("nobody", null));
        assertThat(Errors.forCode(leave.errorCode())).isEqualTo(Errors.NONE);
        assertThat(leave.members()).singleElement()
                .satisfies(m -> assertThat(Errors.forCode(m.errorCode())).as("LeaveGroup of an unknown member").isEqualTo(Errors.UNKNOWN_MEMBER_ID));

        assertThat(w.heartbeat(group, m1.generation, m1.memberId, null)).as("the real member is unaffected").isEqualTo(Errors.NONE);
        assertThat(describe(w, group, 5).groupState()).isEqualTo("Stable");
        leaveAll(w, m1.memberId);
        assertGroupUsable();
    }

    @Test
    void wrongGenerationIsIllegal() throws Exception {
        GroupWire w = wire();
        Stable m1 = stableMember(w, "range");
        int g = m1.generation;
        assertThat(w.heartbeat(group, g + 1, m1.memberId, null)).as("Heartbeat, generation + 1").isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(w.heartbeat(group, g - 1, m1.memberId, null)).as("Heartbeat, generation - 1").isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(Errors.forCode(w.sync(group, g + 1, m1.memberId, null, "range", Map.of()).errorCode()))
                .as("SyncGroup, generation + 1").isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(w.commit(group, g + 1, m1.memberId, null, topic, 0, 1)).as("OffsetCommit, generation + 1")
                .isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(w.commit(group, g, m1.memberId, null, topic, 0, 1)).as("OffsetCommit, right generation").isEqualTo(Errors.NONE);
        assertThat(w.heartbeat(group, g, m1.memberId, null)).isEqualTo(Errors.NONE);
        assertThat(fetchOffset(w, group, 9)).isEqualTo(1);
        leaveAll(w, m1.memberId);
        assertGroupUsable();
    }

    @Test
    void rebalanceInProgressWhileAMemberJoinsAndLeaderSyncCompletesIt() throws Exception {
        GroupWire w1 = wire();
        GroupWire w2 = wire();
        Stable m1 = stableMember(w1, "range");
        int g = m1.generation;

        JoinGroupResponseData idFor2 = w2.join(group, "", null, topic, "range");
        assertThat(Errors.forCode(idFor2.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        CompletableFuture<JoinGroupResponseData> join2 = async(() -> w2.join(group, idFor2.memberId(), null, topic, "range"));
        GroupWire observer = wire();
        Await.until("the group to be PreparingRebalance", Duration.ofSeconds(10),
                () -> "PreparingRebalance".equals(describe(observer, group, 5).groupState()),
                () -> describe(observer, group, 5).groupState());

        assertThat(w1.heartbeat(group, g, m1.memberId, null)).as("Heartbeat during PreparingRebalance")
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(w1.commit(group, g, m1.memberId, null, topic, 0, 2))
                .as("OffsetCommit of the current generation during PreparingRebalance (as onPartitionsRevoked does)")
                .isEqualTo(Errors.NONE);

        JoinGroupResponseData rejoin1 = w1.join(group, m1.memberId, null, topic, "range");
        JoinGroupResponseData joined2 = join2.get(10, TimeUnit.SECONDS);
        assertThat(Errors.forCode(rejoin1.errorCode())).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(joined2.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin1.generationId()).isEqualTo(g + 1);
        assertThat(joined2.generationId()).isEqualTo(g + 1);
        assertThat(rejoin1.leader()).isEqualTo(m1.memberId).isEqualTo(joined2.leader());
        assertThat(rejoin1.members()).as("the leader gets every member's metadata").hasSize(2);
        assertThat(joined2.members()).as("a follower gets no member list").isEmpty();
        assertThat(describe(observer, group, 5).groupState()).isEqualTo("CompletingRebalance");

        assertThat(w1.commit(group, g + 1, m1.memberId, null, topic, 0, 3)).as("OffsetCommit during CompletingRebalance")
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(w1.heartbeat(group, g + 1, m1.memberId, null)).as("Heartbeat during CompletingRebalance").isEqualTo(Errors.NONE);

        CompletableFuture<SyncGroupResponseData> sync2 = async(() -> w2.sync(group, g + 1, joined2.memberId(), null, "range", Map.of()));
        byte[] a1 = GroupWire.assignment(List.of(new TopicPartition(topic, 0)));
        byte[] a2 = GroupWire.assignment(List.of());
        SyncGroupResponseData sync1 = w1.sync(group, g + 1, m1.memberId, null, "range", Map.of(m1.memberId, a1, joined2.memberId(), a2));
        assertThat(Errors.forCode(sync1.errorCode())).isEqualTo(Errors.NONE);
        assertThat(sync1.assignment()).isEqualTo(a1);
        SyncGroupResponseData s2 = sync2.get(10, TimeUnit.SECONDS);
        assertThat(Errors.forCode(s2.errorCode())).as("the follower's SyncGroup completes with the leader's").isEqualTo(Errors.NONE);
        assertThat(s2.assignment()).isEqualTo(a2);
        assertThat(describe(observer, group, 5).groupState()).isEqualTo("Stable");
        assertThat(w1.heartbeat(group, g + 1, m1.memberId, null)).isEqualTo(Errors.NONE);
        assertThat(w2.heartbeat(group, g + 1, joined2.memberId(), null)).isEqualTo(Errors.NONE);
        assertThat(fetchOffset(observer, group, 9)).as("the commit made during PreparingRebalance").isEqualTo(2);

        leaveAll(w1, m1.memberId, joined2.memberId());
        assertGroupUsable();
    }

    @Test
    void theProtocolMostMembersPreferAmongThoseAllSupportIsChosen() throws Exception {
        GroupWire w1 = wire();
        GroupWire w2 = wire();
        GroupWire w3 = wire();
        Stable m1 = stableMember(w1, "range", "roundrobin");
        assertThat(m1.protocol).as("a lone member's first choice").isEqualTo("range");

        JoinGroupResponseData id2 = w2.join(group, "", null, topic, "roundrobin", "range");
        JoinGroupResponseData id3 = w3.join(group, "", null, topic, "roundrobin", "range", "sticky");
        CompletableFuture<JoinGroupResponseData> j2 = async(() -> w2.join(group, id2.memberId(), null, topic, "roundrobin", "range"));
        CompletableFuture<JoinGroupResponseData> j3 = async(() -> w3.join(group, id3.memberId(), null, topic, "roundrobin", "range", "sticky"));
        GroupWire observer = wire();
        Await.until("3 members to have joined", Duration.ofSeconds(10),
                () -> describe(observer, group, 5).members().size() == 3, () -> describe(observer, group, 5).toString());
        JoinGroupResponseData j1 = w1.join(group, m1.memberId, null, topic, "range", "roundrobin");
        for (JoinGroupResponseData r : List.of(j1, j2.get(10, TimeUnit.SECONDS), j3.get(10, TimeUnit.SECONDS))) {
            assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
            assertThat(r.protocolName()).as("votes: range 1, roundrobin 2; sticky is not supported by all").isEqualTo("roundrobin");
            assertThat(r.generationId()).isEqualTo(m1.generation + 1);
        }
        int g = m1.generation + 1;
        CompletableFuture<SyncGroupResponseData> s2 = async(() -> w2.sync(group, g, id2.memberId(), null, "roundrobin", Map.of()));
        CompletableFuture<SyncGroupResponseData> s3 = async(() -> w3.sync(group, g, id3.memberId(), null, "roundrobin", Map.of()));
        byte[] none = GroupWire.assignment(List.of());
        SyncGroupResponseData s1 = w1.sync(group, g, m1.memberId, null, "roundrobin",
                Map.of(m1.memberId, GroupWire.assignment(List.of(new TopicPartition(topic, 0))), id2.memberId(), none, id3.memberId(), none));
        for (SyncGroupResponseData s : List.of(s1, s2.get(10, TimeUnit.SECONDS), s3.get(10, TimeUnit.SECONDS))) {
            assertThat(Errors.forCode(s.errorCode())).isEqualTo(Errors.NONE);
            assertThat(s.protocolName()).isEqualTo("roundrobin");
        }
        DescribeGroupsResponseData.DescribedGroup described = describe(observer, group, 5);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.protocolData()).as("DescribeGroups names the chosen protocol").isEqualTo("roundrobin");
        assertThat(described.members()).hasSize(3);

        // batch LeaveGroup of two members: the group rebalances for the one left
        LeaveGroupResponseData left = w1.leave(group, linked(id2.memberId(), null, id3.memberId(), null));
        assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
        assertThat(left.members()).hasSize(2).allSatisfy(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
        leaveAll(w1, m1.memberId);
        assertGroupUsable();
    }

    @Test
    void staticMemberWithAStaleMemberIdIsFenced() throws Exception {
        GroupWire w1 = wire();
        GroupWire w2 = wire();
        JoinGroupResponseData first = w1.join(group, "", "instance-1", topic, "range");
        assertThat(Errors.forCode(first.errorCode())).as("a static member needs no MEMBER_ID_REQUIRED round").isEqualTo(Errors.NONE);
        String stale = first.memberId();
        int g = first.generationId();
        byte[] a = GroupWire.assignment(List.of(new TopicPartition(topic, 0)));
        assertThat(Errors.forCode(w1.sync(group, g, stale, "instance-1", first.protocolName(), Map.of(stale, a)).errorCode()))
                .isEqualTo(Errors.NONE);

        // the same instance starts again (a new process): it replaces the old member id, without a rebalance
        JoinGroupResponseData again = w2.join(group, "", "instance-1", topic, "range");
        assertThat(Errors.forCode(again.errorCode())).isEqualTo(Errors.NONE);
        String current = again.memberId();
        assertThat(current).isNotEqualTo(stale);
        assertThat(again.generationId()).as("generation after a static member's restart").isEqualTo(g);
        SyncGroupResponseData resync = w2.sync(group, g, current, "instance-1", again.protocolName(), Map.of());
        assertThat(Errors.forCode(resync.errorCode())).isEqualTo(Errors.NONE);
        assertThat(resync.assignment()).as("the restarted static member gets its old assignment back").isEqualTo(a);

        assertThat(w1.heartbeat(group, g, stale, "instance-1")).as("Heartbeat with the old member id").isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(w1.commit(group, g, stale, "instance-1", topic, 0, 1)).as("OffsetCommit with the old member id")
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(Errors.forCode(w1.sync(group, g, stale, "instance-1", "range", Map.of()).errorCode()))
                .as("SyncGroup with the old member id").isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(Errors.forCode(w1.join(group, stale, "instance-1", topic, "range").errorCode()))
                .as("JoinGroup with the old member id").isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(w2.heartbeat(group, g, current, "instance-unknown")).as("Heartbeat with an instance id the group does not know")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(w2.heartbeat(group, g, current, "instance-1")).as("the current member is unaffected").isEqualTo(Errors.NONE);

        LeaveGroupResponseData left = w2.leave(group, linked(current, "instance-1"));
        assertThat(left.members()).singleElement().satisfies(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
        assertEmptyOrGone(describe(w2, group, 5));
        assertGroupUsable();
    }

    @Test
    void invalidSessionTimeoutsGroupIdsAndInconsistentProtocolsAreRejected() throws Exception {
        GroupWire w = wire();
        assertThat(Errors.forCode(w.join(group, "", null, "consumer", 1000, topic, "range").errorCode()))
                .as("session timeout below group.min.session.timeout.ms").isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(w.join(group, "", null, "consumer", 1_800_001, topic, "range").errorCode()))
                .as("session timeout above group.max.session.timeout.ms").isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(w.join("", "", null, topic, "range").errorCode())).as("empty group id")
                .isEqualTo(Errors.INVALID_GROUP_ID);

        try (GroupMemberUnderTest normal = new GroupMemberUnderTest()) {
            int generation = normal.generation();
            assertThat(Errors.forCode(w.join(group, "", null, "connect", GroupWire.SESSION_TIMEOUT_MS, topic, "range").errorCode()))
                    .as("another protocol type than the group's").isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
            assertThat(Errors.forCode(w.join(group, "", null, topic, "roundrobin").errorCode()))
                    .as("no protocol in common with the group's members").isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
            normal.consumeOneMore();
            assertThat(normal.generation()).as("the rejected joins caused no rebalance").isEqualTo(generation);
        }
    }

    @Test
    void offsetRequestsFromOutsideTheGroupAndForUnknownGroups() throws Exception {
        GroupWire w = wire();
        String unknown = GroupBroker.uniqueName("raw-unknown");
        OffsetFetchResponseData.OffsetFetchResponseGroup fetched = fetch(w, unknown, 9);
        assertThat(Errors.forCode(fetched.errorCode())).as("OffsetFetch of an unknown group").isEqualTo(Errors.NONE);
        assertThat(fetched.topics()).singleElement().satisfies(t -> assertThat(t.partitions()).singleElement().satisfies(p -> {
            assertThat(p.committedOffset()).isEqualTo(-1);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        }));

        DescribeGroupsResponseData.DescribedGroup dead5 = describe(w, unknown, 5);
        assertThat(Errors.forCode(dead5.errorCode())).as("DescribeGroups v5 of an unknown group").isEqualTo(Errors.NONE);
        assertThat(dead5.groupState()).isEqualTo("Dead");
        assertThat(dead5.members()).isEmpty();
        if (w.supports(ApiKeys.DESCRIBE_GROUPS, 6)) {
            assertThat(Errors.forCode(describe(w, unknown, 6).errorCode())).as("DescribeGroups v6 of an unknown group")
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        }
        DeleteGroupsResponseData deleted = w.call(ApiKeys.DELETE_GROUPS, new DeleteGroupsRequestData().setGroupsNames(List.of(unknown)),
                w.version(ApiKeys.DELETE_GROUPS, 2));
        assertThat(Errors.forCode(deleted.results().iterator().next().errorCode())).as("DeleteGroups of an unknown group")
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        String neverCreated = GroupBroker.uniqueName("raw-never");
        assertThat(w.commit(neverCreated, 1, "someone", null, topic, 0, 1, -1, w.version(ApiKeys.OFFSET_COMMIT, 9)))
                .as("OffsetCommit v9 with a generation to a group that does not exist").isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(w.commit(neverCreated, 1, "someone", null, topic, 0, 1, -1, (short) 8))
                .as("OffsetCommit v8 with a generation to a group that does not exist").isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(describe(w, neverCreated, 5).groupState()).as("no group was created by those commits").isEqualTo("Dead");
        assertThat(w.commit(unknown, -1, "", null, topic, 0, 5)).as("OffsetCommit with generation -1 to a new group (admin, assign())")
                .isEqualTo(Errors.NONE);
        assertThat(describe(w, unknown, 5).groupState()).isEqualTo("Empty");
        assertThat(fetchOffset(w, unknown, 9)).isEqualTo(5);
        assertThat(fetchOffset(w, unknown, 7)).as("OffsetFetch v7 (one group per request)").isEqualTo(5);

        try (GroupMemberUnderTest normal = new GroupMemberUnderTest()) {
            int generation = normal.generation();
            assertThat(w.commit(group, -1, "", null, topic, 0, 0)).as("OffsetCommit with generation -1 to a group with members")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(w.commit(group, generation, "", null, topic, 0, 0)).as("OffsetCommit with a generation but no member id")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            DeleteGroupsResponseData notEmpty = w.call(ApiKeys.DELETE_GROUPS, new DeleteGroupsRequestData().setGroupsNames(List.of(group)),
                    w.version(ApiKeys.DELETE_GROUPS, 2));
            assertThat(Errors.forCode(notEmpty.results().iterator().next().errorCode())).as("DeleteGroups of a group with members")
                    .isEqualTo(Errors.NON_EMPTY_GROUP);
            OffsetDeleteResponseData offsetDelete = w.call(ApiKeys.OFFSET_DELETE, offsetDelete(group, topic), (short) 0);
            assertThat(Errors.forCode(offsetDelete.errorCode())).isEqualTo(Errors.NONE);
            assertThat(Errors.forCode(offsetDelete.topics().iterator().next().partitions().iterator().next().errorCode()))
                    .as("OffsetDelete of a topic the group consumes").isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            normal.consumeOneMore();
            assertThat(normal.generation()).as("the rejected requests caused no rebalance").isEqualTo(generation);
        }
        OffsetDeleteResponseData unknownDelete = w.call(ApiKeys.OFFSET_DELETE, offsetDelete(GroupBroker.uniqueName("raw-none"), topic), (short) 0);
        assertThat(Errors.forCode(unknownDelete.errorCode())).as("OffsetDelete of an unknown group").isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void whenTheLastMemberLeavesTheGroupIsEmptyAtOnce() throws Exception {
        // Kafka removes the member and completes the (empty) rebalance before it answers the LeaveGroup
        GroupWire w = wire();
        List<String> notEmpty = new ArrayList<>();
        String base = group;
        for (int i = 0; i < 40; i++) {
            group = base + "-" + i;
            String instance = i % 2 == 0 ? null : "instance-" + i;
            JoinGroupResponseData j = instance == null ? w.joinNew(group, topic, "range") : w.join(group, "", instance, topic, "range");
            assertThat(Errors.forCode(j.errorCode())).isEqualTo(Errors.NONE);
            assertThat(Errors.forCode(w.sync(group, j.generationId(), j.memberId(), instance, "range",
                    Map.of(j.memberId(), GroupWire.assignment(List.of(new TopicPartition(topic, 0))))).errorCode())).isEqualTo(Errors.NONE);
            LeaveGroupResponseData left = w.leave(group, linked(j.memberId(), instance));
            assertThat(left.members()).singleElement().satisfies(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
            String state = describe(w, group, 5).groupState();
            if (!state.equals("Empty") && !state.equals("Dead")) {
                notEmpty.add(group + (instance == null ? " (dynamic)" : " (static)") + ": " + state);
            }
        }
        group = base;
        assertThat(notEmpty).as("groups whose DescribeGroups right after the last member's LeaveGroup was not Empty").isEmpty();
        assertGroupUsable();
    }

    @Test
    void joinsWaitingForARebalanceHoldNoBrokerThreads() throws Exception {
        GroupWire w1 = wire();
        Stable m1 = stableMember(w1, "range");
        int parked = 24; // more than a broker's usual request-handler threads
        List<CompletableFuture<JoinGroupResponseData>> joins = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < parked; i++) {
            GroupWire w = wire();
            JoinGroupResponseData id = w.join(group, "", null, topic, "range");
            assertThat(Errors.forCode(id.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            ids.add(id.memberId());
            joins.add(async(() -> w.join(group, id.memberId(), null, topic, "range")));
        }
        GroupWire observer = wire();
        Await.until(parked + " joins to wait for the rebalance", Duration.ofSeconds(10),
                () -> describe(observer, group, 5).members().size() == parked + 1, () -> describe(observer, group, 5).toString());
        assertThat(joins).noneMatch(CompletableFuture::isDone);

        // while they wait, the broker serves everyone else: another group forms and consumes, this group's
        // stable member still heartbeats
        long start = System.nanoTime();
        String before = group;
        group = GroupBroker.uniqueName("raw-bystander");
        assertGroupUsable();
        group = before;
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time another group needed meanwhile").isLessThan(Duration.ofSeconds(8));
        assertThat(w1.heartbeat(group, m1.generation, m1.memberId, null)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        JoinGroupResponseData rejoin = w1.join(group, m1.memberId, null, topic, "range");
        assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin.members()).hasSize(parked + 1);
        for (CompletableFuture<JoinGroupResponseData> j : joins) {
            JoinGroupResponseData r = j.get(10, TimeUnit.SECONDS);
            assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
            assertThat(r.generationId()).isEqualTo(m1.generation + 1);
            assertThat(r.leader()).isEqualTo(m1.memberId);
        }
        Map<String, String> everyone = new LinkedHashMap<>();
        everyone.put(m1.memberId, null);
        ids.forEach(id -> everyone.put(id, null));
        LeaveGroupResponseData left = w1.leave(group, everyone);
        assertThat(left.members()).hasSize(parked + 1)
                .allSatisfy(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
        assertEmptyOrGone(describe(observer, group, 5));
        assertGroupUsable();
    }

    @Test
    void consumerGroupHeartbeatErrors() throws Exception {
        GroupWire w = wire();
        short v = w.version(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1);
        String memberId = Uuid.randomUuid().toString();
        ConsumerGroupHeartbeatResponseData joined = w.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, cgJoin(memberId), v);
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.memberId()).isEqualTo(memberId);
        assertThat(joined.memberEpoch()).isPositive();
        assertThat(joined.heartbeatIntervalMs()).as("group.consumer.heartbeat.interval.ms").isEqualTo(500);
        int epoch = joined.memberEpoch();

        assertThat(cgError(w, v, cgBeat(memberId, epoch + 1))).as("heartbeat with a member epoch ahead of the group's")
                .isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        assertThat(cgError(w, v, cgBeat(Uuid.randomUuid().toString(), epoch))).as("heartbeat of an unknown member")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(cgError(w, v, cgJoin(Uuid.randomUuid().toString()).setSubscribedTopicNames(null)))
                .as("join without subscription").isEqualTo(Errors.INVALID_REQUEST);
        assertThat(cgError(w, v, cgJoin(Uuid.randomUuid().toString()).setRebalanceTimeoutMs(-1)))
                .as("join without rebalance timeout").isEqualTo(Errors.INVALID_REQUEST);
        assertThat(cgError(w, v, cgJoin(Uuid.randomUuid().toString()).setServerAssignor("no-such-assignor")))
                .as("join naming an unknown server assignor").isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
        assertThat(cgError(w, v, cgBeat(memberId, -3))).as("member epoch -3").isEqualTo(Errors.INVALID_REQUEST);

        ConsumerGroupHeartbeatResponseData beat = w.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, cgBeat(memberId, epoch), v);
        assertThat(Errors.forCode(beat.errorCode())).as("the member is unaffected").isEqualTo(Errors.NONE);
        assertThat(beat.memberEpoch()).isEqualTo(epoch);

        ConsumerGroupDescribeResponseData described = w.call(ApiKeys.CONSUMER_GROUP_DESCRIBE,
                new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group, GroupBroker.uniqueName("raw-unknown"))),
                w.version(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1));
        assertThat(described.groups()).hasSize(2);
        assertThat(Errors.forCode(described.groups().get(0).errorCode())).isEqualTo(Errors.NONE);
        assertThat(described.groups().get(0).members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo(memberId);
            assertThat(m.memberEpoch()).isEqualTo(epoch);
            assertThat(m.subscribedTopicNames()).containsExactly(topic);
        });
        assertThat(Errors.forCode(described.groups().get(1).errorCode())).as("ConsumerGroupDescribe of an unknown group")
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        ConsumerGroupHeartbeatResponseData left = w.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, cgBeat(memberId, -1), v);
        assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
        assertThat(left.memberEpoch()).as("member epoch in the answer to a leave").isEqualTo(-1);
        assertEmptyOrGone(describe(w, group, 5));
        assertGroupUsable();
    }

    @Test
    void consumerGroupDescribeOfAClassicGroupIsNotFound() throws Exception {
        GroupWire w = wire();
        Stable m1 = stableMember(w, "range");
        ConsumerGroupDescribeResponseData described = w.call(ApiKeys.CONSUMER_GROUP_DESCRIBE,
                new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group)), w.version(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1));
        assertThat(Errors.forCode(described.groups().get(0).errorCode())).as("ConsumerGroupDescribe of a classic group")
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(w.heartbeat(group, m1.generation, m1.memberId, null)).isEqualTo(Errors.NONE);
        leaveAll(w, m1.memberId);
        assertGroupUsable();
    }

    // --- helpers ---

    private ConsumerGroupHeartbeatRequestData cgJoin(String memberId) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(GroupWire.REBALANCE_TIMEOUT_MS)
                .setSubscribedTopicNames(List.of(topic))
                .setTopicPartitions(List.of());
    }

    private ConsumerGroupHeartbeatRequestData cgBeat(String memberId, int epoch) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(epoch);
    }

    private static Errors cgError(GroupWire w, short version, ConsumerGroupHeartbeatRequestData request) throws Exception {
        ConsumerGroupHeartbeatResponseData r = w.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, request, version);
        return Errors.forCode(r.errorCode());
    }

    /** A member that joined and synced alone: generation, member id, chosen protocol. */
    private record Stable(String memberId, int generation, String protocol) {
    }

    private Stable stableMember(GroupWire w, String... protocols) throws Exception {
        JoinGroupResponseData j = w.joinNew(group, topic, protocols);
        assertThat(Errors.forCode(j.errorCode())).isEqualTo(Errors.NONE);
        SyncGroupResponseData s = w.sync(group, j.generationId(), j.memberId(), null, j.protocolName(),
                Map.of(j.memberId(), GroupWire.assignment(List.of(new TopicPartition(topic, 0)))));
        assertThat(Errors.forCode(s.errorCode())).isEqualTo(Errors.NONE);
        return new Stable(j.memberId(), j.generationId(), j.protocolName());
    }

    /**
     * A group whose last member left is Empty; Kafka deletes an empty group without committed offsets at
     * its next offsets-retention pass (offsets.retention.check.interval.ms), after which it is Dead.
     */
    private static void assertEmptyOrGone(DescribeGroupsResponseData.DescribedGroup g) {
        assertThat(g.groupState()).as("state of a group without members").isIn("Empty", "Dead");
        assertThat(g.members()).isEmpty();
    }

    private void leaveAll(GroupWire w, String... memberIds) throws Exception {
        Map<String, String> members = new LinkedHashMap<>();
        for (String m : memberIds) {
            members.put(m, null);
        }
        LeaveGroupResponseData left = w.leave(group, members);
        assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
        assertThat(left.members()).allSatisfy(m -> assertThat(Errors.forCode(m.errorCode())).isEqualTo(Errors.NONE));
    }

    private static Map<String, String> linked(String... memberAndInstance) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < memberAndInstance.length; i += 2) {
            out.put(memberAndInstance[i], memberAndInstance[i + 1]);
        }
        return out;
    }

    private static <T> CompletableFuture<T> async(Callable<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ASYNC);
    }

    private static DescribeGroupsResponseData.DescribedGroup describe(GroupWire w, String group, int version) throws Exception {
        DescribeGroupsResponseData r = w.call(ApiKeys.DESCRIBE_GROUPS,
                new DescribeGroupsRequestData().setGroups(List.of(group)), (short) version);
        return r.groups().get(0);
    }

    /** OffsetFetch of partition 0 of the test topic, in the v8+ (groups) or the older (one group) layout. */
    private OffsetFetchResponseData.OffsetFetchResponseGroup fetch(GroupWire w, String g, int version) throws Exception {
        if (version >= 8) {
            OffsetFetchRequestData data = new OffsetFetchRequestData().setGroups(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(g).setTopics(List.of(
                            new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(List.of(0))))));
            OffsetFetchResponseData r = w.call(ApiKeys.OFFSET_FETCH, data, (short) version);
            return r.groups().get(0);
        }
        OffsetFetchRequestData data = new OffsetFetchRequestData().setGroupId(g).setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(topic).setPartitionIndexes(List.of(0))));
        OffsetFetchResponseData r = w.call(ApiKeys.OFFSET_FETCH, data, (short) version);
        OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                .setGroupId(g).setErrorCode(r.errorCode());
        for (OffsetFetchResponseData.OffsetFetchResponseTopic t : r.topics()) {
            List<OffsetFetchResponseData.OffsetFetchResponsePartitions> ps = new ArrayList<>();
            for (OffsetFetchResponseData.OffsetFetchResponsePartition p : t.partitions()) {
                ps.add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p.partitionIndex())
                        .setCommittedOffset(p.committedOffset()).setErrorCode(p.errorCode()));
            }
            out.topics().add(new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t.name()).setPartitions(ps));
        }
        return out;
    }

    private long fetchOffset(GroupWire w, String g, int version) throws Exception {
        OffsetFetchResponseData.OffsetFetchResponseGroup r = fetch(w, g, version);
        assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
        OffsetFetchResponseData.OffsetFetchResponsePartitions p = r.topics().get(0).partitions().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        return p.committedOffset();
    }

    private static OffsetDeleteRequestData offsetDelete(String g, String t) {
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(t)
                .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        return new OffsetDeleteRequestData().setGroupId(g).setTopics(topics);
    }

    /** The group still works: a normal consumer joins it, gets the partition, consumes a new record and commits. */
    private void assertGroupUsable() throws Exception {
        try (GroupMemberUnderTest normal = new GroupMemberUnderTest()) {
            normal.consumeOneMore();
        }
    }

    /** A kafka-clients consumer in the test's group, subscribed to the test topic and holding its partition. */
    private final class GroupMemberUnderTest implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private int sent;

        GroupMemberUnderTest() throws Exception {
            consumer = BROKER.consumer(group, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
            consumer.subscribe(List.of(topic));
            Await.until("a normal consumer to be assigned the partition of " + group, Duration.ofSeconds(20), () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 1;
            }, () -> "assignment " + consumer.assignment());
        }

        int generation() {
            return consumer.groupMetadata().generationId();
        }

        /** Produces a record and polls until it arrives, then commits past it. */
        void consumeOneMore() throws Exception {
            String value = group + "-" + (++sent);
            BROKER.producer().send(new ProducerRecord<>(topic, 0, "k", value)).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value().equals(value)) {
                        TopicPartition tp = new TopicPartition(topic, 0);
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                        assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(r.offset() + 1);
                        return;
                    }
                }
            }
            throw new AssertionError("the normal consumer of " + group + " did not receive " + value);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
