package io.spillway.broker;

import io.spillway.broker.auth.Authorizer;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.fetch.FetchHandler;
import io.spillway.broker.fetch.FetchPurgatory;
import io.spillway.broker.group.AlterShareGroupOffsetsHandler;
import io.spillway.broker.group.ConsumerGroupDescribeHandler;
import io.spillway.broker.group.ConsumerGroupHeartbeatHandler;
import io.spillway.broker.group.DeleteGroupsHandler;
import io.spillway.broker.group.DeleteShareGroupOffsetsHandler;
import io.spillway.broker.group.DescribeShareGroupOffsetsHandler;
import io.spillway.broker.group.DescribeGroupsHandler;
import io.spillway.broker.group.FindCoordinatorHandler;
import io.spillway.broker.group.HeartbeatHandler;
import io.spillway.broker.group.JoinGroupHandler;
import io.spillway.broker.group.LeaveGroupHandler;
import io.spillway.broker.group.ListGroupsHandler;
import io.spillway.broker.group.OffsetCommitHandler;
import io.spillway.broker.group.OffsetDeleteHandler;
import io.spillway.broker.group.OffsetFetchHandler;
import io.spillway.broker.group.ShareGroupDescribeHandler;
import io.spillway.broker.group.ShareGroupHeartbeatHandler;
import io.spillway.broker.group.SyncGroupHandler;
import io.spillway.broker.handler.AlterClientQuotasHandler;
import io.spillway.broker.handler.AlterConfigsHandler;
import io.spillway.broker.handler.DescribeClientQuotasHandler;
import io.spillway.broker.quota.Quotas;
import io.spillway.broker.handler.AlterUserScramCredentialsHandler;
import io.spillway.broker.handler.ApiVersionsHandler;
import io.spillway.broker.handler.CreateAclsHandler;
import io.spillway.broker.handler.CreatePartitionsHandler;
import io.spillway.broker.handler.CreateTopicsHandler;
import io.spillway.broker.handler.DeleteAclsHandler;
import io.spillway.broker.handler.DeleteRecordsHandler;
import io.spillway.broker.handler.DeleteTopicsHandler;
import io.spillway.broker.handler.DescribeAclsHandler;
import io.spillway.broker.handler.DescribeClusterHandler;
import io.spillway.broker.handler.DescribeConfigsHandler;
import io.spillway.broker.handler.DescribeTopicPartitionsHandler;
import io.spillway.broker.handler.DescribeUserScramCredentialsHandler;
import io.spillway.broker.handler.ListConfigResourcesHandler;
import io.spillway.broker.handler.DescribeLogDirsHandler;
import io.spillway.broker.handler.IncrementalAlterConfigsHandler;
import io.spillway.broker.handler.ListOffsetsHandler;
import io.spillway.broker.handler.MetadataHandler;
import io.spillway.broker.handler.OffsetForLeaderEpochHandler;
import io.spillway.broker.handler.ProduceHandler;
import io.spillway.broker.txn.AddOffsetsToTxnHandler;
import io.spillway.broker.txn.AddPartitionsToTxnHandler;
import io.spillway.broker.txn.DescribeProducersHandler;
import io.spillway.broker.txn.DescribeTransactionsHandler;
import io.spillway.broker.txn.EndTxnHandler;
import io.spillway.broker.txn.InitProducerIdHandler;
import io.spillway.broker.txn.ListTransactionsHandler;
import io.spillway.broker.txn.TransactionMarkers;
import io.spillway.broker.txn.TxnOffsetCommitHandler;
import io.spillway.broker.txn.WriteTxnMarkersHandler;
import io.spillway.common.Time;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.share.ShareAcknowledgeHandler;
import io.spillway.broker.share.ShareFetchHandler;
import io.spillway.broker.share.ShareService;
import io.spillway.coordinator.share.ShareStateStore;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.concurrent.Executor;

/** Builds the dispatch table: which handler serves which Kafka API. */
public final class BrokerApis {
    private BrokerApis() {
    }

    /**
     * @param shares share groups' queues (KIP-932): share-partitions, share sessions and the share coordinator's
     *     store of their state
     * @param groupPartition the group coordinator's partition, which transactions add to commit offsets
     * @param authorizer the ACLs (CreateAcls, DescribeAcls, DeleteAcls), or {@link Authorizer#ALLOW_ALL}
     * @param quotas client and stream quotas that requests are measured against
     */
    public static ApiDispatcher create(Topics topics, BrokerSettings settings, BrokerIdentity identity,
                                       FetchPurgatory purgatory, GroupCoordinator groups,
                                       ShareService shares, TransactionCoordinator transactions, TransactionMarkers markers,
                                       TopicPartition groupPartition, Executor executor, Time time,
                                       Authorizer authorizer, Quotas quotas) {
        return create(topics, settings, identity, purgatory, groups, shares, transactions, markers, groupPartition,
                executor, time, authorizer, quotas, TopicTraffic.NONE);
    }

    /**
     * As {@link #create(Topics, BrokerSettings, BrokerIdentity, FetchPurgatory, GroupCoordinator, ShareService,
     * TransactionCoordinator, TransactionMarkers, TopicPartition, Executor, Time, Authorizer, Quotas)}, with the
     * records and bytes that Produce and Fetch move per topic told to {@code traffic} (metrics).
     */
    public static ApiDispatcher create(Topics topics, BrokerSettings settings, BrokerIdentity identity,
                                       FetchPurgatory purgatory, GroupCoordinator groups,
                                       ShareService shares, TransactionCoordinator transactions, TransactionMarkers markers,
                                       TopicPartition groupPartition, Executor executor, Time time,
                                       Authorizer authorizer, Quotas quotas, TopicTraffic traffic) {
        ShareStateStore shareStates = shares.store();
        ApiDispatcher dispatcher = new ApiDispatcher().withQuotas(quotas);
        Streams streams = new Streams(topics, settings);
        TopicCreator creator = new TopicCreator(topics, streams);
        dispatcher
                .register(ApiKeys.API_VERSIONS, new ApiVersionsHandler(dispatcher,
                        transactions.config().transactionVersion()))
                .register(ApiKeys.METADATA, new MetadataHandler(topics, creator, identity))
                .register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsHandler(topics, identity))
                .register(ApiKeys.LIST_CONFIG_RESOURCES, new ListConfigResourcesHandler(topics, identity, groups))
                .register(ApiKeys.PRODUCE, new ProduceHandler(topics, transactions, quotas, traffic))
                .register(ApiKeys.FETCH, new FetchHandler(topics, purgatory, executor, time,
                        FetchHandler.DEFAULT_MAX_SESSIONS, quotas, !"false".equals(settings.staticConfigs()
                                .getOrDefault(FetchHandler.ZERO_COPY_SETTING, "true").trim()), traffic))
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(topics))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(topics))
                .register(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(transactions))
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, new AddPartitionsToTxnHandler(transactions, topics))
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, new AddOffsetsToTxnHandler(transactions, groupPartition))
                .register(ApiKeys.END_TXN, new EndTxnHandler(transactions))
                .register(ApiKeys.TXN_OFFSET_COMMIT, new TxnOffsetCommitHandler(transactions, groups, topics,
                        groupPartition, time))
                .register(ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersHandler(markers::writeOnce))
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, new DescribeTransactionsHandler(transactions))
                .register(ApiKeys.LIST_TRANSACTIONS, new ListTransactionsHandler(transactions))
                .register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(topics))
                .register(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(topics, settings, identity, streams, quotas))
                .register(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(topics, settings, streams, groups, shares.store(),
                        quotas))
                .register(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(topics, identity, quotas))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(topics))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(identity))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(topics))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(topics, settings, streams))
                .register(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(topics, settings, streams, groups))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(topics, settings, streams, groups))
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, new DescribeUserScramCredentialsHandler(topics.meta()))
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, new AlterUserScramCredentialsHandler(topics.meta()))
                .register(ApiKeys.DESCRIBE_CLIENT_QUOTAS, new DescribeClientQuotasHandler(topics.meta()))
                .register(ApiKeys.ALTER_CLIENT_QUOTAS, new AlterClientQuotasHandler(topics.meta()))
                .register(ApiKeys.CREATE_ACLS, new CreateAclsHandler(authorizer))
                .register(ApiKeys.DESCRIBE_ACLS, new DescribeAclsHandler(authorizer))
                .register(ApiKeys.DELETE_ACLS, new DeleteAclsHandler(authorizer))
                .register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(identity))
                .register(ApiKeys.JOIN_GROUP, new JoinGroupHandler(groups))
                .register(ApiKeys.SYNC_GROUP, new SyncGroupHandler(groups))
                .register(ApiKeys.HEARTBEAT, new HeartbeatHandler(groups))
                .register(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(groups))
                .register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(groups, topics, time))
                .register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(groups, topics))
                .register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(groups))
                .register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(groups))
                .register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(groups, shareStates))
                .register(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(groups))
                .register(ApiKeys.SHARE_FETCH, new ShareFetchHandler(topics, shares, purgatory, executor, time, traffic))
                .register(ApiKeys.SHARE_ACKNOWLEDGE, new ShareAcknowledgeHandler(topics, shares, time))
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, new ConsumerGroupHeartbeatHandler(groups))
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, new ConsumerGroupDescribeHandler(groups))
                .register(ApiKeys.SHARE_GROUP_HEARTBEAT, (short) 1, (short) 1, new ShareGroupHeartbeatHandler(groups))
                .register(ApiKeys.SHARE_GROUP_DESCRIBE, (short) 1, (short) 1, new ShareGroupDescribeHandler(groups))
                .register(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, (short) 0, (short) 1,
                        new DescribeShareGroupOffsetsHandler(topics, shareStates))
                .register(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, (short) 0, (short) 0,
                        new AlterShareGroupOffsetsHandler(groups, topics, shareStates))
                .register(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, (short) 0, (short) 0,
                        new DeleteShareGroupOffsetsHandler(groups, topics, shareStates));
        return dispatcher;
    }
}
