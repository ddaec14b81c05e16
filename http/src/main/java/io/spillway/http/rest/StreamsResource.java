package io.spillway.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ListConfigResourcesRequestData;
import org.apache.kafka.common.message.ListConfigResourcesResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Streams (docs/streams.md), managed through the Kafka admin API as any Kafka tool manages them: list with
 * ListConfigResources (the TOPIC resources named by a path without ':'), create with CreateTopics of the path
 * (partitions and configs become the stream's defaults), describe with DescribeConfigs and delete with DeleteTopics of
 * the path (with every topic in it). In a URL the stream path follows {@code /streams/}, with or without its leading
 * slash and percent-encoded or not: {@code /api/v1/streams/apps/fraud}, {@code /api/v1/streams/%2Fapps%2Ffraud}.
 */
final class StreamsResource {
    private final KafkaGateway kafka;

    StreamsResource(KafkaGateway kafka) {
        this.kafka = kafka;
    }

    void register(RestRoutes routes) {
        routes.add("GET", "/api/v1/streams", this::list)
                .add("POST", "/api/v1/streams", this::create)
                .add("GET", "/api/v1/streams/(.+)", this::describe)
                .add("DELETE", "/api/v1/streams/(.+)", this::delete);
    }

    record StreamList(List<String> streams) {
    }

    record StreamDescription(String path, List<TopicCalls.ConfigEntry> configs) {
    }

    /** The stream path a URL part names: the leading slash is optional there. */
    static String path(String part) {
        String path = part.startsWith("/") ? part : "/" + part;
        if (path.contains(":")) {
            throw RestException.badRequest("'" + path + "' is a topic name, not a stream path (a stream path has no "
                    + "':'); topics are under /api/v1/topics");
        }
        return path;
    }

    /** Whether a TOPIC config resource name is a stream's path. */
    static boolean isStream(String resourceName) {
        return resourceName.startsWith("/") && !resourceName.contains(":");
    }

    private CompletableFuture<Reply> list(RestCall call) {
        ListConfigResourcesRequestData request = new ListConfigResourcesRequestData()
                .setResourceTypes(List.of(ConfigResource.Type.TOPIC.id()));
        return kafka.<ListConfigResourcesResponseData>call(call.caller(), request).thenApply(response -> {
            KafkaErrors.check(response.errorCode(), null, "listing streams");
            List<String> streams = new ArrayList<>();
            response.configResources().forEach(r -> {
                if (isStream(r.resourceName())) {
                    streams.add(r.resourceName());
                }
            });
            streams.sort(null);
            return Reply.ok(new StreamList(streams));
        });
    }

    /** {@code {"path": "/apps/fraud", "partitions": 6, "configs": {...}}}. */
    private CompletableFuture<Reply> create(RestCall call) {
        ObjectNode body = call.body();
        String path = JsonBodies.text(body, "path");
        if (path == null || !path.startsWith("/")) {
            throw RestException.badRequest("Creating a stream needs its 'path', which starts with '/' (e.g. /apps/fraud)");
        }
        path(path);
        int partitions = (int) JsonBodies.integer(body, "partitions", -1, 1, Integer.MAX_VALUE);
        return TopicCalls.create(kafka, call.caller(), path, partitions, JsonBodies.strings(body, "configs"),
                "stream " + path).thenApply(created -> Reply.created(Map.of("path", created.name())));
    }

    private CompletableFuture<Reply> describe(RestCall call) {
        String path = path(call.part(0));
        return TopicCalls.describeConfigs(kafka, call.caller(), path, "stream " + path)
                .thenApply(configs -> Reply.ok(new StreamDescription(path, configs)));
    }

    private CompletableFuture<Reply> delete(RestCall call) {
        String path = path(call.part(0));
        return TopicCalls.delete(kafka, call.caller(), path, "stream " + path)
                .thenApply(ignored -> Reply.ok(Map.of("path", path, "deleted", true)));
    }
}
