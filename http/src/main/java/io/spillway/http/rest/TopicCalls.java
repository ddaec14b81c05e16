package io.spillway.http.rest;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The topic admin requests the topics and streams resources share, built as the Java Admin client builds them
 * (createTopics, deleteTopics, describeConfigs, incrementalAlterConfigs). A stream is a topic-type resource named by
 * its path (docs/streams.md), so the same calls create, delete and configure streams. Stateless.
 */
final class TopicCalls {
    /** What the Admin client waits for a topic creation or deletion by default. */
    static final int TIMEOUT_MS = 30_000;

    private TopicCalls() {
    }

    /** One config as DescribeConfigs tells it; a sensitive value is null. */
    record ConfigEntry(String name, String value, String source, boolean readOnly, boolean sensitive) {
    }

    /** The created topic or stream: its partitions and replication factor as the broker chose them. */
    record Created(String name, String topicId, int partitions, int replicationFactor) {
    }

    static CompletableFuture<Created> create(KafkaGateway kafka, Caller caller, String name, int partitions,
                                             Map<String, String> configs, String what) {
        CreateTopicsRequestData.CreatableTopicConfigCollection entries =
                new CreateTopicsRequestData.CreatableTopicConfigCollection();
        configs.forEach((k, v) -> entries.add(new CreateTopicsRequestData.CreatableTopicConfig().setName(k).setValue(v)));
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) -1).setConfigs(entries));
        return kafka.<CreateTopicsResponseData>call(caller, new CreateTopicsRequestData().setTopics(topics)
                .setTimeoutMs(TIMEOUT_MS)).thenApply(response -> {
                    CreateTopicsResponseData.CreatableTopicResult result = response.topics().find(name);
                    if (result == null) {
                        throw new IllegalStateException("CreateTopics answered without " + what);
                    }
                    KafkaErrors.check(result.errorCode(), result.errorMessage(), what);
                    return new Created(name, result.topicId() == null || Uuid.ZERO_UUID.equals(result.topicId()) ? null
                            : result.topicId().toString(), result.numPartitions(), result.replicationFactor());
                });
    }

    static CompletableFuture<Void> delete(KafkaGateway kafka, Caller caller, String name, String what) {
        DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(TIMEOUT_MS)
                .setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName(name)
                        .setTopicId(Uuid.ZERO_UUID)));
        return kafka.<DeleteTopicsResponseData>call(caller, request).thenAccept(response -> {
            for (DeleteTopicsResponseData.DeletableTopicResult result : response.responses()) {
                KafkaErrors.check(result.errorCode(), result.errorMessage(), what);
            }
        });
    }

    static CompletableFuture<List<ConfigEntry>> describeConfigs(KafkaGateway kafka, Caller caller, String name,
                                                                String what) {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(name)
                        .setConfigurationKeys(null)));
        return kafka.<DescribeConfigsResponseData>call(caller, request).thenApply(response -> {
            List<ConfigEntry> out = new ArrayList<>();
            for (DescribeConfigsResponseData.DescribeConfigsResult result : response.results()) {
                KafkaErrors.check(result.errorCode(), result.errorMessage(), what);
                for (DescribeConfigsResponseData.DescribeConfigsResourceResult c : result.configs()) {
                    out.add(new ConfigEntry(c.name(), c.isSensitive() ? null : c.value(),
                            DescribeConfigsResponse.ConfigSource.forId(c.configSource()).name(), c.readOnly(),
                            c.isSensitive()));
                }
            }
            return out;
        });
    }

    /** Sets and deletes configs of a topic or stream (IncrementalAlterConfigs SET and DELETE). */
    static CompletableFuture<Void> alterConfigs(KafkaGateway kafka, Caller caller, String name, Map<String, String> set,
                                                List<String> delete, boolean validateOnly, String what) {
        IncrementalAlterConfigsRequestData.AlterableConfigCollection configs =
                new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
        set.forEach((k, v) -> configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName(k)
                .setConfigOperation((byte) 0).setValue(v)));
        delete.forEach(k -> configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName(k)
                .setConfigOperation((byte) 1).setValue(null)));
        IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection resources =
                new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
        resources.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(name).setConfigs(configs));
        return kafka.<IncrementalAlterConfigsResponseData>call(caller, new IncrementalAlterConfigsRequestData()
                .setResources(resources).setValidateOnly(validateOnly)).thenAccept(response -> {
                    for (IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r : response.responses()) {
                        KafkaErrors.check(r.errorCode(), r.errorMessage(), what);
                    }
                });
    }
}
