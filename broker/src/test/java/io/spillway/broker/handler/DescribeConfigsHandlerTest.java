package io.spillway.broker.handler;

import io.spillway.broker.Streams;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.ConfigSource;
import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.ConfigType;
import io.spillway.meta.config.TopicConfigCatalog;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class DescribeConfigsHandlerTest {
    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();
    private static final byte BROKER_LOGGER = ConfigResource.Type.BROKER_LOGGER.id();

    @TempDir
    Path dir;

    private ConfigsFixture broker;

    @AfterEach
    void close() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private ConfigsFixture start(Map<String, String> staticConfigs) {
        broker = new ConfigsFixture(dir, staticConfigs);
        return broker;
    }

    private DescribeConfigsResult describe(byte type, String name, List<String> keys, int version,
                                           boolean synonyms, boolean documentation) {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData()
                .setIncludeSynonyms(synonyms)
                .setIncludeDocumentation(documentation);
        request.resources().add(new DescribeConfigsResource()
                .setResourceType(type).setResourceName(name).setConfigurationKeys(keys));
        DescribeConfigsResponseData response = new DescribeConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings))
                .handle(ConfigsFixture.context(ApiKeys.DESCRIBE_CONFIGS, version), request).join();
        assertThat(response.results()).hasSize(1);
        DescribeConfigsResult result = response.results().get(0);
        assertThat(result.resourceType()).isEqualTo(type);
        assertThat(result.resourceName()).isEqualTo(name);
        return result;
    }

    private DescribeConfigsResult describe(byte type, String name) {
        return describe(type, name, null, 4, true, false);
    }

    private static DescribeConfigsResourceResult entry(DescribeConfigsResult result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not described"));
    }

    private static List<Object> synonyms(DescribeConfigsResourceResult entry) {
        return entry.synonyms().stream()
                .map(s -> (Object) Arrays.asList(s.name(), s.value(), s.source()))
                .toList();
    }

    private static List<Object> syn(Object... nameValueSource) {
        return Arrays.asList(nameValueSource);
    }

    @Test
    void topicWithoutOverridesShowsEveryTopicConfigWithKafkaDefaults() {
        start(Map.of());
        broker.createTopic("orders", Map.of());

        DescribeConfigsResult result = describe(TOPIC, "orders");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name)
                .containsExactlyElementsOf(TopicConfigCatalog.all().stream().map(k -> k.name()).toList());
        assertThat(result.configs()).allSatisfy(c -> {
            assertThat(c.readOnly()).isFalse();
            assertThat(c.isSensitive()).isFalse();
            assertThat(c.documentation()).isNull();
        });
        DescribeConfigsResourceResult policy = entry(result, "cleanup.policy");
        assertThat(policy.value()).isEqualTo("delete");
        assertThat(policy.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        assertThat(policy.configType()).isEqualTo(ConfigType.LIST.describeConfigsId());
        assertThat(synonyms(policy)).containsExactly(syn("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG.id));
        // Kafka's quirk: log.retention.ms has no default, so log.retention.hours=168 is dropped too.
        DescribeConfigsResourceResult retention = entry(result, "retention.ms");
        assertThat(retention.value()).isEqualTo("604800000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        assertThat(retention.synonyms()).isEmpty();
        // A topic config without a broker synonym has no synonyms at all.
        assertThat(entry(result, "remote.storage.enable").synonyms()).isEmpty();
    }

    @Test
    void overridesAndBrokerValuesGiveSourceAndSynonymsInKafkasOrder() {
        start(Map.of("log.segment.bytes", "2097152", "log.retention.hours", "24"));
        broker.createTopic("orders", Map.of("retention.ms", " 1000 ", "cleanup.policy", "compact, delete"));

        DescribeConfigsResult result = describe(TOPIC, "orders");

        DescribeConfigsResourceResult retention = entry(result, "retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id);
        assertThat(synonyms(retention)).containsExactly(syn("retention.ms", "1000", ConfigSource.TOPIC_CONFIG.id));
        assertThat(entry(result, "cleanup.policy").value()).isEqualTo("compact,delete");
        DescribeConfigsResourceResult segment = entry(result, "segment.bytes");
        assertThat(segment.value()).isEqualTo("2097152");
        assertThat(segment.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id);
        assertThat(synonyms(segment)).containsExactly(
                syn("log.segment.bytes", "2097152", ConfigSource.STATIC_BROKER_CONFIG.id),
                syn("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG.id));
    }

    @Test
    void retentionSynonymsStartAtTheFirstLogRetentionMsEntry() {
        start(Map.of());
        broker.createTopic("orders", Map.of());
        broker.meta.setBrokerConfigs(broker.settings.nodeScope(), Map.of("log.retention.hours", "1"));

        DescribeConfigsResourceResult hoursOnly = entry(describe(TOPIC, "orders"), "retention.ms");
        assertThat(hoursOnly.value()).isEqualTo("3600000");
        assertThat(hoursOnly.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        assertThat(hoursOnly.synonyms()).isEmpty();

        broker.meta.setBrokerConfigs(BrokerSettings.DEFAULT_SCOPE, Map.of("log.retention.ms", "5000"));
        DescribeConfigsResourceResult withMs = entry(describe(TOPIC, "orders"), "retention.ms");
        assertThat(withMs.value()).isEqualTo("5000");
        assertThat(withMs.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id);
        assertThat(synonyms(withMs)).containsExactly(
                syn("log.retention.ms", "5000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id),
                syn("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG.id));
    }

    @Test
    void synonymsOnlyWhenAskedButSourceAlways() {
        start(Map.of("log.segment.bytes", "2097152"));
        broker.createTopic("orders", Map.of());

        DescribeConfigsResult result = describe(TOPIC, "orders", null, 1, false, false);

        DescribeConfigsResourceResult segment = entry(result, "segment.bytes");
        assertThat(segment.synonyms()).isEmpty();
        assertThat(segment.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id);
    }

    @Test
    void configurationKeysSelectNamedConfigsAndSkipUnknownOnes() {
        start(Map.of());
        broker.createTopic("orders", Map.of());

        DescribeConfigsResult some = describe(TOPIC, "orders", List.of("segment.ms", "no.such.config", "retention.ms"),
                4, false, false);
        assertThat(some.configs()).extracting(DescribeConfigsResourceResult::name)
                .containsExactly("retention.ms", "segment.ms");

        DescribeConfigsResult empty = describe(TOPIC, "orders", List.of(), 4, false, false);
        assertThat(empty.configs()).hasSize(TopicConfigCatalog.all().size());
    }

    @Test
    void documentationOnlyWhenAsked() {
        start(Map.of());
        broker.createTopic("orders", Map.of());

        DescribeConfigsResult result = describe(TOPIC, "orders", List.of("retention.ms"), 3, false, true);

        assertThat(entry(result, "retention.ms").documentation()).isNotBlank();
        assertThat(entry(result, "retention.ms").configType()).isEqualTo(ConfigType.LONG.describeConfigsId());
    }

    @Test
    void unknownAndInvalidTopics() {
        start(Map.of());

        DescribeConfigsResult unknown = describe(TOPIC, "missing");
        assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(unknown.errorMessage()).contains("missing");
        assertThat(unknown.configs()).isEmpty();

        DescribeConfigsResult invalid = describe(TOPIC, "no spaces");
        assertThat(invalid.errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(invalid.errorMessage()).contains("no spaces");
    }

    @Test
    void topicsInNamedStreamsAreDescribedByTheirFullName() {
        start(Map.of());
        broker.createTopic("/apps/payments:orders", Map.of("retention.ms", "1000"));

        DescribeConfigsResult result = describe(TOPIC, "/apps/payments:orders");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(entry(result, "retention.ms").value()).isEqualTo("1000");
    }

    @Test
    void brokerByIdListsEveryBrokerConfigWithReadOnlyAndSources() {
        start(Map.of("message.max.bytes", "2000"));
        broker.meta.setBrokerConfigs(broker.settings.nodeScope(), Map.of("num.io.threads", "4"));

        DescribeConfigsResult result = describe(BROKER, "1");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name)
                .containsAll(BrokerConfigCatalog.all().stream().map(k -> k.name()).toList());
        assertThat(entry(result, "log.dirs").readOnly()).isTrue();
        DescribeConfigsResourceResult maxBytes = entry(result, "message.max.bytes");
        assertThat(maxBytes.readOnly()).isFalse();
        assertThat(maxBytes.value()).isEqualTo("2000");
        assertThat(maxBytes.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id);
        assertThat(synonyms(maxBytes)).containsExactly(
                syn("message.max.bytes", "2000", ConfigSource.STATIC_BROKER_CONFIG.id),
                syn("message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG.id));
        DescribeConfigsResourceResult ioThreads = entry(result, "num.io.threads");
        assertThat(ioThreads.value()).isEqualTo("4");
        assertThat(ioThreads.configSource()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG.id);
        DescribeConfigsResourceResult retentionMs = entry(result, "log.retention.ms");
        assertThat(retentionMs.value()).isNull();
        assertThat(retentionMs.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id);
        assertThat(retentionMs.synonyms()).isEmpty();
        DescribeConfigsResourceResult retentionHours = entry(result, "log.retention.hours");
        assertThat(retentionHours.value()).isEqualTo("168");
        assertThat(synonyms(retentionHours)).containsExactly(
                syn("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG.id));
    }

    @Test
    void brokerNamesWithoutDefinitionAreShownAsKafkaShowsUnknownConfigs() {
        start(Map.of());
        broker.meta.setBrokerConfigs(BrokerSettings.DEFAULT_SCOPE, Map.of("custom.thing", "secret"));

        DescribeConfigsResourceResult custom = entry(describe(BROKER, "1"), "custom.thing");

        assertThat(custom.value()).isNull();
        assertThat(custom.isSensitive()).isTrue();
        assertThat(custom.readOnly()).isTrue();
        assertThat(custom.configType()).isEqualTo((byte) 0);
        assertThat(custom.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id);
        assertThat(custom.synonyms()).extracting(DescribeConfigsSynonym::value).containsOnlyNulls();
    }

    @Test
    void clusterDefaultListsOnlyConfigsSetAtTheDefaultScope() {
        start(Map.of("log.retention.ms", "7000"));
        broker.meta.setBrokerConfigs(BrokerSettings.DEFAULT_SCOPE, Map.of("log.retention.ms", "5000"));
        broker.meta.setBrokerConfigs(broker.settings.nodeScope(),
                Map.of("log.retention.ms", "9000", "log.segment.bytes", "2097152"));

        DescribeConfigsResult result = describe(BROKER, "");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name).containsExactly("log.retention.ms");
        DescribeConfigsResourceResult retention = result.configs().get(0);
        assertThat(retention.value()).isEqualTo("5000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id);
        assertThat(synonyms(retention)).containsExactly(
                syn("log.retention.ms", "5000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id));
    }

    @Test
    void otherBrokerIdsAreInvalidRequests() {
        start(Map.of());

        DescribeConfigsResult other = describe(BROKER, "2");
        assertThat(other.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(other.errorMessage()).contains("expected 1").contains("2");

        DescribeConfigsResult notANumber = describe(BROKER, "leader");
        assertThat(notANumber.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(notANumber.errorMessage()).contains("leader");
    }

    @Test
    void brokerLoggerIsEmptyForThisNodeAndInvalidOtherwise() {
        start(Map.of());

        DescribeConfigsResult mine = describe(BROKER_LOGGER, "1");
        assertThat(mine.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(mine.configs()).isEmpty();

        assertThat(describe(BROKER_LOGGER, "").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe(BROKER_LOGGER, "3").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void otherResourceTypesAreInvalidRequestsPerResource() {
        start(Map.of());
        broker.createTopic("orders", Map.of());
        DescribeConfigsRequestData request = new DescribeConfigsRequestData();
        request.resources().add(new DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.CLIENT_METRICS.id()).setResourceName("m"));
        request.resources().add(new DescribeConfigsResource().setResourceType((byte) 99).setResourceName("x"));
        request.resources().add(new DescribeConfigsResource().setResourceType(TOPIC).setResourceName("orders"));

        DescribeConfigsResponseData response = new DescribeConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings))
                .handle(ConfigsFixture.context(ApiKeys.DESCRIBE_CONFIGS, 4), request).join();

        assertThat(response.results()).extracting(DescribeConfigsResult::errorCode).containsExactly(
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code());
        assertThat(response.results().get(0).errorMessage()).contains("CLIENT_METRICS");
        assertThat(response.results().get(1).errorMessage()).contains("99");
    }

    @Test
    void responsesSerialiseAtEveryVersion() {
        start(Map.of("message.max.bytes", "2000"));
        broker.createTopic("orders", Map.of("retention.ms", "1000"));
        DescribeConfigsRequestData request = new DescribeConfigsRequestData().setIncludeSynonyms(true)
                .setIncludeDocumentation(true);
        request.resources().add(new DescribeConfigsResource().setResourceType(TOPIC).setResourceName("orders"));
        request.resources().add(new DescribeConfigsResource().setResourceType(BROKER).setResourceName("1"));
        request.resources().add(new DescribeConfigsResource().setResourceType(TOPIC).setResourceName("missing"));

        for (short v = ApiKeys.DESCRIBE_CONFIGS.oldestVersion(); v <= ApiKeys.DESCRIBE_CONFIGS.latestVersion(); v++) {
            DescribeConfigsResponseData response = new DescribeConfigsHandler(broker.topics, broker.settings,
                new Streams(broker.topics, broker.settings))
                    .handle(ConfigsFixture.context(ApiKeys.DESCRIBE_CONFIGS, v), request).join();
            ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(response, v);
            bytes.buffer().rewind();
            DescribeConfigsResponseData read = new DescribeConfigsResponseData(bytes, v);
            assertThat(read.results()).hasSize(3);
            assertThat(read.results().get(0).configs()).hasSize(TopicConfigCatalog.all().size());
            assertThat(read.results().get(2).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }
}
