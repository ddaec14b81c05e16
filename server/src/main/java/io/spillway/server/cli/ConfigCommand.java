package io.spillway.server.cli;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code spillway config ...}: the settings of the broker, a topic or stream, or a group, with where each value
 * comes from (DescribeConfigs). Defaults are left out unless --all, so what was changed stands out.
 */
@Command(name = "config", description = "Describe the configs of the broker, a topic, a stream or a group.",
        mixinStandardHelpOptions = true)
public final class ConfigCommand {

    @Command(name = "broker", description = "The broker's settings (static ones from its flags/properties file, "
            + "dynamic ones set at runtime).", mixinStandardHelpOptions = true)
    int broker(@Mixin ClientOptions options,
               @Parameters(paramLabel = "ID", arity = "0..1", description = "Broker id (default: the broker connected to).")
               String id,
               @Option(names = "--all", description = "Also list settings left at their defaults.") boolean all) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            // The Admin client would wait for a broker id that is not in the cluster until it times out: check first.
            Collection<Node> nodes = broker.await(broker.admin().describeCluster().nodes(), "describe the cluster", null);
            String brokerId = id;
            if (brokerId == null) {
                brokerId = String.valueOf(nodes.iterator().next().id());
            } else if (nodes.stream().noneMatch(n -> String.valueOf(n.id()).equals(id.trim()))) {
                throw CliException.failed("No broker " + id + " in this cluster; its broker"
                        + (nodes.size() == 1 ? " is " : "s are ")
                        + nodes.stream().map(n -> String.valueOf(n.id())).collect(java.util.stream.Collectors.joining(", ")));
            }
            return describe(broker, new ConfigResource(ConfigResource.Type.BROKER, brokerId), "broker " + brokerId, all);
        }
    }

    @Command(name = "topic", description = "A topic's configs (inherited stream defaults show as "
            + "DYNAMIC_DEFAULT_BROKER_CONFIG).", mixinStandardHelpOptions = true)
    int topic(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name,
              @Option(names = "--all", description = "Also list configs left at their defaults.") boolean all) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            return describe(broker, new ConfigResource(ConfigResource.Type.TOPIC, name), "topic '" + name + "'", all);
        }
    }

    @Command(name = "stream", description = "A stream's settings: defaults for its topics, limits and quotas.",
            mixinStandardHelpOptions = true)
    int stream(@Mixin ClientOptions options, @Parameters(paramLabel = "PATH") String path,
               @Option(names = "--all", description = "Also list settings left at their defaults.") boolean all) {
        StreamCommand.requireStreamPath(path);
        try (BrokerConnection broker = new BrokerConnection(options)) {
            return describe(broker, new ConfigResource(ConfigResource.Type.TOPIC, path), "stream '" + path + "'", all);
        }
    }

    @Command(name = "group", description = "A group's configs (consumer.session.timeout.ms, share.*, ...).",
            mixinStandardHelpOptions = true)
    int group(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name,
              @Option(names = "--all", description = "Also list configs left at their defaults.") boolean all) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            return describe(broker, new ConfigResource(ConfigResource.Type.GROUP, name), "group '" + name + "'", all);
        }
    }

    private static int describe(BrokerConnection broker, ConfigResource resource, String subject, boolean all) {
        Map<String, ConfigEntry> entries = nonDefault(broker, resource, all);
        List<Map<String, Object>> configs = new ArrayList<>();
        Table table = new Table("NAME", "VALUE", "SOURCE");
        entries.forEach((name, e) -> {
            String value = e.isSensitive() ? "(sensitive)" : e.value();
            configs.add(Output.object("name", name, "value", value, "source", e.source().name(),
                    "readOnly", e.isReadOnly(), "sensitive", e.isSensitive()));
            table.row(name, value, e.source().name());
        });
        Map<String, Object> doc = Output.object("resource", resource.type().name().toLowerCase(java.util.Locale.ROOT),
                "name", resource.name(), "configs", configs);
        new Output(broker.options()).print(doc, out -> {
            if (entries.isEmpty()) {
                out.println(subject + ": every config is at its default (use --all to list them)");
            } else {
                table.print(out);
            }
        });
        return ExitCodes.OK;
    }

    /** The resource's config entries by name, without defaults unless {@code all}. */
    static Map<String, ConfigEntry> nonDefault(BrokerConnection broker, ConfigResource resource, boolean all) {
        String subject = resource.type().name().toLowerCase(java.util.Locale.ROOT) + " '" + resource.name() + "'";
        Map<ConfigResource, Config> result = broker.await(broker.admin()
                        .describeConfigs(List.of(resource), new DescribeConfigsOptions()).all(),
                "describe the configs of " + subject, subject);
        Map<String, ConfigEntry> entries = new TreeMap<>();
        Config config = result.get(resource);
        if (config != null) {
            for (ConfigEntry e : config.entries()) {
                if (all || e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG) {
                    entries.put(e.name(), e);
                }
            }
        }
        return entries;
    }

    /** IncrementalAlterConfigs with SET and DELETE operations; shared by topic and stream commands. */
    static int alter(ClientOptions options, ConfigResource resource, String subject, Map<String, String> set,
                     List<String> delete) {
        List<AlterConfigOp> ops = new ArrayList<>();
        Map<String, Object> changed = new LinkedHashMap<>();
        if (set != null) {
            set.forEach((k, v) -> {
                ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET));
                changed.put(k, v);
            });
        }
        if (delete != null) {
            delete.forEach(k -> {
                ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE));
                changed.put(k, null);
            });
        }
        if (ops.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "nothing to change: give --set KEY=VALUE and/or --delete KEY");
        }
        try (BrokerConnection broker = new BrokerConnection(options)) {
            broker.await(broker.admin().incrementalAlterConfigs(Map.of(resource, ops)).all(),
                    "change the configs of " + subject, subject);
            new Output(options).done("updated " + ops.size() + " config(s) of " + subject,
                    Output.object("name", resource.name(), "changed", changed));
        }
        return ExitCodes.OK;
    }
}
