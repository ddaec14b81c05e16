package io.spillway.broker.share;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.broker.share.ShareAcknowledger.PartitionAcks;
import io.spillway.common.Time;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareRequestMetadata;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * ShareAcknowledge (KIP-932): acknowledgements sent without a fetch (commitSync/commitAsync of a share consumer,
 * and its close, which carries epoch -1 and gives back everything the member still holds). Answered once the
 * new state is stored.
 */
public final class ShareAcknowledgeHandler
        implements ApiHandler<ShareAcknowledgeRequestData, ShareAcknowledgeResponseData> {
    private final Topics topics;
    private final SharePartitions partitions;
    private final ShareSessions sessions;
    private final ShareAcknowledger acknowledger;
    private final Time time;

    public ShareAcknowledgeHandler(Topics topics, ShareService service, Time time) {
        this.topics = topics;
        this.partitions = service.partitions();
        this.sessions = service.sessions();
        this.acknowledger = new ShareAcknowledger(partitions);
        this.time = time;
    }

    @Override
    public CompletableFuture<ShareAcknowledgeResponseData> handle(RequestContext context,
                                                                  ShareAcknowledgeRequestData request) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return failed(Errors.INVALID_GROUP_ID, "ShareAcknowledge needs a group id");
        }
        if (memberId == null || memberId.isEmpty()) {
            return failed(Errors.INVALID_REQUEST, "ShareAcknowledge needs the member id the share consumer joined with");
        }
        if (!context.may(AclOperation.READ, ResourceType.GROUP, groupId)) {
            return failed(Errors.GROUP_AUTHORIZATION_FAILED, null);
        }
        int epoch = request.shareSessionEpoch();
        ShareSessions.Key key = new ShareSessions.Key(groupId, memberId);
        ShareSessions.Step step = sessions.forAcknowledge(key, epoch, time.nowMs());
        if (!step.ok()) {
            return failed(step.error(), step.message());
        }
        ShareSessions.Session session = step.session();
        boolean renew = context.apiVersion() >= 2 && request.isRenewAck();
        List<PartitionAcks> acks = new ArrayList<>();
        for (ShareAcknowledgeRequestData.AcknowledgeTopic topic : request.topics()) {
            for (ShareAcknowledgeRequestData.AcknowledgePartition p : topic.partitions()) {
                acks.add(new PartitionAcks(ShareTarget.resolve(context, topics, topic.topicId(), p.partitionIndex()),
                        AckBatches.ofAcknowledge(p.acknowledgementBatches())));
            }
        }
        ShareGroupSettings settings = partitions.settings(groupId);
        CompletableFuture<Map<ShareSessions.Partition, Errors>> acked = acknowledger.apply(groupId, memberId, acks,
                renew);
        if (epoch == ShareRequestMetadata.FINAL_EPOCH) {
            acked = acked.thenCompose(errors -> {
                sessions.remove(key);
                return partitions.releaseHeld(groupId, memberId, List.copyOf(session.partitions))
                        .thenApply(v -> errors);
            });
        }
        return acked.thenApply(errors -> {
            ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData()
                    .setAcquisitionLockTimeoutMs(settings.lockDurationMs());
            Map<Uuid, ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse> byTopic = new LinkedHashMap<>();
            errors.forEach((p, error) -> {
                ShareAcknowledgeResponseData.PartitionData data = new ShareAcknowledgeResponseData.PartitionData()
                        .setPartitionIndex(p.partition()).setErrorCode(error.code());
                data.currentLeader().setLeaderId(-1).setLeaderEpoch(-1);
                byTopic.computeIfAbsent(p.topicId(), id -> {
                    ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse t =
                            new ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse().setTopicId(id);
                    response.responses().add(t);
                    return t;
                }).partitions().add(data);
            });
            return response;
        });
    }

    private static CompletableFuture<ShareAcknowledgeResponseData> failed(Errors error, String message) {
        return CompletableFuture.completedFuture(new ShareAcknowledgeResponseData().setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message()));
    }
}
