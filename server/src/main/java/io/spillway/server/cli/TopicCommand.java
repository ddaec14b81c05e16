package io.spillway.server.cli;

import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** {@code spillway topic ...}: list, describe, create, delete topics and change their configs, over the Admin API. */
@Command(name = "topic", description = "List, describe, create, delete topics and change their configs.",
        mixinStandardHelpOptions = true, subcommandsRepeatable = false)
public final class TopicCommand {

    @Command(name = "list", description = "Topic names, sorted (stream topics as /stream:topic).",
            mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions options,
             @Option(names = "--internal", description = "Also list internal topics (__consumer_offsets, ...).")
             boolean internal,
             @Option(names = "--stream", paramLabel = "PATH", description = "Only the topics of this stream.")
             String stream) {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            Map<String, org.apache.kafka.clients.admin.TopicListing> listings = broker.await(broker.admin()
                    .listTopics(new ListTopicsOptions().listInternal(internal)).namesToListings(), "list topics", null);
            List<Map<String, Object>> topics = new ArrayList<>();
            Table table = new Table("TOPIC", "INTERNAL");
            for (String name : new TreeSet<>(listings.keySet())) {
                if (stream != null && !name.startsWith(stream + ":")) {
                    continue;
                }
                boolean isInternal = listings.get(name).isInternal();
                topics.add(Output.object("name", name, "internal", isInternal));
                table.row(name, isInternal ? "yes" : "no");
            }
            new Output(options).print(Output.object("topics", topics), table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "describe", description = "Partitions with leader and offsets, and the configs that are not defaults.",
            mixinStandardHelpOptions = true)
    int describe(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name) {
        if (Topics.isStreamPath(name)) {
            throw new CliException(ExitCodes.USAGE, "'" + name + "' is a stream: see 'spillway config stream " + name
                    + "' and 'spillway topic list --stream " + name + "'");
        }
        try (BrokerConnection broker = new BrokerConnection(options)) {
            TopicDescription description = Topics.describe(broker, name);
            List<TopicPartition> partitions = Topics.partitions(description);
            Map<TopicPartition, Long> earliest = Topics.offsets(broker, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = Topics.offsets(broker, partitions, OffsetSpec.latest());
            Map<String, String> configs = ConfigCommand.nonDefault(broker,
                    new ConfigResource(ConfigResource.Type.TOPIC, name), false).entrySet().stream()
                    .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue().value()), Map::putAll);

            List<Map<String, Object>> parts = new ArrayList<>();
            Table table = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "START-OFFSET", "END-OFFSET", "RECORDS");
            for (TopicPartitionInfo p : description.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                Long start = earliest.get(tp);
                Long end = latest.get(tp);
                Long records = start != null && end != null ? end - start : null;
                parts.add(Output.object("partition", p.partition(), "leader", p.leader() == null ? null : p.leader().id(),
                        "replicas", p.replicas().stream().map(Node::id).toList(),
                        "isr", p.isr().stream().map(Node::id).toList(),
                        "startOffset", start, "endOffset", end));
                table.row(p.partition(), p.leader() == null ? null : p.leader().id(), ids(p.replicas()), ids(p.isr()),
                        start, end, records);
            }
            Map<String, Object> doc = Output.object("name", name, "topicId", String.valueOf(description.topicId()),
                    "internal", description.isInternal(), "partitions", parts, "configs", configs);
            new Output(options).print(doc, out -> {
                out.println("Topic: " + name + "  id: " + description.topicId() + "  partitions: "
                        + parts.size() + (description.isInternal() ? "  (internal)" : ""));
                if (configs.isEmpty()) {
                    out.println("Configs: (all defaults)");
                } else {
                    out.println("Configs: " + String.join(", ", configs.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).toList()));
                }
                table.print(out);
            });
        }
        return ExitCodes.OK;
    }

    private static String ids(List<Node> nodes) {
        return String.join(",", nodes.stream().map(n -> String.valueOf(n.id())).toList());
    }

    @Command(name = "create", description = "Creates a topic (in a stream when named /stream:topic).",
            mixinStandardHelpOptions = true)
    int create(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name,
               @Option(names = {"-p", "--partitions"}, paramLabel = "N",
                       description = "Partitions (default: the stream's or the broker's num.partitions).")
               Integer partitions,
               @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "A topic config; repeatable.")
               Map<String, String> configs) {
        if (Topics.isStreamPath(name)) {
            throw new CliException(ExitCodes.USAGE, "'" + name + "' is a stream path; name a topic as "
                    + name + ":TOPIC, or create the stream with 'spillway stream create'");
        }
        try (BrokerConnection broker = new BrokerConnection(options)) {
            NewTopic topic = new NewTopic(name, Optional.ofNullable(partitions), Optional.empty());
            if (configs != null) {
                topic.configs(configs);
            }
            broker.await(broker.admin().createTopics(List.of(topic)).all(), "create topic '" + name + "'",
                    "topic '" + name + "'");
            new Output(options).done("created topic '" + name + "'", Output.object("topic", name));
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Deletes a topic with its records and committed offsets.",
            mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name) {
        if (Topics.isStreamPath(name)) {
            throw new CliException(ExitCodes.USAGE, "'" + name + "' is a stream path; deleting a stream deletes all "
                    + "its topics: use 'spillway stream delete " + name + "' if that is what you want");
        }
        try (BrokerConnection broker = new BrokerConnection(options)) {
            broker.await(broker.admin().deleteTopics(List.of(name)).all(), "delete topic '" + name + "'",
                    "topic '" + name + "'");
            new Output(options).done("deleted topic '" + name + "'", Output.object("topic", name));
        }
        return ExitCodes.OK;
    }

    @Command(name = "alter-config", description = "Sets or removes topic configs (removed ones fall back to the "
            + "stream's or broker's default).", mixinStandardHelpOptions = true)
    int alterConfig(@Mixin ClientOptions options, @Parameters(paramLabel = "NAME") String name,
                    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config to set; repeatable.")
                    Map<String, String> set,
                    @Option(names = "--delete", paramLabel = "KEY", description = "Config to remove; repeatable.")
                    List<String> delete) {
        return ConfigCommand.alter(options, new ConfigResource(ConfigResource.Type.TOPIC, name), "topic '" + name + "'",
                set, delete);
    }
}
