package io.spillway.broker.handler;

import io.spillway.broker.Streams;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.broker.config.BrokerSettings;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class AlterConfigsHandlerTest {
    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    @TempDir
    Path dir;

    private ConfigsFixture broker;

    @BeforeEach
    void start() {
        broker = new ConfigsFixture(dir);
    }

    @AfterEach
    void close() throws Exception {
        broker.close();
    }

    private static AlterConfigsResource resource(byte type, String name, String... keyValues) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type).setResourceName(name);
        for (int i = 0; i < keyValues.length; i += 2) {
            resource.configs().add(new AlterableConfig().setName(keyValues[i]).setValue(keyValues[i + 1]));
        }
        return resource;
    }

    private List<AlterConfigsResourceResponse> alter(boolean validateOnly, AlterConfigsResource... resources) {
        AlterConfigsRequestData request = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource r : resources) {
            request.resources().add(r);
        }
        AlterConfigsResponseData response = new AlterConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings), null /* no renames here */)
                .handle(ConfigsFixture.context(ApiKeys.ALTER_CONFIGS, 2), request).join();
        assertThat(response.responses()).hasSize(resources.length);
        for (int i = 0; i < resources.length; i++) {
            assertThat(response.responses().get(i).resourceType()).isEqualTo(resources[i].resourceType());
            assertThat(response.responses().get(i).resourceName()).isEqualTo(resources[i].resourceName());
        }
        return response.responses();
    }

    private AlterConfigsResourceResponse alterOne(AlterConfigsResource resource) {
        return alter(false, resource).get(0);
    }

    @Test
    void replacesTheWholeOverrideSetAndAppliesItToThePartitions() {
        broker.createTopic("orders", Map.of("retention.ms", "1000", "segment.bytes", "2097152"));

        AlterConfigsResourceResponse response = alterOne(resource(TOPIC, "orders", "cleanup.policy", "compact"));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.errorMessage()).isNull();
        assertThat(broker.topics.byName("orders").configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(broker.logConfig("orders", 1).compact()).isTrue();
        assertThat(broker.logConfig("orders", 1).retentionMs()).isEqualTo(604800000L);
    }

    @Test
    void validateOnlyChangesNothing() {
        broker.createTopic("orders", Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse response = alter(true, resource(TOPIC, "orders", "retention.ms", "2000")).get(0);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topics.byName("orders").configs()).isEqualTo(Map.of("retention.ms", "1000"));
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(1000L);
        assertThat(alter(true, resource(TOPIC, "orders", "retention.ms", "soon")).get(0).errorCode())
                .isEqualTo(Errors.INVALID_CONFIG.code());
    }

    @Test
    void topicErrors() {
        broker.createTopic("orders", Map.of());

        AlterConfigsResourceResponse missing = alterOne(resource(TOPIC, "missing", "retention.ms", "1000"));
        assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(missing.errorMessage()).contains("'missing'");

        AlterConfigsResourceResponse unknownName = alterOne(resource(TOPIC, "orders", "retention.days", "7"));
        assertThat(unknownName.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(unknownName.errorMessage()).contains("retention.days").contains("orders");

        AlterConfigsResourceResponse badValue = alterOne(resource(TOPIC, "orders", "retention.ms", "a week"));
        assertThat(badValue.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(badValue.errorMessage()).contains("retention.ms").contains("a week");

        // Kafka validates before it checks that the topic exists.
        assertThat(alterOne(resource(TOPIC, "missing", "retention.ms", "x")).errorCode())
                .isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(alterOne(resource(TOPIC, "orders", "remote.storage.enable", "true")).errorCode())
                .isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(alterOne(resource(TOPIC, "", "retention.ms", "1")).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(alterOne(resource(TOPIC, "bad name", "retention.ms", "1")).errorCode())
                .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(broker.topics.byName("orders").configs()).isEmpty();
    }

    @Test
    void clusterDefaultAndNodeScopesOfTheBroker() {
        broker.createTopic("orders", Map.of());

        assertThat(alterOne(resource(BROKER, "", "log.retention.ms", "5000")).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.brokerConfigs(BrokerSettings.DEFAULT_SCOPE)).isEqualTo(Map.of("log.retention.ms", "5000"));
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(5000L);

        assertThat(alterOne(resource(BROKER, "1", "log.retention.ms", "6000", "message.max.bytes", "2000")).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.brokerConfigs("1")).isEqualTo(Map.of("log.retention.ms", "6000", "message.max.bytes", "2000"));
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(6000L);
        assertThat(broker.logConfig("orders", 0).maxMessageBytes()).isEqualTo(2000);

        // Legacy AlterConfigs replaces: an empty set removes every node override.
        assertThat(alterOne(resource(BROKER, "1")).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.brokerConfigs("1")).isEmpty();
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(5000L);
    }

    @Test
    void brokerErrorsAreInvalidRequestsAsInKafka() {
        AlterConfigsResourceResponse readOnly = alterOne(resource(BROKER, "1", "log.dirs", "/data", "num.partitions", "3"));
        assertThat(readOnly.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(readOnly.errorMessage()).startsWith("Cannot update these configs dynamically: log.dirs, num.partitions");

        AlterConfigsResourceResponse badValue = alterOne(resource(BROKER, "", "message.max.bytes", "big"));
        assertThat(badValue.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(badValue.errorMessage()).contains("message.max.bytes").contains("big");

        AlterConfigsResourceResponse perBroker = alterOne(resource(BROKER, "", "listeners", "PLAINTEXT://:9093"));
        assertThat(perBroker.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(perBroker.errorMessage()).contains("broker id must be specified").contains("listeners");

        AlterConfigsResourceResponse otherBroker = alterOne(resource(BROKER, "2", "message.max.bytes", "2000"));
        assertThat(otherBroker.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(otherBroker.errorMessage()).contains("expected 1").contains("2");

        assertThat(alterOne(resource(BROKER, "one", "message.max.bytes", "2000")).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.meta.brokerConfigs("")).isEmpty();
        assertThat(broker.meta.brokerConfigs("1")).isEmpty();
    }

    @Test
    void brokerNamesWithoutDefinitionAreStoredAsKafkaStoresCustomProperties() {
        assertThat(alterOne(resource(BROKER, "", "custom.thing", "x")).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.brokerConfigs("")).isEqualTo(Map.of("custom.thing", "x"));
    }

    @Test
    void requestLevelChecksAffectOnlyTheOffendingResources() {
        broker.createTopic("orders", Map.of());
        broker.createTopic("payments", Map.of());
        AlterConfigsResource duplicateKeys = resource(TOPIC, "payments", "retention.ms", "1", "retention.ms", "2");
        AlterConfigsResource nullValue = resource(TOPIC, "payments", "retention.ms", null);

        List<AlterConfigsResourceResponse> responses = alter(false,
                resource(TOPIC, "orders", "retention.ms", "1000"),
                resource(BROKER, "1", "message.max.bytes", "2000"),
                resource(TOPIC, "orders", "retention.ms", "2000"),
                duplicateKeys,
                resource(ConfigResource.Type.BROKER_LOGGER.id(), "1", "root", "DEBUG"));

        assertThat(responses).extracting(AlterConfigsResourceResponse::errorCode).containsExactly(
                Errors.INVALID_REQUEST.code(), Errors.NONE.code(), Errors.INVALID_REQUEST.code(),
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(responses.get(0).errorMessage()).contains("orders").contains("at most once");
        assertThat(responses.get(3).errorMessage()).contains("duplicate config keys").contains("retention.ms");
        assertThat(responses.get(4).errorMessage()).contains("BROKER_LOGGER");
        assertThat(broker.topics.byName("orders").configs()).isEmpty();
        assertThat(broker.meta.brokerConfigs("1")).isEqualTo(Map.of("message.max.bytes", "2000"));

        AlterConfigsResourceResponse nulls = alterOne(nullValue);
        assertThat(nulls.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(nulls.errorMessage()).contains("Null value").contains("retention.ms");
    }

    @Test
    void changesSurviveARestart() throws Exception {
        broker.createTopic("orders", Map.of());
        alterOne(resource(TOPIC, "orders", "retention.ms", "1000"));
        alterOne(resource(BROKER, "", "log.segment.bytes", "2097152"));
        broker.close();

        broker = new ConfigsFixture(dir);

        assertThat(broker.topics.byName("orders").configs()).isEqualTo(Map.of("retention.ms", "1000"));
        assertThat(broker.meta.brokerConfigs("")).isEqualTo(Map.of("log.segment.bytes", "2097152"));
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(1000L);
    }
}
