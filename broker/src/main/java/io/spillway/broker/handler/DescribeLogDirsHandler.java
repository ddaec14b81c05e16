package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Topics;
import io.spillway.log.PartitionLog;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;

import java.io.File;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogDirs: the one data directory and the size of each partition in it (the bytes of its
 * live batches; segments are shared, so a partition owns no files of its own).
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData, DescribeLogDirsResponseData> {
    private final Topics topics;

    public DescribeLogDirsHandler(Topics topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<DescribeLogDirsResponseData> handle(RequestContext context, DescribeLogDirsRequestData request) {
        if (!context.mayOnCluster(AclOperation.DESCRIBE)) {
            // As Kafka: DESCRIBE on the cluster, else the error (v3+) and no directories.
            return CompletableFuture.completedFuture(new DescribeLogDirsResponseData()
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        String dir = topics.logs().storage().directory();
        File file = new File(dir);
        DescribeLogDirsResponseData.DescribeLogDirsResult result = new DescribeLogDirsResponseData.DescribeLogDirsResult()
                .setLogDir(dir)
                .setTotalBytes(file.getTotalSpace())
                .setUsableBytes(file.getUsableSpace());
        if (request.topics() == null) {
            for (TopicMetadata topic : topics.all()) {
                result.topics().add(describe(topic, null));
            }
        } else {
            for (DescribeLogDirsRequestData.DescribableLogDirTopic wanted : request.topics()) {
                TopicMetadata topic = topics.byName(wanted.topic());
                if (topic != null) {
                    result.topics().add(describe(topic, wanted.partitions()));
                }
            }
        }
        return CompletableFuture.completedFuture(new DescribeLogDirsResponseData().setResults(List.of(result)));
    }

    private DescribeLogDirsResponseData.DescribeLogDirsTopic describe(TopicMetadata topic, List<Integer> partitions) {
        DescribeLogDirsResponseData.DescribeLogDirsTopic out =
                new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(topic.kafkaName());
        for (int p = 0; p < topic.partitionCount(); p++) {
            if (partitions != null && !partitions.contains(p)) {
                continue;
            }
            PartitionLog log = topics.partition(topic, p);
            if (log != null) {
                out.partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                        .setPartitionIndex(p).setPartitionSize(log.sizeBytes()).setOffsetLag(0).setIsFutureKey(false));
            }
        }
        return out;
    }
}
