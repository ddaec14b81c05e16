package io.spillway.server;

import io.spillway.broker.Topics;
import io.spillway.broker.handler.ApiVersionsHandler;
import io.spillway.broker.txn.TransactionMarkers;
import io.spillway.common.Time;
import io.spillway.coordinator.txn.TransactionConfig;
import io.spillway.coordinator.txn.TransactionCoordinator;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.TopicMetadata;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts the transaction coordinator over its internal topic ({@value #STATE_TOPIC}, created on first start,
 * compacted by key) and replays it: transactions that were deciding when the broker stopped write their
 * markers again before anything else happens to them.
 */
final class TransactionCoordinators {
    static final String STATE_TOPIC = "__transaction_state";
    /** Spillway's setting for the transaction.version feature it advertises (Kafka sets it with kafka-features). */
    static final String TRANSACTION_VERSION = "spillway.transaction.version";

    private TransactionCoordinators() {
    }

    /**
     * @param events the coordinator's event executor (one thread; the caller shuts it down)
     */
    static TransactionCoordinator start(ServerConfig config, Topics topics, MetadataStore meta, TransactionMarkers markers,
                                        Executor events, ScheduledExecutorService scheduler, Time time) {
        TopicMetadata stateTopic = topics.byName(STATE_TOPIC);
        if (stateTopic == null) {
            stateTopic = topics.create(List.of(new MetadataStore.NewTopic(STATE_TOPIC, 1,
                    Map.of("cleanup.policy", "compact")))).get(0);
        }
        PartitionLog partition = topics.partition(stateTopic, 0);
        TransactionCoordinator coordinator = new TransactionCoordinator(partition, meta::persistLogStarts,
                transactionConfig(config), meta::allocateProducerId, markers, events, scheduler, time);
        coordinator.load().join();
        return coordinator;
    }

    /** The transaction settings by their Kafka names (and the advertised {@value ApiVersionsHandler#TRANSACTION_VERSION}). */
    static TransactionConfig transactionConfig(ServerConfig config) {
        TransactionConfig d = TransactionConfig.DEFAULT;
        return new TransactionConfig(
                config.getInt("transaction.max.timeout.ms", d.maxTimeoutMs()),
                config.getLong("transactional.id.expiration.ms", d.idExpirationMs()),
                config.getLong("transaction.remove.expired.transaction.cleanup.interval.ms", d.idExpirationCheckMs()),
                config.getBoolean("transaction.two.phase.commit.enable", d.twoPhaseCommitEnabled()),
                (short) config.getInt(TRANSACTION_VERSION, d.transactionVersion()),
                d.markerRetryMs());
    }
}
