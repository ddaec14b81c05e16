package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.quota.Quotas;
import io.spillway.broker.Streams;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** DeleteTopics by name (all versions) or by topic id (v6+). */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData, DeleteTopicsResponseData> {
    private static final Logger log = LoggerFactory.getLogger(DeleteTopicsHandler.class);
    private final Topics topics;
    private final BrokerSettings settings;
    private final Streams streams;
    private final GroupCoordinator groups;
    private final ShareStateStore shareStates;
    private final Quotas quotas;

    public DeleteTopicsHandler(Topics topics, BrokerSettings settings, Streams streams, GroupCoordinator groups,
                               ShareStateStore shareStates, Quotas quotas) {
        this.quotas = quotas;
        this.shareStates = shareStates;
        this.streams = streams;
        this.groups = groups;
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
        Set<String> deleted = new HashSet<>();
        Set<Uuid> deletedIds = new HashSet<>();
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
            TopicMetadata named = byId ? topics.byId(w.topicId()) : null;
            String checked = byId ? (named == null ? null : named.kafkaName()) : w.name();
            if (checked != null && !context.may(AclOperation.DELETE, ResourceType.TOPIC, checked)) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(context.principal() + " may not DELETE topic " + checked);
                continue;
            }
            if (!byId && Streams.isStreamName(w.name())) {
                if (deleteStream(context, w.name(), enabled, result, deleted, deletedIds)) {
                    // Its offsets and share-state topics went with its other topics: the coordinators drop what
                    // they held from there (queued before the forgetting below, which then finds nothing of the
                    // stream left).
                    groups.forgetStream(w.name());
                    shareStates.forgetStream(w.name());
                }
                continue;
            }
            TopicMetadata topic = byId ? topics.byId(w.topicId()) : topics.byName(w.name());
            if (topic == null) {
                result.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code())
                        .setErrorMessage("This server does not host this topic" + (byId ? " ID." : "-partition."));
                continue;
            }
            result.setName(topic.kafkaName()).setTopicId(topic.id());
            if (TopicNames.isStreamOffsetsTopic(topic.kafkaName())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Topic '" + topic.kafkaName()
                        + "' keeps the committed offsets of its stream's topics and goes only with the stream; to "
                        + "drop offsets, delete the groups (DeleteGroups) or their offsets (OffsetDelete)");
                continue;
            }
            if (TopicNames.isStreamShareStateTopic(topic.kafkaName())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Topic '" + topic.kafkaName()
                        + "' keeps the share-group state of its stream's topics and goes only with the stream; to "
                        + "drop that state, delete the share groups or their offsets");
                continue;
            }
            if (TopicNames.isInternal(topic.kafkaName())) {
                // The coordinators keep their state in it: without it every group or transaction would hang
                // until a restart. Kafka itself lets this through; Spillway refuses and says who tried.
                log.warn("Refused to delete internal topic '{}' asked by {}: it holds the group, transaction or share "
                        + "coordinator's state", topic.kafkaName(), context.describeClient());
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Topic '" + topic.kafkaName()
                        + "' is internal: the broker keeps its coordinators' state in it and it cannot be deleted");
                continue;
            }
            if (!enabled) {
                result.setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
                        .setErrorMessage("Topic deletion is disabled (delete.topic.enable=false)");
                continue;
            }
            if (quotas.mutationRefused(context)) {
                result.setErrorCode(Errors.THROTTLING_QUOTA_EXCEEDED.code())
                        .setErrorMessage(Quotas.mutationRefusal(context, topic.kafkaName()));
                continue;
            }
            try {
                quotas.recordMutations(context, topic.partitionCount());
                topics.delete(topic);
                deleted.add(topic.kafkaName());
                deletedIds.add(topic.id());
            } catch (org.apache.kafka.common.errors.ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            log.info("Deleted topics {} for {}", TopicNamesInLog.list(deleted), context.describeClient());
        }
        // As Kafka: the groups' committed offsets and the share groups' state of a deleted topic go with it.
        CompletableFuture<Void> offsetsForgotten = groups.forgetTopics(deleted).handle((forgotten, error) -> {
            if (error != null) {
                log.warn("Topics {} were deleted, but the committed offsets of groups for them could not be removed ({}); "
                        + "they stay until they expire", deleted, error.getMessage());
            } else if (forgotten > 0) {
                log.info("Removed {} committed offsets of deleted topics {}", forgotten, deleted);
            }
            return null;
        });
        CompletableFuture<Void> shareStateForgotten = shareStates.forgetTopics(deletedIds).handle((ok, error) -> {
            if (error != null) {
                // Keyed by topic id, it can never apply to another topic; it stays until its groups are deleted.
                log.warn("Topics {} were deleted, but the share groups' state of them could not be removed ({})",
                        deleted, error.getMessage());
            }
            return null;
        });
        return CompletableFuture.allOf(offsetsForgotten, shareStateForgotten).thenApply(done -> response);
    }

    /** A stream path deletes the stream with all its topics; returns whether it did. */
    private boolean deleteStream(RequestContext context, String path, boolean enabled, DeleteTopicsResponseData.DeletableTopicResult result,
                                 Set<String> deleted, Set<Uuid> deletedIds) {
        try {
            streams.get(path);
            if (!enabled) {
                result.setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
                        .setErrorMessage("Topic deletion is disabled (delete.topic.enable=false)");
                return false;
            }
            List<Uuid> ids = topics.all().stream().filter(t -> t.name().stream().equals(path))
                    .map(TopicMetadata::id).toList();
            deleted.addAll(streams.delete(path, context));
            deletedIds.addAll(ids);
            return true;
        } catch (org.apache.kafka.common.errors.ApiException e) {
            result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            return false;
        }
    }
}
