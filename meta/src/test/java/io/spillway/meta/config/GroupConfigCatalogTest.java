package io.spillway.meta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.coordinator.group.GroupConfig;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.group.modern.share.ShareGroupConfig;
import org.junit.jupiter.api.Test;

/**
 * Our group configs against Kafka 4.4's own {@code GroupConfig} (a test-only dependency): the same names, types,
 * defaults, broker synonyms and internal flags, the broker bounds with Kafka's defaults, and the same accept/reject
 * outcome for a table of values, with default and with changed broker bounds.
 */
class GroupConfigCatalogTest {

    private static final UnaryOperator<String> BROKER_DEFAULTS = GroupConfigCatalog::brokerDefault;

    @Test
    void namesTypesDefaultsSynonymsAndInternalFlagsAreKafka44() {
        Map<String, ConfigDef.ConfigKey> kafka = GroupConfig.CONFIG_DEF.configKeys();
        assertThat(new TreeSet<>(GroupConfigCatalog.all().stream().map(ConfigKey::name).toList()))
                .isEqualTo(new TreeSet<>(kafka.keySet()));
        for (ConfigKey ours : GroupConfigCatalog.all()) {
            ConfigDef.ConfigKey theirs = kafka.get(ours.name());
            assertThat(ours.type().name()).as("type of %s", ours.name()).isEqualTo(theirs.type.name());
            String kafkaDefault = theirs.defaultValue == null ? null
                    : ConfigDef.convertToString(theirs.defaultValue, theirs.type);
            assertThat(ours.defaultValue()).as("default of %s", ours.name()).isEqualTo(kafkaDefault);
            assertThat(Optional.ofNullable(ours.brokerSynonym())).as("broker synonym of %s", ours.name())
                    .isEqualTo(GroupConfig.ALL_GROUP_CONFIG_SYNONYMS.get(ours.name()));
            assertThat(GroupConfigCatalog.isInternal(ours.name())).as("internal %s", ours.name())
                    .isEqualTo(theirs.internalConfig);
        }
    }

    @Test
    void brokerGroupConfigsHaveKafkasDefaults() {
        Map<String, ConfigDef.ConfigKey> kafka = new HashMap<>(GroupCoordinatorConfig.CONFIG_DEF.configKeys());
        kafka.putAll(ShareGroupConfig.CONFIG_DEF.configKeys());
        int compared = 0;
        for (BrokerConfigKey ours : BrokerConfigCatalog.all()) {
            if (ours.name().startsWith("group.")) {
                ConfigDef.ConfigKey theirs = kafka.get(ours.name());
                assertThat(theirs).as("Kafka has %s", ours.name()).isNotNull();
                assertThat(ours.key().defaultValue()).as("default of %s", ours.name())
                        .isEqualTo(ConfigDef.convertToString(theirs.defaultValue, theirs.type));
                assertThat(ours.key().type().name()).as("type of %s", ours.name()).isEqualTo(theirs.type.name());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(40);
        for (ConfigKey key : GroupConfigCatalog.all()) {
            if (key.brokerSynonym() != null) {
                assertThat(BrokerConfigCatalog.find(key.brokerSynonym())).as("broker config %s", key.brokerSynonym())
                        .isPresent();
            }
        }
    }

    /** Values Kafka accepts or rejects, alone in a group's override set. */
    private static final List<Map<String, String>> CASES = List.of(
            Map.of("consumer.session.timeout.ms", "45000"), Map.of("consumer.session.timeout.ms", "60000"),
            Map.of("consumer.session.timeout.ms", "44999"), Map.of("consumer.session.timeout.ms", "60001"),
            Map.of("consumer.session.timeout.ms", "1"), Map.of("consumer.session.timeout.ms", "0"),
            Map.of("consumer.session.timeout.ms", "abc"), Map.of("consumer.session.timeout.ms", " 50000 "),
            Map.of("consumer.heartbeat.interval.ms", "5000"), Map.of("consumer.heartbeat.interval.ms", "15001"),
            Map.of("consumer.heartbeat.interval.ms", "100"), Map.of("consumer.heartbeat.interval.ms", "20000"),
            Map.of("consumer.assignment.interval.ms", "0"), Map.of("consumer.assignment.interval.ms", "20000"),
            Map.of("share.session.timeout.ms", "1000"), Map.of("share.heartbeat.interval.ms", "6000"),
            Map.of("share.record.lock.duration.ms", "999"), Map.of("share.record.lock.duration.ms", "15000"),
            Map.of("share.record.lock.duration.ms", "60001"), Map.of("share.record.lock.duration.ms", "14999"),
            Map.of("share.delivery.count.limit", "1"), Map.of("share.delivery.count.limit", "2"),
            Map.of("share.delivery.count.limit", "11"), Map.of("share.partition.max.record.locks", "99"),
            Map.of("share.partition.max.record.locks", "4000"), Map.of("share.partition.max.record.locks", "4001"),
            Map.of("share.auto.offset.reset", "earliest"), Map.of("share.auto.offset.reset", "latest"),
            Map.of("share.auto.offset.reset", "EARLIEST"), Map.of("share.auto.offset.reset", "foo"),
            Map.of("share.auto.offset.reset", "by_duration:PT1H"), Map.of("share.auto.offset.reset", "by_duration:P1DT2H"),
            Map.of("share.auto.offset.reset", "by_duration:-PT1H"), Map.of("share.auto.offset.reset", "by_duration:xx"),
            Map.of("share.auto.offset.reset", "by_duration:"),
            Map.of("share.isolation.level", "read_committed"), Map.of("share.isolation.level", "READ_COMMITTED"),
            Map.of("share.renew.acknowledge.enable", "false"), Map.of("share.renew.acknowledge.enable", "yes"),
            Map.of("streams.session.timeout.ms", "1000"), Map.of("streams.num.standby.replicas", "2"),
            Map.of("streams.num.standby.replicas", "3"), Map.of("streams.num.warmup.replicas", "21"),
            Map.of("streams.task.offset.interval.ms", "14999"), Map.of("streams.task.offset.interval.ms", "15000"),
            Map.of("streams.initial.rebalance.delay.ms", "-1"), Map.of("streams.acceptable.recovery.lag", "-1"),
            Map.of("streams.rack.aware.assignment.tags", "a,b"), Map.of("streams.rack.aware.assignment.tags", "a,a"),
            Map.of("streams.assignor.name", "sticky"), Map.of("streams.assignor.name", "foo"),
            Map.of("errors.deadletterqueue.topic.name", "dlq"), Map.of("errors.deadletterqueue.topic.name", "__dlq"),
            Map.of("errors.deadletterqueue.copy.record.enable", "true"), Map.of("consumer.assignor.offload.enable", "false"),
            Map.of("no.such.config", "1"),
            Map.of("consumer.session.timeout.ms", "50000", "consumer.heartbeat.interval.ms", "15000"));

    @Test
    void acceptsAndRejectsWhatKafkaDoesWithDefaultBrokerBounds() {
        compareWithKafka(Map.of(), BROKER_DEFAULTS);
    }

    @Test
    void acceptsAndRejectsWhatKafkaDoesWithChangedBrokerBounds() {
        Map<String, String> broker = Map.of("group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "100", "group.consumer.max.heartbeat.interval.ms", "50000",
                "group.share.max.record.lock.duration.ms", "120000", "group.streams.max.standby.replicas", "3");
        compareWithKafka(broker, name -> broker.getOrDefault(name, GroupConfigCatalog.brokerDefault(name)));
        // the session timeout must exceed the heartbeat interval once the bounds allow otherwise
        Map<String, String> equal = Map.of("consumer.session.timeout.ms", "20000",
                "consumer.heartbeat.interval.ms", "20000");
        compareWithKafka(broker, name -> broker.getOrDefault(name, GroupConfigCatalog.brokerDefault(name)), equal);
    }

    private static void compareWithKafka(Map<String, String> brokerProps, UnaryOperator<String> brokerValue) {
        for (Map<String, String> overrides : CASES) {
            compareWithKafka(brokerProps, brokerValue, overrides);
        }
    }

    private static void compareWithKafka(Map<String, String> brokerProps, UnaryOperator<String> brokerValue,
                                         Map<String, String> overrides) {
        ConfigDef def = new ConfigDef();
        GroupCoordinatorConfig.CONFIG_DEF.configKeys().values().forEach(def::define);
        ShareGroupConfig.CONFIG_DEF.configKeys().values().forEach(def::define);
        AbstractConfig broker = new AbstractConfig(def, brokerProps);
        String kafkaError = null;
        try {
            GroupConfig.validate(overrides, new GroupCoordinatorConfig(broker), new ShareGroupConfig(broker));
        } catch (RuntimeException e) {
            kafkaError = e.getMessage();
        }
        String ourError = null;
        try {
            GroupConfigCatalog.validate(overrides, brokerValue);
        } catch (InvalidConfigurationException e) {
            ourError = e.getMessage();
        }
        assertThat(ourError == null).as("%s accepted (Kafka: %s, we: %s)", new TreeMap<>(overrides), kafkaError,
                ourError).isEqualTo(kafkaError == null);
    }

    @Test
    void messagesNameTheConfigAndTheBrokerBounds() {
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("nope", "1"), BROKER_DEFAULTS))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Unknown group config name: nope");
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("consumer.session.timeout.ms", "1"),
                BROKER_DEFAULTS))
                .hasMessage("consumer.session.timeout.ms must be in the range 45000 to 60000 inclusive.");
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("share.record.lock.duration.ms", "999"),
                BROKER_DEFAULTS))
                .hasMessageContaining("Invalid value 999 for configuration share.record.lock.duration.ms")
                .hasMessageContaining("at least 1000");
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("share.auto.offset.reset", "by_duration:-PT1H"),
                BROKER_DEFAULTS))
                .hasMessageContaining("share.auto.offset.reset")
                .hasMessageContaining("'by_duration:<PnDTnHnMn.nS>'");
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("streams.num.standby.replicas", "3"),
                BROKER_DEFAULTS)).hasMessage("streams.num.standby.replicas must be less than or equal to 2");
        assertThatThrownBy(() -> GroupConfigCatalog.validate(Map.of("consumer.heartbeat.interval.ms", "45000"),
                name -> name.equals("group.consumer.max.heartbeat.interval.ms") ? "60000"
                        : GroupConfigCatalog.brokerDefault(name)))
                .hasMessage("consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms");
        assertThatCode(() -> GroupConfigCatalog.validate(Map.of(), BROKER_DEFAULTS)).doesNotThrowAnyException();
    }
}
