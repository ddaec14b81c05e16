package io.spillway.server;

import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.BrokerConfigKey;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.GroupConfigCatalog;
import io.spillway.meta.config.KafkaSettingsWithoutEffect;
import io.spillway.meta.config.TopicConfigCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Writes docs/configuration.md from the config catalogs, so the reference lists exactly the settings the broker
 * checks at start and reports in DescribeConfigs. ConfigReferenceTest fails when the page and the catalogs differ
 * (and rewrites the page with {@code -Dspillway.docs.update=true}); {@code spillway serve --help} shows the
 * {@link #ownSettings() Spillway settings} part.
 */
public final class ConfigReference {
    /** Where the page lives, relative to the repository root. */
    public static final String PAGE = "docs/configuration.md";

    private ConfigReference() {
    }

    /** The whole page, in Markdown. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("<!-- Generated from the config catalogs by ConfigReference; do not edit by hand. After changing a "
                        + "catalog run\n     mvn -B -pl server test -Dtest=ConfigReferenceTest -Dspillway.docs.update=true -->\n\n")
                .append("Every setting can come from a flag, an environment variable or a properties file (see the README): "
                        + "`--data-dir`, `--host` and `--port` (environment `SPILLWAY_DATA_DIR`, `SPILLWAY_HOST`, "
                        + "`SPILLWAY_PORT`), `--config <file>` (`SPILLWAY_CONFIG`), and any setting below as "
                        + "`--set name=value` or a `name=value` line of the file. A flag wins over the environment, the "
                        + "environment over the file, the file over the default.\n\n")
                .append("All settings are checked when the broker starts. A value of the wrong type or out of range stops "
                        + "the start with one line naming the setting, the value and what is allowed; booleans are `true` "
                        + "or `false` (any case) and nothing else. An unknown `spillway.*` name stops the start too (it "
                        + "can only be a typo); another unknown name is logged as a warning with the nearest known name, "
                        + "as Kafka warns about names it does not know. Kafka settings that mean nothing to a single node "
                        + "are accepted and listed once at start ([below](#kafka-settings-without-effect)).\n\n")
                .append("*Dynamic* settings are those Kafka lets `kafka-configs.sh --entity-type brokers --alter` (or "
                        + "Admin#incrementalAlterConfigs) change while the broker runs; the others are refused there. "
                        + "Spillway stores such a change durably; topic defaults (`log.*`, `compression.*`, "
                        + "`message.max.bytes`, ...) apply at once, thread counts at the next start. Listeners are bound "
                        + "once from the server settings, so a dynamic change of them is refused, as is one of the "
                        + "group coordinators' assignment settings, which Kafka can change at runtime. "
                        + "`kafka-configs.sh --describe --entity-type brokers --entity-name 0 --all` shows the values in "
                        + "force (bound ports, data directory, node id).\n\n");
        out.append("## Spillway settings\n\n");
        brokerTable(out, k -> BrokerConfigCatalog.isSpillwaySetting(k.name()));
        out.append("\n## Broker settings (Kafka names)\n\n")
                .append("Kafka's broker settings that Spillway reads, with Kafka's defaults except where a single node "
                        + "differs. TLS and SASL settings of one listener go under `listener.name.<listener>.` as in Kafka.\n\n");
        brokerTable(out, k -> !BrokerConfigCatalog.isSpillwaySetting(k.name()) && !isSecurity(k.name()));
        out.append("\n## TLS and SASL settings\n\n")
                .append("Names, types and defaults are Kafka's; see [security.md](security.md) for how to use them.\n\n");
        brokerTable(out, k -> isSecurity(k.name()));
        out.append("\n## Topic configs\n\n")
                .append("Set per topic at creation or with the config admin APIs (`kafka-configs.sh --entity-type "
                        + "topics`); a topic without its own value takes the broker setting in the last column.\n\n")
                .append("| name | type | default | allowed | broker default | description |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ConfigKey key : TopicConfigCatalog.all()) {
            out.append(row(key.name(), key.type().name().toLowerCase(), key.defaultValue(), key.rule().toString(),
                    key.brokerSynonym() == null ? "" : "`" + key.brokerSynonym() + "`", key.documentation()));
        }
        out.append("\n## Group configs\n\n")
                .append("Set per group with the config admin APIs (resource type GROUP, `kafka-configs.sh --entity-type "
                        + "groups`), within the bounds of the broker's `group.*` settings.\n\n")
                .append("| name | type | default | allowed | broker default | description |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ConfigKey key : GroupConfigCatalog.all()) {
            if (!GroupConfigCatalog.isInternal(key.name())) {
                out.append(row(key.name(), key.type().name().toLowerCase(), key.defaultValue(), key.rule().toString(),
                        key.brokerSynonym() == null ? "" : "`" + key.brokerSynonym() + "`", key.documentation()));
            }
        }
        out.append("\n## Kafka settings without effect\n\n")
                .append("A `server.properties` brought from Kafka may hold these; Spillway accepts them, lists them once "
                        + "at start, and does nothing with them. Every other Apache Kafka 4.4 broker setting that is not "
                        + "in the tables above is accepted the same way, listed as \"a Kafka setting Spillway does not "
                        + "use\"; only names that are not Kafka's are reported as unknown.\n\n")
                .append("| name | why it has no effect |\n|---|---|\n");
        Map<String, String> without = new TreeMap<>(KafkaSettingsWithoutEffect.names());
        KafkaSettingsWithoutEffect.prefixes().forEach((prefix, why) -> without.put(prefix + "*", why));
        without.forEach((name, why) -> out.append("| `").append(name).append("` | ").append(why).append(" |\n"));
        return out.toString();
    }

    /** Spillway's own settings as {@code serve --help} lists them: a line of name and default, a line of what it does. */
    public static List<String> ownSettings() {
        List<String> lines = new ArrayList<>();
        for (BrokerConfigKey key : BrokerConfigCatalog.all()) {
            if (BrokerConfigCatalog.isSpillwaySetting(key.name())) {
                ConfigKey k = key.key();
                lines.add(k.name() + (k.defaultValue() == null ? "" : " (default " + k.defaultValue() + ")"));
                lines.add("    " + k.documentation());
            }
        }
        return lines;
    }

    private static void brokerTable(StringBuilder out, Predicate<BrokerConfigKey> which) {
        out.append("| name | type | default | allowed | dynamic | description |\n|---|---|---|---|---|---|\n");
        for (BrokerConfigKey key : BrokerConfigCatalog.all()) {
            if (which.test(key)) {
                ConfigKey k = key.key();
                out.append(row(k.name(), k.type().name().toLowerCase(), k.sensitive() ? null : k.defaultValue(),
                        k.rule().toString(), key.readOnly() ? "no" : "yes", k.documentation()));
            }
        }
    }

    private static String row(String name, String type, String defaultValue, String allowed, String column,
                              String description) {
        return "| `" + name + "` | " + type + " | " + code(defaultValue) + " | " + ("any value".equals(allowed) ? ""
                : cell(allowed)) + " | " + column + " | " + cell(description) + " |\n";
    }

    private static String code(String value) {
        if (value == null) {
            return "";
        }
        return value.isEmpty() ? "(empty)" : "`" + value.replace("|", "\\|") + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static boolean isSecurity(String name) {
        return name.startsWith("ssl.") || name.startsWith("sasl.");
    }
}
