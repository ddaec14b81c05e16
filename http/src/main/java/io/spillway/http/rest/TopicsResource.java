package io.spillway.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Topics: list (paged, {@link TopicPager}), create, describe with partition offsets, delete, configs (describe and
 * incremental set/delete) and rename. A topic name in a path is everything after {@code /topics/} up to a known
 * suffix, so stream topics such as {@code /apps/fraud:cards} work as they are or percent-encoded
 * ({@code %2Fapps%2Ffraud%3Acards}). Each operation is the Admin client's request; see {@link TopicCalls}.
 */
final class TopicsResource {
    /** The config Spillway renames a topic with (docs/streams.md, "Renaming and moving topics"). */
    static final String RENAME_CONFIG = "spillway.topic.rename.to";

    private final KafkaGateway kafka;
    private final TopicPager pager;

    TopicsResource(KafkaGateway kafka) {
        this.kafka = kafka;
        this.pager = new TopicPager(kafka);
    }

    void register(RestRoutes routes) {
        routes.add("GET", "/api/v1/topics", this::list)
                .add("POST", "/api/v1/topics", this::create)
                .add("GET", "/api/v1/topics/(.+)/configs", this::configs)
                .add("PATCH", "/api/v1/topics/(.+)/configs", this::alterConfigs)
                .add("POST", "/api/v1/topics/(.+)/rename", this::rename)
                .add("GET", "/api/v1/topics/(.+)", this::describe)
                .add("DELETE", "/api/v1/topics/(.+)", this::delete);
    }

    /** A partition with its offsets. */
    record PartitionOffsets(int partition, int leader, long logStartOffset, long logEndOffset, long highWatermark,
                            long lastStableOffset) {
    }

    record TopicDescription(String name, String topicId, boolean internal, List<PartitionOffsets> partitions) {
    }

    record Configs(String name, List<TopicCalls.ConfigEntry> configs) {
    }

    private CompletableFuture<Reply> list(RestCall call) {
        int limit = (int) call.queryLong("limit", TopicPager.DEFAULT_LIMIT, 1, TopicPager.MAX_LIMIT);
        return pager.page(call.caller(), call.query("search"), call.query("after"), limit).thenApply(Reply::ok);
    }

    private CompletableFuture<Reply> create(RestCall call) {
        ObjectNode body = call.body();
        String name = JsonBodies.text(body, "name");
        if (name == null) {
            throw RestException.badRequest("Creating a topic needs its 'name'");
        }
        if (name.startsWith("/") && !name.contains(":")) {
            throw RestException.badRequest("'" + name + "' is a stream path, not a topic name; create streams with "
                    + "POST /api/v1/streams");
        }
        int partitions = (int) JsonBodies.integer(body, "partitions", -1, 1, Integer.MAX_VALUE);
        return TopicCalls.create(kafka, call.caller(), name, partitions, JsonBodies.strings(body, "configs"),
                "topic " + name).thenApply(Reply::created);
    }

    private CompletableFuture<Reply> describe(RestCall call) {
        String name = call.part(0);
        return TopicDescriptions.describe(kafka, call.caller(), name).thenCompose(info -> {
            Map<String, List<Integer>> partitions = Map.of(name, new ArrayList<>(info.leaders().keySet()));
            var starts = TopicDescriptions.offsets(kafka, call.caller(), partitions, TopicDescriptions.EARLIEST,
                    TopicDescriptions.READ_UNCOMMITTED, true);
            var ends = TopicDescriptions.offsets(kafka, call.caller(), partitions, TopicDescriptions.LATEST,
                    TopicDescriptions.READ_UNCOMMITTED, true);
            var stables = TopicDescriptions.offsets(kafka, call.caller(), partitions, TopicDescriptions.LATEST,
                    TopicDescriptions.READ_COMMITTED, true);
            return CompletableFuture.allOf(starts, ends, stables).thenApply(ignored -> {
                List<PartitionOffsets> out = new ArrayList<>();
                info.leaders().forEach((p, leader) -> {
                    TopicPartition tp = new TopicPartition(name, p);
                    long end = ends.join().getOrDefault(tp, -1L);
                    out.add(new PartitionOffsets(p, leader, starts.join().getOrDefault(tp, -1L), end, end,
                            stables.join().getOrDefault(tp, -1L)));
                });
                return Reply.ok(new TopicDescription(info.name(), info.id().toString(), info.internal(), out));
            });
        });
    }

    private CompletableFuture<Reply> delete(RestCall call) {
        String name = call.part(0);
        if (name.startsWith("/") && !name.contains(":")) {
            throw RestException.badRequest("'" + name + "' is a stream path; delete streams (with all their topics) "
                    + "with DELETE /api/v1/streams/{path}");
        }
        return TopicCalls.delete(kafka, call.caller(), name, "topic " + name)
                .thenApply(ignored -> Reply.ok(Map.of("name", name, "deleted", true)));
    }

    private CompletableFuture<Reply> configs(RestCall call) {
        String name = call.part(0);
        return TopicCalls.describeConfigs(kafka, call.caller(), name, "topic " + name)
                .thenApply(configs -> Reply.ok(new Configs(name, configs)));
    }

    /** {@code {"set": {name: value}, "delete": [name], "validateOnly": false}}; answers the configs after it. */
    private CompletableFuture<Reply> alterConfigs(RestCall call) {
        String name = call.part(0);
        ObjectNode body = call.body();
        Map<String, String> set = JsonBodies.strings(body, "set");
        List<String> delete = new ArrayList<>();
        JsonNode deletes = body.get("delete");
        if (deletes != null && !deletes.isNull()) {
            if (!deletes.isArray()) {
                throw RestException.badRequest("'delete' must be an array of config names");
            }
            deletes.forEach(n -> {
                if (!n.isTextual()) {
                    throw RestException.badRequest("'delete' must be an array of config names");
                }
                delete.add(n.textValue());
            });
        }
        if (set.isEmpty() && delete.isEmpty()) {
            throw RestException.badRequest("Nothing to change: give configs to 'set' and/or names to 'delete'");
        }
        boolean validateOnly = JsonBodies.flag(body, "validateOnly");
        String renamedTo = set.get(RENAME_CONFIG);
        String after = renamedTo != null && !validateOnly ? renamedTo : name;
        return TopicCalls.alterConfigs(kafka, call.caller(), name, set, delete, validateOnly, "topic " + name)
                .thenCompose(ignored -> TopicCalls.describeConfigs(kafka, call.caller(), after, "topic " + after))
                .thenApply(configs -> Reply.ok(new Configs(after, configs)));
    }

    /** {@code {"to": "new name"}}: Spillway's rename, asked for as Kafka tools ask (a config change). */
    private CompletableFuture<Reply> rename(RestCall call) {
        String name = call.part(0);
        String to = JsonBodies.text(call.body(), "to");
        if (to == null) {
            throw RestException.badRequest("Renaming a topic needs the new name as 'to'");
        }
        return TopicCalls.alterConfigs(kafka, call.caller(), name, Map.of(RENAME_CONFIG, to), List.of(), false,
                "topic " + name).thenApply(ignored -> Reply.ok(Map.of("name", to, "renamedFrom", name)));
    }
}
