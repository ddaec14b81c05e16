package io.spillway.meta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.Test;

class ConfigCatalogTest {

    private static String topicDefault(String name) {
        return TopicConfigCatalog.find(name).orElseThrow().defaultValue();
    }

    @Test
    void configTypeIdsMatchKafka() {
        for (ConfigType t : ConfigType.values()) {
            assertThat(t.describeConfigsId())
                    .as(t.name())
                    .isEqualTo(DescribeConfigsResponse.ConfigType.valueOf(t.name()).id());
        }
        assertThat(ConfigType.BOOLEAN.describeConfigsId()).isEqualTo((byte) 1);
        assertThat(ConfigType.PASSWORD.describeConfigsId()).isEqualTo((byte) 9);
    }

    @Test
    void topicDefaultsAreKafka44() {
        assertThat(topicDefault("retention.ms")).isEqualTo("604800000");
        assertThat(topicDefault("max.message.bytes")).isEqualTo("1048588");
        assertThat(topicDefault("cleanup.policy")).isEqualTo("delete");
        assertThat(topicDefault("segment.bytes")).isEqualTo("1073741824");
        assertThat(topicDefault("segment.ms")).isEqualTo("604800000");
        assertThat(topicDefault("message.timestamp.after.max.ms")).isEqualTo("3600000");
        assertThat(topicDefault("message.timestamp.before.max.ms"))
                .isEqualTo(String.valueOf(Long.MAX_VALUE));
        assertThat(topicDefault("compression.type")).isEqualTo("producer");
        assertThat(topicDefault("min.cleanable.dirty.ratio")).isEqualTo("0.5");
        assertThat(topicDefault("leader.replication.throttled.replicas")).isEmpty();
        assertThat(TopicConfigCatalog.find("retention.ms").orElseThrow().type())
                .isEqualTo(ConfigType.LONG);
    }

    @Test
    void topicCatalogIsSortedAndCoversKafkaTopicConfigNames() throws IllegalAccessException {
        List<String> names = TopicConfigCatalog.all().stream().map(ConfigKey::name).toList();
        assertThat(names).isSorted().doesNotHaveDuplicates().hasSize(37);

        List<String> kafkaNames = new ArrayList<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG")) {
                kafkaNames.add((String) f.get(null));
            }
        }
        kafkaNames.remove("message.downconversion.enable"); // constant kept, config gone in 4.0
        assertThat(names).containsAll(kafkaNames);
        assertThat(TopicConfigCatalog.find("message.downconversion.enable")).isEmpty();
        assertThat(TopicConfigCatalog.all()).allMatch(k -> !k.sensitive());
    }

    @Test
    void validValuesPass() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("cleanup.policy", " compact , delete ");
        overrides.put("retention.ms", "-1");
        overrides.put("preallocate", "TRUE");
        overrides.put("leader.replication.throttled.replicas", "*");
        overrides.put("follower.replication.throttled.replicas", "0:1,1:2");
        overrides.put("compression.gzip.level", "-1");
        overrides.put("message.timestamp.type", "LogAppendTime");
        overrides.put("min.cleanable.dirty.ratio", "0.25");
        overrides.put("retention.bytes", "-5");
        assertThatCode(() -> TopicConfigCatalog.validate(overrides)).doesNotThrowAnyException();
        assertThatCode(() -> TopicConfigCatalog.validate(Map.of("cleanup.policy", "")))
                .doesNotThrowAnyException();
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        assertRejected("retention.ms", "-2", "must be at least -1");
        assertRejected("retention.ms", "1.5", "whole number");
        assertRejected("max.message.bytes", "2147483648", "whole number");
        assertRejected("cleanup.policy", "Delete", "compact, delete");
        assertRejected("cleanup.policy", "delete,", "compact, delete");
        assertRejected("compression.type", "none", "uncompressed, zstd, lz4, snappy, gzip, producer");
        assertRejected("message.timestamp.type", "createtime", "CreateTime, LogAppendTime");
        assertRejected("min.insync.replicas", "0", "must be at least 1");
        assertRejected("segment.bytes", "1000", "must be at least 1048576");
        assertRejected("min.cleanable.dirty.ratio", "1.5", "between 0.0 and 1.0");
        assertRejected("min.cleanable.dirty.ratio", "NaN", "between 0.0 and 1.0");
        assertRejected("compression.gzip.level", "0", "between 1 and 9, or -1");
        assertRejected("preallocate", "yes", "true or false");
        assertRejected("leader.replication.throttled.replicas", "*,0:1", "partitionId:brokerId");
        assertRejected("retention.ms", null, "a value is required");
    }

    private static void assertRejected(String name, String value, String reasonFragment) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(name, value);
        assertThatThrownBy(() -> TopicConfigCatalog.validate(overrides))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(reasonFragment);
    }

    @Test
    void unknownNamesAndCrossFieldConflictsAreRejected() {
        assertThatThrownBy(() -> TopicConfigCatalog.validate(Map.of("foo.bar", "1")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Unknown topic config name: foo.bar");
        assertThatThrownBy(() -> TopicConfigCatalog.validate(
                Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("min.compaction.lag.ms (10)")
                .hasMessageContaining("max.compaction.lag.ms (5)");
    }

    @Test
    void synonymsFollowKafkaOrder() {
        assertThat(ConfigSynonyms.brokerSynonyms("retention.ms"))
                .containsExactly("log.retention.ms", "log.retention.minutes", "log.retention.hours");
        assertThat(ConfigSynonyms.brokerSynonyms("segment.ms"))
                .containsExactly("log.roll.ms", "log.roll.hours");
        assertThat(ConfigSynonyms.brokerSynonyms("flush.ms"))
                .containsExactly("log.flush.interval.ms", "log.flush.scheduler.interval.ms");
        assertThat(ConfigSynonyms.brokerSynonyms("max.message.bytes"))
                .containsExactly("message.max.bytes");
        assertThat(ConfigSynonyms.brokerSynonyms("remote.storage.enable")).isEmpty();
        assertThat(ConfigSynonyms.toTopicValue("log.retention.hours", "168")).isEqualTo("604800000");
        assertThat(ConfigSynonyms.toTopicValue("log.retention.minutes", "2")).isEqualTo("120000");
        assertThat(ConfigSynonyms.toTopicValue("log.retention.ms", "5")).isEqualTo("5");
    }

    @Test
    void topicDefaultsAgreeWithBrokerSynonymDefaults() {
        for (ConfigKey topic : TopicConfigCatalog.all()) {
            List<String> synonyms = ConfigSynonyms.brokerSynonyms(topic);
            if (!synonyms.isEmpty()) {
                assertThat(synonyms.get(0)).as(topic.name()).isEqualTo(topic.brokerSynonym());
            }
            String fromBroker = null;
            for (String synonym : synonyms) {
                BrokerConfigKey broker = BrokerConfigCatalog.find(synonym).orElseThrow(
                        () -> new AssertionError("broker catalog lacks " + synonym));
                assertThat(broker.key().type().name()).isNotEmpty();
                if (fromBroker == null && broker.key().defaultValue() != null) {
                    fromBroker = ConfigSynonyms.toTopicValue(synonym, broker.key().defaultValue());
                }
            }
            if (!synonyms.isEmpty()) {
                assertThat(fromBroker).as(topic.name()).isEqualTo(topic.defaultValue());
            }
        }
    }

    @Test
    void brokerCatalogHasRequiredEntries() {
        List<String> names = BrokerConfigCatalog.all().stream().map(BrokerConfigKey::name).toList();
        assertThat(names).isSorted().containsAll(new TreeSet<>(List.of(
                "num.partitions", "default.replication.factor", "auto.create.topics.enable",
                "delete.topic.enable", "node.id", "broker.id", "log.dirs", "listeners",
                "offsets.topic.replication.factor", "socket.request.max.bytes", "num.io.threads",
                "num.network.threads", "log.flush.interval.messages", "log.flush.interval.ms")));
        BrokerConfigKey hours = BrokerConfigCatalog.find("log.retention.hours").orElseThrow();
        assertThat(hours.readOnly()).isTrue();
        assertThat(hours.key().defaultValue()).isEqualTo("168");
        BrokerConfigKey ms = BrokerConfigCatalog.find("log.retention.ms").orElseThrow();
        assertThat(ms.readOnly()).isFalse();
        assertThat(ms.key().defaultValue()).isNull();
        assertThat(BrokerConfigCatalog.find("offsets.topic.replication.factor").orElseThrow()
                .key().type()).isEqualTo(ConfigType.SHORT);
        assertThat(BrokerConfigCatalog.all()).allMatch(b -> b.key().brokerSynonym() == null);
    }
}
