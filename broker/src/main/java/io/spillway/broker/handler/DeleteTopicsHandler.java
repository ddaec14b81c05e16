package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Streams;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** DeleteTopics by name (all versions) or by topic id (v6+). */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData, DeleteTopicsResponseData> {
    private final Topics topics;
    private final BrokerSettings settings;
    private final Streams streams;

    public DeleteTopicsHandler(Topics topics, BrokerSettings settings) {
        this.streams = new Streams(topics, settings);
        this.topics = topics;
        this.settings = settings;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> handle(RequestContext context, DeleteTopicsRequestData request) {
        List<DeleteTopicsRequestData.DeleteTopicState> wanted = new ArrayList<>(request.topics());
        for (String name : request.topicNames()) {
            wanted.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        boolean enabled = settings.booleanValue("delete.topic.enable");
        for (DeleteTopicsRequestData.DeleteTopicState w : wanted) {
            DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                    .setName(w.name()).setTopicId(w.topicId());
            response.responses().add(result);
            boolean byId = !Uuid.ZERO_UUID.equals(w.topicId());
            if (byId && w.name() != null) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Name and topic id are both set; name one or the other");
                continue;
            }
            if (!byId && Streams.isStreamName(w.name())) {
                deleteStream(w.name(), enabled, result);
                continue;
            }
            TopicMetadata topic = byId ? topics.byId(w.topicId()) : topics.byName(w.name());
            if (topic == null) {
                result.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code())
                        .setErrorMessage("This server does not host this topic" + (byId ? " ID." : "-partition."));
                continue;
            }
            result.setName(topic.kafkaName()).setTopicId(topic.id());
            if (!enabled) {
                result.setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
                        .setErrorMessage("Topic deletion is disabled (delete.topic.enable=false)");
                continue;
            }
            try {
                topics.delete(topic);
            } catch (org.apache.kafka.common.errors.ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /** A stream path deletes the stream with all its topics. */
    private void deleteStream(String path, boolean enabled, DeleteTopicsResponseData.DeletableTopicResult result) {
        try {
            streams.get(path);
            if (!enabled) {
                result.setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
                        .setErrorMessage("Topic deletion is disabled (delete.topic.enable=false)");
                return;
            }
            streams.delete(path);
        } catch (org.apache.kafka.common.errors.ApiException e) {
            result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        }
    }
}
