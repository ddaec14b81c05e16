package io.spillway.server.cli;

import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spillway status}: is the broker up, and what does it hold. Cluster id, brokers with their listeners,
 * and counts of topics, partitions, streams and groups, so an operator sees at a glance it is the broker they meant.
 */
@Command(name = "status", description = "Cluster id, brokers and listeners, topic/partition/group counts.",
        mixinStandardHelpOptions = true)
public final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        try (BrokerConnection broker = new BrokerConnection(options)) {
            String clusterId = broker.checkReachable();
            DescribeClusterResult cluster = broker.admin().describeCluster();
            Collection<Node> nodes = broker.await(cluster.nodes(), "describe the cluster", null);
            Node controller = broker.await(cluster.controller(), "describe the cluster", null);
            Set<String> topicNames = broker.await(broker.admin().listTopics(new ListTopicsOptions().listInternal(true))
                    .names(), "list topics", null);
            Map<String, TopicDescription> topics = broker.await(broker.admin().describeTopics(topicNames)
                    .allTopicNames(), "describe topics", null);
            long partitions = 0;
            long internal = 0;
            java.util.Set<String> streams = new java.util.TreeSet<>();
            for (TopicDescription d : topics.values()) {
                partitions += d.partitions().size();
                internal += d.isInternal() ? 1 : 0;
                int colon = d.name().indexOf(':');
                if (d.name().startsWith("/") && colon > 0) {
                    streams.add(d.name().substring(0, colon));
                }
            }
            int groups = broker.await(broker.admin().listGroups(new ListGroupsOptions()).all(), "list groups", null).size();
            List<Map<String, Object>> brokers = new ArrayList<>();
            for (Node n : nodes) {
                brokers.add(Output.object("id", n.id(), "host", n.host(), "port", n.port(), "rack", n.rack(),
                        "controller", controller != null && controller.id() == n.id()));
            }
            long partitionCount = partitions;
            long internalCount = internal;
            Map<String, Object> doc = Output.object("clusterId", clusterId, "bootstrap", options.bootstrap(),
                    "brokers", brokers, "topics", topics.size() - internalCount, "internalTopics", internalCount,
                    "partitions", partitionCount, "streamsWithTopics", streams.size(), "groups", groups);
            new Output(options).print(doc, out -> {
                out.println("Cluster id:  " + clusterId);
                for (Node n : nodes) {
                    out.println("Broker:      " + n.id() + " at " + n.host() + ":" + n.port()
                            + (controller != null && controller.id() == n.id() ? " (controller)" : ""));
                }
                out.println("Connected:   " + options.bootstrap());
                out.println("Topics:      " + (topics.size() - internalCount) + " (+" + internalCount + " internal)");
                out.println("Partitions:  " + partitionCount);
                out.println("Streams:     " + streams.size() + " with topics");
                out.println("Groups:      " + groups);
            });
        }
        return ExitCodes.OK;
    }
}
