package io.spillway.http.rest;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/status}: the cluster id and node from DescribeCluster, the group count from ListGroups (so both
 * are what the caller may see), and the topic and partition counts, listeners and version from {@link BrokerFacts}.
 */
final class StatusResource {
    private final KafkaGateway kafka;
    private final BrokerFacts facts;

    StatusResource(KafkaGateway kafka, BrokerFacts facts) {
        this.kafka = kafka;
        this.facts = facts;
    }

    void register(RestRoutes routes) {
        routes.add("GET", "/api/v1/status", this::status);
    }

    /** The body of GET /status. */
    record Status(String clusterId, int nodeId, List<Node> brokers, List<String> listeners, int topics,
                  long partitions, int groups, String version) {
    }

    record Node(int nodeId, String host, int port) {
    }

    private CompletableFuture<Reply> status(RestCall call) {
        CompletableFuture<DescribeClusterResponseData> cluster = kafka.call(call.caller(),
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(false));
        CompletableFuture<ListGroupsResponseData> groups = kafka.call(call.caller(), new ListGroupsRequestData());
        return cluster.thenCombine(groups, (c, g) -> {
            KafkaErrors.check(c.errorCode(), c.errorMessage(), "DescribeCluster");
            KafkaErrors.check(g.errorCode(), null, "ListGroups");
            List<Node> brokers = new ArrayList<>();
            c.brokers().forEach(b -> brokers.add(new Node(b.brokerId(), b.host(), b.port())));
            int nodeId = brokers.isEmpty() ? -1 : brokers.get(0).nodeId();
            return Reply.ok(new Status(c.clusterId(), nodeId, brokers, facts.listeners(), facts.topicCount(),
                    facts.partitionCount(), g.groups().size(), facts.version()));
        });
    }
}
