package io.spillway.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The cheap correctness check of a {@link TxnProducePerf} run, by two ListOffsets per partition: once every
 * commit marker is written (the last stable offset has reached the high watermark, which happens shortly after
 * the last {@code commitTransaction()} returns, since brokers write markers after answering EndTxn), each
 * partition's end offset must be exactly its records plus one marker per transaction. A lost, duplicated or
 * aborted batch, or a missing marker, shows up as a different offset.
 */
final class TxnLogCheck {

    private TxnLogCheck() {
    }

    /**
     * The end offset partition {@code p} must have after {@code transactions} committed transactions of
     * {@code recordsPerTransaction} records spread round-robin over {@code partitions}: its records plus one marker
     * per transaction that touched it.
     */
    static long expectedEndOffset(int p, int partitions, int recordsPerTransaction, long transactions) {
        long perTransaction = recordsPerTransaction / partitions + (p < recordsPerTransaction % partitions ? 1 : 0);
        return transactions * (perTransaction == 0 ? 0 : perTransaction + 1);
    }

    /**
     * Waits up to {@code timeout} for the last stable offset to reach the high watermark on every partition of
     * {@code topic}, then compares the end offsets with {@link #expectedEndOffset}.
     *
     * @throws IllegalStateException when a transaction stays open or an end offset differs
     */
    static void verify(String bootstrap, String topic, int partitions, int recordsPerTransaction, long transactions,
                       Duration timeout) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "spillway-bench-txn-check");
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int i = 0; i < partitions; i++) {
            latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<TopicPartition, ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, ListOffsetsResultInfo> stable = admin.listOffsets(latest,
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
                String open = differences(end, tp -> stable.get(tp).offset());
                if (open.isEmpty()) {
                    String wrong = differences(end, tp -> expectedEndOffset(tp.partition(), partitions,
                            recordsPerTransaction, transactions));
                    if (!wrong.isEmpty()) {
                        throw new IllegalStateException("after " + transactions + " committed transactions of "
                                + recordsPerTransaction + " records, end offsets differ from records + markers: " + wrong);
                    }
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("a transaction is still open " + timeout.toSeconds()
                            + " s after the last commit (high watermark vs last stable offset): " + open);
                }
                Thread.sleep(50);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("ListOffsets on " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ListOffsets on " + topic + " timed out", e);
        }
    }

    /** "p0 108 vs 107, ..." for the partitions whose offset in {@code actual} is not {@code expected}'s. */
    private static String differences(Map<TopicPartition, ListOffsetsResultInfo> actual,
                                      ToLongFunction<TopicPartition> expected) {
        StringBuilder sb = new StringBuilder();
        actual.forEach((tp, info) -> {
            long want = expected.applyAsLong(tp);
            if (info.offset() != want) {
                sb.append(sb.length() == 0 ? "" : ", ").append('p').append(tp.partition()).append(' ')
                        .append(info.offset()).append(" vs ").append(want);
            }
        });
        return sb.toString();
    }
}
