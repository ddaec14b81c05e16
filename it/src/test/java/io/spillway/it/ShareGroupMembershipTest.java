package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Share groups (KIP-932) membership through the wire and the real kafka-clients 4.4 Admin: members join and leave
 * with raw ShareGroupHeartbeat requests (KafkaShareConsumer also needs ShareFetch), and Admin lists, describes and
 * deletes the group and calls the share-group offsets APIs. The broker runs without a share state store for now,
 * so the offsets APIs answer what they can decide from the group alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShareGroupMembershipTest {
    private Path dataDir;
    private SpillwayServer server;
    private Admin admin;

    @BeforeEach
    void setUp() throws Exception {
        dataDir = TempDirs.create("spillway-share-groups");
        server = SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .set("num.partitions", "1").build());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (server != null) {
                server.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData request) throws Exception {
        String bootstrap = server.bootstrap();
        int colon = bootstrap.lastIndexOf(':');
        try (WireClient wire = new WireClient(bootstrap.substring(0, colon),
                Integer.parseInt(bootstrap.substring(colon + 1)), 30_000)) {
            ShareGroupHeartbeatResponse response = wire.send(WireClient.request(ApiKeys.SHARE_GROUP_HEARTBEAT, request,
                    (short) 1));
            return response.data();
        }
    }

    private ShareGroupHeartbeatResponseData join(String group, String member) throws Exception {
        return heartbeat(new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
                .setSubscribedTopicNames(List.of("orders")));
    }

    private ShareGroupHeartbeatResponseData leave(String group, String member) throws Exception {
        return heartbeat(new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(-1));
    }

    private List<GroupListing> shareGroups() throws Exception {
        return List.copyOf(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get());
    }

    @Test
    void membersJoinAndAdminListsDescribesAndDeletesTheGroup() throws Exception {
        Uuid ordersId = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId();
        String m1 = Uuid.randomUuid().toString();
        String m2 = Uuid.randomUuid().toString();

        ShareGroupHeartbeatResponseData first = join("sg", m1);
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.memberEpoch()).isEqualTo(1);
        assertThat(first.assignment().topicPartitions()).singleElement().satisfies(tp -> {
            assertThat(tp.topicId()).isEqualTo(ordersId);
            assertThat(tp.partitions()).containsExactlyInAnyOrder(0, 1);
        });
        assertThat(join("sg", m2).memberEpoch()).isEqualTo(2);
        assertThat(heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("sg").setMemberId(m1).setMemberEpoch(1))
                .memberEpoch()).isEqualTo(2);

        assertThat(shareGroups()).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo("sg");
            assertThat(g.type()).contains(GroupType.SHARE);
            assertThat(g.protocol()).isEqualTo("share");
            assertThat(g.groupState()).contains(GroupState.STABLE);
        });
        assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get()).isEmpty();

        ShareGroupDescription described = admin.describeShareGroups(List.of("sg")).all().get().get("sg");
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.groupEpoch()).isEqualTo(2);
        assertThat(described.targetAssignmentEpoch()).isEqualTo(2);
        assertThat(described.members()).extracting(ShareMemberDescription::consumerId).containsExactlyInAnyOrder(m1, m2);
        assertThat(described.members()).allSatisfy(m -> {
            assertThat(m.memberEpoch()).isEqualTo(2);
            assertThat(m.assignment().topicPartitions()).hasSize(1);
        });
        assertThatThrownBy(() -> admin.describeShareGroups(List.of("nope")).all().get())
                .hasCauseInstanceOf(GroupIdNotFoundException.class);

        // While the group has members its offsets and the group itself stay.
        TopicPartition orders0 = new TopicPartition("orders", 0);
        assertThatThrownBy(() -> admin.alterShareGroupOffsets("sg", Map.of(orders0, 0L)).all().get())
                .hasCauseInstanceOf(GroupNotEmptyException.class);
        assertThatThrownBy(() -> admin.deleteShareGroupOffsets("sg", Set.of("orders")).all().get())
                .hasCauseInstanceOf(GroupNotEmptyException.class);
        assertThatThrownBy(() -> admin.deleteShareGroups(List.of("sg")).all().get())
                .hasCauseInstanceOf(GroupNotEmptyException.class);
        assertThatThrownBy(() -> admin.deleteShareGroupOffsets("nope", Set.of("orders")).all().get())
                .hasCauseInstanceOf(GroupIdNotFoundException.class);

        assertThat(leave("sg", m1).memberEpoch()).isEqualTo(-1);
        assertThat(leave("sg", m2).memberEpoch()).isEqualTo(-1);
        assertThat(shareGroups()).singleElement().satisfies(g ->
                assertThat(g.groupState()).contains(GroupState.EMPTY)); // an empty share group stays

        // No member ever fetched: no share-partition has state yet; an empty group's offsets may be set and deleted.
        assertThat(admin.listShareGroupOffsets(Map.of("sg", new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo("sg")
                .get()).isEmpty();
        admin.alterShareGroupOffsets("sg", Map.of(orders0, 0L)).all().get();
        assertThat(admin.listShareGroupOffsets(Map.of("sg", new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo("sg")
                .get()).containsOnlyKeys(orders0).hasEntrySatisfying(orders0, info -> assertThat(info.startOffset())
                .isZero());
        admin.deleteShareGroupOffsets("sg", Set.of("orders")).all().get();
        assertThat(admin.listShareGroupOffsets(Map.of("sg", new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo("sg")
                .get()).isEmpty();

        admin.deleteShareGroups(List.of("sg")).all().get();
        assertThat(shareGroups()).isEmpty();
    }

    @Test
    void heartbeatErrorsAsKafka() throws Exception {
        assertThat(join("sg", "").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("sg").setMemberId("m").setMemberEpoch(3))
                .errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        join("sg", "m");
        assertThat(heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("sg").setMemberId("m").setMemberEpoch(7))
                .errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(leave("sg", "other").errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void shareGroupSurvivesARestart() throws Exception {
        join("sg", "m1");
        server.close();
        server = SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .set("num.partitions", "1").build());
        admin.close(Duration.ofSeconds(5));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap());
        admin = Admin.create(p);

        ShareGroupDescription described = admin.describeShareGroups(List.of("sg")).all().get().get("sg");
        assertThat(described.members()).extracting(ShareMemberDescription::consumerId).containsExactly("m1");
        assertThat(heartbeat(new ShareGroupHeartbeatRequestData().setGroupId("sg").setMemberId("m1").setMemberEpoch(1))
                .errorCode()).isEqualTo(Errors.NONE.code());
    }
}
