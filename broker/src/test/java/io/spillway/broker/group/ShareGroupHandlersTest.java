package io.spillway.broker.group;

import io.spillway.broker.RequestContext;
import io.spillway.broker.auth.Authorizer;
import io.spillway.coordinator.share.DeliveryState;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The share-group handlers over a real group coordinator and an in-memory share state store: heartbeat and
 * describe with their ACL rules, ListGroups/DescribeGroups/DeleteGroups of share groups, and the share-group
 * offsets admin APIs (describe with lag, alter, delete) with Kafka's errors.
 */
class ShareGroupHandlersTest {
    @TempDir
    Path dir;
    private ShareGroupFixture f;
    private TopicMetadata orders;

    @BeforeEach
    void setUp() {
        f = new ShareGroupFixture(dir);
        orders = f.createTopic("orders", 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** Allows everything but the given operation on the given resource. */
    private static Authorizer denying(AclOperation operation, ResourceType type, String name) {
        return new Authorizer() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public boolean authorize(RequestContext context, AclOperation op, ResourceType resourceType, String resource) {
                return !(op == operation && resourceType == type && resource.equals(name));
            }
        };
    }

    @Test
    void heartbeatJoinsAndAnswersTopicIds() {
        var r = f.join("g", "m1", List.of("orders"));
        assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.assignment().topicPartitions().get(0).topicId()).isEqualTo(orders.id());
        assertThat(r.assignment().topicPartitions().get(0).partitions()).containsExactly(0, 1);
    }

    @Test
    void heartbeatNeedsReadOnGroupAndDescribeOnTopics() {
        var request = new ShareGroupHeartbeatRequestData().setGroupId("g").setMemberId("m1").setMemberEpoch(0)
                .setSubscribedTopicNames(List.of("orders"));
        assertThatThrownBy(() -> new ShareGroupHeartbeatHandler(f.coordinator).handle(ShareGroupFixture.context(
                ApiKeys.SHARE_GROUP_HEARTBEAT, 1, denying(AclOperation.READ, ResourceType.GROUP, "g")), request))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> new ShareGroupHeartbeatHandler(f.coordinator).handle(ShareGroupFixture.context(
                ApiKeys.SHARE_GROUP_HEARTBEAT, 1, denying(AclOperation.DESCRIBE, ResourceType.TOPIC, "orders")), request))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void describeShowsTheGroupAndChecksAcls() {
        f.join("g", "m1", List.of("orders"));
        var request = new ShareGroupDescribeRequestData().setGroupIds(List.of("g", "unknown"))
                .setIncludeAuthorizedOperations(true);

        ShareGroupDescribeResponseData ok = new ShareGroupDescribeHandler(f.coordinator)
                .handle(ShareGroupFixture.context(ApiKeys.SHARE_GROUP_DESCRIBE, 1), request).join();
        assertThat(ok.groups().get(0).groupState()).isEqualTo("Stable");
        assertThat(ok.groups().get(0).assignorName()).isEqualTo("simple");
        assertThat(ok.groups().get(0).members().get(0).assignment().topicPartitions().get(0).topicName())
                .isEqualTo("orders");
        assertThat(ok.groups().get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

        ShareGroupDescribeResponseData noGroup = new ShareGroupDescribeHandler(f.coordinator).handle(ShareGroupFixture
                .context(ApiKeys.SHARE_GROUP_DESCRIBE, 1, denying(AclOperation.DESCRIBE, ResourceType.GROUP, "g")),
                request).join();
        assertThat(noGroup.groups().get(0).errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        ShareGroupDescribeResponseData noTopic = new ShareGroupDescribeHandler(f.coordinator).handle(ShareGroupFixture
                .context(ApiKeys.SHARE_GROUP_DESCRIBE, 1, denying(AclOperation.DESCRIBE, ResourceType.TOPIC, "orders")),
                request).join();
        assertThat(noTopic.groups().get(0).errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }

    @Test
    void listGroupsShowsShareGroupsAndFiltersByType() {
        f.join("g", "m1", List.of("orders"));
        var all = new ListGroupsHandler(f.coordinator).handle(ShareGroupFixture.context(ApiKeys.LIST_GROUPS, 5),
                new ListGroupsRequestData()).join();
        assertThat(all.groups()).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo("g");
            assertThat(g.groupType()).isEqualTo("share");
            assertThat(g.protocolType()).isEqualTo("share");
            assertThat(g.groupState()).isEqualTo("Stable");
        });
        var consumers = new ListGroupsHandler(f.coordinator).handle(ShareGroupFixture.context(ApiKeys.LIST_GROUPS, 5),
                new ListGroupsRequestData().setTypesFilter(List.of("consumer"))).join();
        assertThat(consumers.groups()).isEmpty();
        var empty = new ListGroupsHandler(f.coordinator).handle(ShareGroupFixture.context(ApiKeys.LIST_GROUPS, 5),
                new ListGroupsRequestData().setTypesFilter(List.of("Share")).setStatesFilter(List.of("empty"))).join();
        assertThat(empty.groups()).isEmpty();
    }

    @Test
    void describeGroupsAnswersAShareGroupAsNotFound() {
        f.join("g", "m1", List.of("orders"));
        var described = new DescribeGroupsHandler(f.coordinator).handle(ShareGroupFixture.context(
                ApiKeys.DESCRIBE_GROUPS, 6), new DescribeGroupsRequestData().setGroups(List.of("g"))).join();
        assertThat(described.groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(described.groups().get(0).groupState()).isEqualTo("Dead");
    }

    @Test
    void deleteGroupsDeletesAnEmptyShareGroupAndItsState() {
        f.join("g", "m1", List.of("orders"));
        f.states.reset(new SharePartitionKey("g", orders.id(), 0), 5).join();
        var handler = new DeleteGroupsHandler(f.coordinator, f.states);
        var request = new DeleteGroupsRequestData().setGroupsNames(List.of("g"));

        assertThat(handler.handle(ShareGroupFixture.context(ApiKeys.DELETE_GROUPS, 2), request).join().results()
                .iterator().next().errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(f.states.deletes).isEmpty();

        f.leave("g", "m1");
        // The state goes first: when that fails the group stays, so the deletion can be retried.
        f.states.failNextDelete = new org.apache.kafka.common.errors.CoordinatorNotAvailableException("store down");
        assertThat(handler.handle(ShareGroupFixture.context(ApiKeys.DELETE_GROUPS, 2), request).join().results()
                .iterator().next().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(f.coordinator.listGroups().join()).hasSize(1);
        assertThat(handler.handle(ShareGroupFixture.context(ApiKeys.DELETE_GROUPS, 2), request).join().results()
                .iterator().next().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(f.states.deletes).containsExactly("g:all");
        assertThat(f.states.states).isEmpty();
        assertThat(f.coordinator.listGroups().join()).isEmpty();
    }

    private DescribeShareGroupOffsetsResponseData describeOffsets(int version,
                                                                 List<DescribeShareGroupOffsetsRequestData
                                                                         .DescribeShareGroupOffsetsRequestTopic> topics) {
        var request = new DescribeShareGroupOffsetsRequestData();
        request.groups().add(new DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup()
                .setGroupId("g").setTopics(topics));
        return new DescribeShareGroupOffsetsHandler(f.topics, f.states)
                .handle(ShareGroupFixture.context(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, version), request).join();
    }

    @Test
    void describeOffsetsWithLag() throws Exception {
        for (int i = 0; i < 10; i++) {
            f.topics.partition(orders, 0).append(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(("v" + i).getBytes())).buffer());
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (f.topics.partition(orders, 0).highWatermark() < 10 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        // Start 3; 4..5 acknowledged: lag = 10 - 3 - 2 = 5.
        f.states.write(new SharePartitionKey("g", orders.id(), 0), new SharePartitionState(1, 3, List.of(
                new SharePartitionState.StateBatch(4, 5, DeliveryState.ACKNOWLEDGED, (short) 1)))).join();

        var all = describeOffsets(1, null).groups().get(0);
        assertThat(all.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(all.topics()).singleElement().satisfies(t -> {
            assertThat(t.topicName()).isEqualTo("orders");
            assertThat(t.topicId()).isEqualTo(orders.id());
            assertThat(t.partitions()).singleElement().satisfies(p -> {
                assertThat(p.partitionIndex()).isZero();
                assertThat(p.startOffset()).isEqualTo(3);
                assertThat(p.lag()).isEqualTo(5);
            });
        });

        var some = describeOffsets(1, List.of(
                new DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic().setTopicName("orders")
                        .setPartitions(List.of(0, 1)),
                new DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic().setTopicName("nope")
                        .setPartitions(List.of(0)))).groups().get(0);
        assertThat(some.topics().get(0).partitions()).extracting(p -> p.startOffset()).containsExactly(3L, -1L);
        assertThat(some.topics().get(1).topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(some.topics().get(1).partitions().get(0).startOffset()).isEqualTo(-1);
        assertThat(some.topics().get(1).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void describeOffsetsWithoutAStoreOrAclFails() {
        var request = new DescribeShareGroupOffsetsRequestData();
        request.groups().add(new DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup()
                .setGroupId("g").setTopics(null));
        assertThat(new DescribeShareGroupOffsetsHandler(f.topics, null).handle(ShareGroupFixture.context(
                ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, 1), request).join().groups().get(0).errorCode())
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(new DescribeShareGroupOffsetsHandler(f.topics, f.states).handle(ShareGroupFixture.context(
                ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, 1, denying(AclOperation.DESCRIBE, ResourceType.GROUP, "g")),
                request).join().groups().get(0).errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
    }

    private AlterShareGroupOffsetsResponseData alter(String group, String topic, int partition, long start) {
        var request = new AlterShareGroupOffsetsRequestData().setGroupId(group);
        var t = new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic().setTopicName(topic);
        t.partitions().add(new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition()
                .setPartitionIndex(partition).setStartOffset(start));
        request.topics().add(t);
        return new AlterShareGroupOffsetsHandler(f.coordinator, f.topics, f.states)
                .handle(ShareGroupFixture.context(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, 0), request).join();
    }

    private static short partitionError(AlterShareGroupOffsetsResponseData r) {
        return r.responses().iterator().next().partitions().get(0).errorCode();
    }

    @Test
    void alterOffsetsNeedsAnEmptyShareGroupAndKnownPartitions() {
        f.join("g", "m1", List.of("orders"));
        assertThat(alter("g", "orders", 0, 7).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        f.leave("g", "m1");

        assertThat(partitionError(alter("g", "orders", 0, 7))).isEqualTo(Errors.NONE.code());
        assertThat(f.states.states.get(new SharePartitionKey("g", orders.id(), 0)).startOffset()).isEqualTo(7);
        assertThat(partitionError(alter("g", "orders", 5, 7))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(partitionError(alter("g", "nope", 0, 7))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());

        // An unknown group is created empty, as in Kafka; a group of another kind is not a share group.
        assertThat(partitionError(alter("fresh", "orders", 1, 0))).isEqualTo(Errors.NONE.code());
        assertThat(f.coordinator.listGroups().join()).extracting(g -> g.groupId()).contains("fresh");
    }

    private DeleteShareGroupOffsetsResponseData deleteOffsets(String group, String... topics) {
        var request = new DeleteShareGroupOffsetsRequestData().setGroupId(group);
        for (String t : topics) {
            request.topics().add(new DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic()
                    .setTopicName(t));
        }
        return new DeleteShareGroupOffsetsHandler(f.coordinator, f.topics, f.states)
                .handle(ShareGroupFixture.context(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, 0), request).join();
    }

    @Test
    void deleteOffsetsOfWholeTopics() {
        TopicMetadata audit = f.createTopic("audit", 1);
        assertThat(deleteOffsets("g", "orders").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        f.join("g", "m1", List.of("orders"));
        assertThat(deleteOffsets("g", "orders").errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        f.leave("g", "m1");
        f.states.reset(new SharePartitionKey("g", orders.id(), 0), 1).join();
        f.states.reset(new SharePartitionKey("g", orders.id(), 1), 1).join();

        DeleteShareGroupOffsetsResponseData r = deleteOffsets("g", "orders", "audit", "nope");

        assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
        List<Short> errors = new ArrayList<>();
        r.responses().forEach(t -> errors.add(t.errorCode()));
        assertThat(errors).containsExactly(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(r.responses().iterator().next().topicId()).isEqualTo(orders.id());
        assertThat(f.states.states).isEmpty();
        assertThat(f.states.deletes).containsExactly("g:1");
        assertThat(r.responses()).extracting(t -> t.topicId()).containsExactly(orders.id(), audit.id(), Uuid.ZERO_UUID);
    }
}
