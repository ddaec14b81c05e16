package io.spillway.broker.handler;

import io.spillway.broker.Streams;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class IncrementalAlterConfigsHandlerTest {
    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();
    private static final byte BROKER_LOGGER = ConfigResource.Type.BROKER_LOGGER.id();
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

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

    private static AlterableConfig op(byte operation, String name, String value) {
        return new AlterableConfig().setConfigOperation(operation).setName(name).setValue(value);
    }

    private static AlterConfigsResource resource(byte type, String name, AlterableConfig... ops) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type).setResourceName(name);
        for (AlterableConfig op : ops) {
            resource.configs().add(op);
        }
        return resource;
    }

    private List<AlterConfigsResourceResponse> alter(boolean validateOnly, AlterConfigsResource... resources) {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource r : resources) {
            request.resources().add(r);
        }
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings), null /* no renames here */)
                .handle(ConfigsFixture.context(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1), request).join();
        assertThat(response.responses()).hasSize(resources.length);
        for (int i = 0; i < resources.length; i++) {
            assertThat(response.responses().get(i).resourceName()).isEqualTo(resources[i].resourceName());
        }
        return response.responses();
    }

    private AlterConfigsResourceResponse alterOne(AlterConfigsResource resource) {
        return alter(false, resource).get(0);
    }

    private Map<String, String> overrides(String topic) {
        return broker.topics.byName(topic).configs();
    }

    @Test
    void setAndDeleteLeaveOtherOverridesAlone() {
        broker.createTopic("orders", Map.of("retention.ms", "1000", "segment.bytes", "2097152"));

        AlterConfigsResourceResponse response = alterOne(resource(TOPIC, "orders",
                op(SET, "max.message.bytes", "2000"), op(DELETE, "retention.ms", null), op(DELETE, "segment.ms", null)));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.errorMessage()).isNull();
        assertThat(overrides("orders")).isEqualTo(Map.of("segment.bytes", "2097152", "max.message.bytes", "2000"));
        assertThat(broker.logConfig("orders", 0).maxMessageBytes()).isEqualTo(2000);
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(604800000L);
    }

    @Test
    void topicsInNamedStreamsAreAlteredByTheirFullName() {
        broker.createTopic("/apps/payments:orders", Map.of());

        assertThat(alterOne(resource(TOPIC, "/apps/payments:orders", op(SET, "retention.ms", "1000"))).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(overrides("/apps/payments:orders")).isEqualTo(Map.of("retention.ms", "1000"));
        assertThat(broker.logConfig("/apps/payments:orders", 0).retentionMs()).isEqualTo(1000L);
    }

    @Test
    void appendAndSubtractWorkOnListsStartingFromTheDefault() {
        broker.createTopic("orders", Map.of());

        assertThat(alterOne(resource(TOPIC, "orders", op(APPEND, "cleanup.policy", "compact"))).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(overrides("orders")).isEqualTo(Map.of("cleanup.policy", "delete,compact"));
        assertThat(broker.logConfig("orders", 0).compact()).isTrue();
        assertThat(broker.logConfig("orders", 0).deleteRetention()).isTrue();

        alterOne(resource(TOPIC, "orders", op(APPEND, "cleanup.policy", "compact,delete")));
        assertThat(overrides("orders")).isEqualTo(Map.of("cleanup.policy", "delete,compact"));

        alterOne(resource(TOPIC, "orders", op(SUBTRACT, "cleanup.policy", "delete")));
        assertThat(overrides("orders")).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(broker.logConfig("orders", 0).deleteRetention()).isFalse();

        alterOne(resource(TOPIC, "orders", op(APPEND, "leader.replication.throttled.replicas", "0:1, 1:1")));
        assertThat(overrides("orders")).containsEntry("leader.replication.throttled.replicas", "0:1,1:1");
    }

    @Test
    void appendAndSubtractOnAnythingButAListAreInvalidConfig() {
        broker.createTopic("orders", Map.of());

        AlterConfigsResourceResponse notList = alterOne(resource(TOPIC, "orders", op(APPEND, "retention.ms", "1")));
        assertThat(notList.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(notList.errorMessage()).contains("retention.ms").contains("LIST");

        AlterConfigsResourceResponse unknown = alterOne(resource(TOPIC, "orders", op(SUBTRACT, "no.such", "x")));
        assertThat(unknown.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(unknown.errorMessage()).contains("no.such");

        AlterConfigsResourceResponse brokerNotList = alterOne(resource(BROKER, "1", op(APPEND, "message.max.bytes", "1")));
        assertThat(brokerNotList.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(overrides("orders")).isEmpty();
        assertThat(broker.meta.brokerConfigs("1")).isEmpty();
    }

    @Test
    void invalidValuesUnknownNamesOperationsAndTopics() {
        broker.createTopic("orders", Map.of());

        AlterConfigsResourceResponse badValue = alterOne(resource(TOPIC, "orders", op(SET, "cleanup.policy", "shred")));
        assertThat(badValue.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(badValue.errorMessage()).contains("cleanup.policy").contains("compact, delete").contains("orders");

        assertThat(alterOne(resource(TOPIC, "orders", op(SET, "retention.days", "7"))).errorCode())
                .isEqualTo(Errors.INVALID_CONFIG.code());

        AlterConfigsResourceResponse badOp = alterOne(resource(TOPIC, "orders", op((byte) 7, "retention.ms", "1")));
        assertThat(badOp.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(badOp.errorMessage()).contains("7").contains("SUBTRACT");

        AlterConfigsResourceResponse missing = alterOne(resource(TOPIC, "missing", op(SET, "retention.ms", "1")));
        assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(missing.errorMessage()).contains("'missing'");

        AlterConfigsResourceResponse nullSet = alterOne(resource(TOPIC, "orders", op(SET, "retention.ms", null)));
        assertThat(nullSet.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(nullSet.errorMessage()).contains("retention.ms");
        assertThat(overrides("orders")).isEmpty();
    }

    @Test
    void validateOnlyChecksEverythingAndStoresNothing() {
        broker.createTopic("orders", Map.of("retention.ms", "1000"));

        List<AlterConfigsResourceResponse> responses = alter(true,
                resource(TOPIC, "orders", op(DELETE, "retention.ms", null), op(APPEND, "cleanup.policy", "compact")),
                resource(BROKER, "", op(SET, "log.retention.ms", "5")),
                resource(TOPIC, "missing", op(SET, "retention.ms", "1")));

        assertThat(responses).extracting(AlterConfigsResourceResponse::errorCode).containsExactly(
                Errors.NONE.code(), Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(overrides("orders")).isEqualTo(Map.of("retention.ms", "1000"));
        assertThat(broker.meta.brokerConfigs("")).isEmpty();
        assertThat(broker.logConfig("orders", 0).retentionMs()).isEqualTo(1000L);
    }

    @Test
    void duplicateKeysAndResourcesAreInvalidRequests() {
        broker.createTopic("orders", Map.of());
        broker.createTopic("payments", Map.of());

        List<AlterConfigsResourceResponse> responses = alter(false,
                resource(TOPIC, "orders", op(SET, "retention.ms", "1"), op(DELETE, "retention.ms", null)),
                resource(TOPIC, "payments", op(SET, "retention.ms", "1")),
                resource(TOPIC, "payments", op(SET, "retention.ms", "2")),
                resource(BROKER, "1", op(SET, "message.max.bytes", "2000")));

        assertThat(responses).extracting(AlterConfigsResourceResponse::errorCode).containsExactly(
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.NONE.code());
        assertThat(responses.get(0).errorMessage()).contains("duplicate config keys").contains("retention.ms");
        assertThat(responses.get(1).errorMessage()).contains("payments");
        assertThat(overrides("orders")).isEmpty();
        assertThat(overrides("payments")).isEmpty();
        assertThat(broker.meta.brokerConfigs("1")).isEqualTo(Map.of("message.max.bytes", "2000"));
    }

    @Test
    void brokerScopesApplyToTopicsWithoutOverrides() {
        broker.createTopic("orders", Map.of());
        broker.createTopic("payments", Map.of("retention.ms", "1000"));

        assertThat(alterOne(resource(BROKER, "", op(SET, "log.retention.ms", "5000"))).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(broker.logConfig("orders", 1).retentionMs()).isEqualTo(5000L);
        assertThat(broker.logConfig("payments", 1).retentionMs()).isEqualTo(1000L);

        assertThat(alterOne(resource(BROKER, "1", op(SET, "log.retention.ms", "7000"))).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(broker.logConfig("orders", 1).retentionMs()).isEqualTo(7000L);

        assertThat(alterOne(resource(BROKER, "1", op(DELETE, "log.retention.ms", null),
                op(APPEND, "log.cleanup.policy", "compact"))).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.meta.brokerConfigs("1")).isEqualTo(Map.of("log.cleanup.policy", "delete,compact"));
        assertThat(broker.logConfig("orders", 1).retentionMs()).isEqualTo(5000L);
        assertThat(broker.logConfig("orders", 1).compact()).isTrue();

        AlterConfigsResourceResponse readOnly = alterOne(resource(BROKER, "", op(SET, "node.id", "3")));
        assertThat(readOnly.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(readOnly.errorMessage()).contains("Cannot update these configs dynamically: node.id");
        assertThat(alterOne(resource(BROKER, "7", op(SET, "message.max.bytes", "1"))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void brokerLoggerHasNoLoggersToChange() {
        assertThat(alterOne(resource(BROKER_LOGGER, "1")).errorCode()).isEqualTo(Errors.NONE.code());

        AlterConfigsResourceResponse set = alterOne(resource(BROKER_LOGGER, "1", op(SET, "kafka.server", "DEBUG")));
        assertThat(set.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(set.errorMessage()).contains("kafka.server");

        assertThat(alterOne(resource(BROKER_LOGGER, "1", op(APPEND, "root", "DEBUG"))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(alterOne(resource(BROKER_LOGGER, "2", op(SET, "root", "DEBUG"))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void unsupportedResourceTypes() {
        AlterConfigsResourceResponse metrics = alterOne(resource(ConfigResource.Type.CLIENT_METRICS.id(), "m",
                op(SET, "interval.ms", "45000")));
        assertThat(metrics.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(metrics.errorMessage()).contains("CLIENT_METRICS");
        assertThat(alterOne(resource((byte) 77, "x")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }
}
