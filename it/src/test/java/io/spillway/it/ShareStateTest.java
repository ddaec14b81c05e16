package io.spillway.it;

import io.spillway.coordinator.share.DeliveryState;
import io.spillway.coordinator.share.SharePartitionKey;
import io.spillway.coordinator.share.SharePartitionState;
import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The share coordinator in a running broker: {@code __share_group_state} is there from the start, internal, and
 * keeps what was stored across a restart; a stream's topics keep their share state in the stream's own
 * {@code /path/stream:__share_group_state}, which clients cannot delete and which goes with the stream; a deleted
 * topic takes its share state with it.
 */
class ShareStateTest {
    private static final String STREAM = "/share/s";
    private Path dataDir;
    private SpillwayServer server;

    @BeforeEach
    void startBroker() throws Exception {
        dataDir = TempDirs.create("spillway-share-state");
        server = start();
    }

    @AfterEach
    void stopBroker() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private SpillwayServer start() throws Exception {
        return SpillwayServer.start(ServerConfig.builder().dataDir(dataDir).host("127.0.0.1").port(0).build());
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap()));
    }

    private static SharePartitionState state(long start) {
        return new SharePartitionState(0, start, List.of(
                new SharePartitionState.StateBatch(start, start + 2, DeliveryState.ACKNOWLEDGED, (short) 1)));
    }

    @Test
    void theStateTopicIsInternalAndWhatIsStoredSurvivesARestartAndGoesWithItsTopicOrStream() throws Exception {
        Uuid plain;
        Uuid inStream;
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1), new NewTopic(STREAM + ":t", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> described = admin.describeTopics(List.of("__share_group_state", "plain",
                    STREAM + ":t")).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(described.get("__share_group_state").isInternal()).isTrue();
            plain = described.get("plain").topicId();
            inStream = described.get(STREAM + ":t").topicId();
        }
        SharePartitionKey plainKey = new SharePartitionKey("g", plain, 0);
        SharePartitionKey streamKey = new SharePartitionKey("g", inStream, 0);
        server.shareStates().write(plainKey, state(10)).get(30, TimeUnit.SECONDS);
        server.shareStates().write(streamKey, state(20)).get(30, TimeUnit.SECONDS);
        assertThat(server.topics().partition(STREAM + ":__share_group_state", 0).logEndOffset())
                .as("the stream's state is kept in the stream").isEqualTo(1);

        server.close();
        server = start();

        assertThat(server.shareStates().readGroup("g").get(30, TimeUnit.SECONDS))
                .isEqualTo(Map.of(plainKey, state(10), streamKey, state(20)));
        try (Admin admin = admin()) {
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                    .contains("__share_group_state", STREAM + ":__share_group_state");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .doesNotContain("__share_group_state", STREAM + ":__share_group_state");
            assertThatThrownBy(() -> admin.deleteTopics(List.of(STREAM + ":__share_group_state")).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidRequestException.class);

            admin.deleteTopics(List.of("plain")).all().get(30, TimeUnit.SECONDS);
            assertThat(server.shareStates().readGroup("g").get(30, TimeUnit.SECONDS)).containsOnlyKeys(streamKey);

            admin.deleteTopics(List.of(STREAM)).all().get(30, TimeUnit.SECONDS);
            assertThat(server.shareStates().readGroup("g").get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(server.topics().byName(STREAM + ":__share_group_state")).isNull();
        }

        server.close();
        server = start();
        assertThat(server.shareStates().readGroup("g").get(30, TimeUnit.SECONDS)).as("still gone").isEmpty();
        assertThat(server.topics().byName("__share_group_state")).isNotNull();
        assertThat(server.shareStates().read(new SharePartitionKey("g", plain, 0)).get(30, TimeUnit.SECONDS)).isNull();
    }
}
