package io.spillway.server.cli;

import org.apache.kafka.clients.admin.ListConfigResourcesOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code spillway stream ...}: streams (topic namespaces such as {@code /apps/fraud}) through the Kafka Admin API
 * as docs/streams.md maps them: a stream is a TOPIC config resource named by its path; CreateTopics/DeleteTopics
 * of the path create/delete it; ListConfigResources lists it.
 */
@Command(name = "stream", description = "List, create, delete streams (topic namespaces like /apps/fraud) and set "
        + "their defaults.", mixinStandardHelpOptions = true)
public final class StreamCommand {

    /** Refuses (exit 2) anything that is not a stream path: starts with '/', no ':'. */
    static void requireStreamPath(String path) {
        if (!Topics.isStreamPath(path)) {
            throw new CliException(ExitCodes.USAGE, "'" + path + "' is not a stream path: a stream is named like "
                    + "/apps/fraud (starts with '/', no ':'); its topics are /apps/fraud:TOPIC");
        }
    }

    @Command(name = "list", description = "Every stream with its number of topics.", mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions options) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            Collection<ConfigResource> resources = broker.await(broker.admin().listConfigResources(
                    Set.of(ConfigResource.Type.TOPIC), new ListConfigResourcesOptions()).all(), "list streams", null);
            Map<String, Integer> streams = new TreeMap<>();
            for (ConfigResource r : resources) {
                if (Topics.isStreamPath(r.name())) {
                    streams.putIfAbsent(r.name(), 0);
                }
            }
            for (ConfigResource r : resources) {
                int colon = r.name().indexOf(':');
                if (r.name().startsWith("/") && colon > 0 && !r.name().substring(colon + 1).startsWith("__")) {
                    streams.merge(r.name().substring(0, colon), 1, Integer::sum);
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            Table table = new Table("STREAM", "TOPICS");
            streams.forEach((name, topics) -> {
                rows.add(Output.object("name", name, "topics", topics));
                table.row(name, topics);
            });
            new Output(options).print(Output.object("streams", rows), table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "create", description = "Creates a stream; partitions and configs become defaults of its topics.",
            mixinStandardHelpOptions = true)
    int create(@Mixin ClientOptions options, @Parameters(paramLabel = "PATH") String path,
               @Option(names = {"-p", "--partitions"}, paramLabel = "N",
                       description = "Default partitions of the stream's new topics.") Integer partitions,
               @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
                       description = "A default topic config, or a stream setting (spillway.stream.*); repeatable.")
               Map<String, String> configs) {
        requireStreamPath(path);
        try (BrokerConnection broker = new BrokerConnection(options)) {
            NewTopic stream = new NewTopic(path, Optional.ofNullable(partitions), Optional.empty());
            if (configs != null) {
                stream.configs(configs);
            }
            broker.await(broker.admin().createTopics(List.of(stream)).all(), "create stream '" + path + "'",
                    "stream '" + path + "'");
            new Output(options).done("created stream '" + path + "'", Output.object("stream", path));
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Deletes a stream WITH ALL ITS TOPICS, their records and offsets.",
            mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "PATH") String path) {
        requireStreamPath(path);
        try (BrokerConnection broker = new BrokerConnection(options)) {
            broker.await(broker.admin().deleteTopics(List.of(path)).all(), "delete stream '" + path + "'",
                    "stream '" + path + "'");
            new Output(options).done("deleted stream '" + path + "' and its topics", Output.object("stream", path));
        }
        return ExitCodes.OK;
    }

    @Command(name = "alter-config", description = "Sets or removes stream settings and topic defaults.",
            mixinStandardHelpOptions = true)
    int alterConfig(@Mixin ClientOptions options, @Parameters(paramLabel = "PATH") String path,
                    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Setting to set; repeatable.")
                    Map<String, String> set,
                    @Option(names = "--delete", paramLabel = "KEY", description = "Setting to remove; repeatable.")
                    List<String> delete) {
        requireStreamPath(path);
        return ConfigCommand.alter(options, new ConfigResource(ConfigResource.Type.TOPIC, path),
                "stream '" + path + "'", set, delete);
    }
}
