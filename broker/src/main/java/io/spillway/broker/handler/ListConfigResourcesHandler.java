package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ListConfigResourcesRequestData;
import org.apache.kafka.common.message.ListConfigResourcesResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ListConfigResources (KIP-1142; version 0 was KIP-714's ListClientMetricsResources): the resources that have
 * configs, by type, as Kafka lists them: TOPIC (every topic, internal ones included), BROKER and BROKER_LOGGER (this
 * node), GROUP (every group) and CLIENT_METRICS (none: this broker keeps no client-metrics subscriptions). An empty
 * type list means all of them; a type outside them fails the whole request with UNSUPPORTED_VERSION, as in Kafka.
 *
 * <p>Streams: a stream is a TOPIC config resource named by its path (its settings are read and changed with
 * Describe/IncrementalAlterConfigs on it, see docs/streams.md), so TOPIC also lists every stream's path. This is how
 * clients list streams: the paths among the TOPIC resources that name no topic (they start with '/' and hold no ':').
 */
public final class ListConfigResourcesHandler
        implements ApiHandler<ListConfigResourcesRequestData, ListConfigResourcesResponseData> {
    private static final List<ConfigResource.Type> SUPPORTED = List.of(ConfigResource.Type.TOPIC,
            ConfigResource.Type.BROKER, ConfigResource.Type.BROKER_LOGGER, ConfigResource.Type.GROUP,
            ConfigResource.Type.CLIENT_METRICS);

    private final Topics topics;
    private final BrokerIdentity identity;
    private final GroupCoordinator groups;

    public ListConfigResourcesHandler(Topics topics, BrokerIdentity identity, GroupCoordinator groups) {
        this.topics = topics;
        this.identity = identity;
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ListConfigResourcesResponseData> handle(RequestContext context,
                                                                    ListConfigResourcesRequestData request) {
        ListConfigResourcesResponseData response = new ListConfigResourcesResponseData();
        if (!context.mayOnCluster(AclOperation.DESCRIBE_CONFIGS)) {
            // As Kafka: listing config resources needs DESCRIBE_CONFIGS on the cluster.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        if (context.apiVersion() == 0) {
            return CompletableFuture.completedFuture(response); // client metrics resources only: there are none
        }
        Set<ConfigResource.Type> types = new LinkedHashSet<>();
        for (byte id : request.resourceTypes()) {
            ConfigResource.Type type = ConfigResource.Type.forId(id);
            if (!SUPPORTED.contains(type)) {
                return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_VERSION.code()));
            }
            types.add(type);
        }
        if (types.isEmpty()) {
            types.addAll(SUPPORTED);
        }
        List<ListConfigResourcesResponseData.ConfigResource> out = new ArrayList<>();
        if (types.contains(ConfigResource.Type.TOPIC)) {
            for (StreamMetadata stream : topics.meta().streams()) {
                out.add(resource(stream.path(), ConfigResource.Type.TOPIC));
            }
            for (TopicMetadata topic : topics.all()) {
                out.add(resource(topic.kafkaName(), ConfigResource.Type.TOPIC));
            }
        }
        String node = Integer.toString(identity.nodeId());
        if (types.contains(ConfigResource.Type.BROKER_LOGGER)) {
            out.add(resource(node, ConfigResource.Type.BROKER_LOGGER));
        }
        if (types.contains(ConfigResource.Type.BROKER)) {
            out.add(resource(node, ConfigResource.Type.BROKER));
        }
        response.setConfigResources(out);
        if (!types.contains(ConfigResource.Type.GROUP)) {
            return CompletableFuture.completedFuture(response);
        }
        return groups.listGroups().thenApply(listings -> {
            for (GroupCoordinator.GroupListing group : listings) {
                response.configResources().add(resource(group.groupId(), ConfigResource.Type.GROUP));
            }
            return response;
        });
    }

    private static ListConfigResourcesResponseData.ConfigResource resource(String name, ConfigResource.Type type) {
        return new ListConfigResourcesResponseData.ConfigResource().setResourceName(name).setResourceType(type.id());
    }
}
