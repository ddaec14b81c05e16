package io.spillway.it.groups;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A group member in this JVM: a kafka-clients consumer that a dedicated thread polls in a loop, as an
 * application would. After each poll it processes the records (appends them to the {@link Ledger}) and,
 * if asked to, commits exactly those records' next offsets with {@code commitSync}; a failed commit
 * leaves them uncommitted. It publishes its assignment and group metadata after every poll and counts
 * rebalance callbacks.
 *
 * <p>{@link #leave()} closes the consumer normally (LeaveGroup). {@link #crash()} stops right after a poll
 * that returned records without committing them and closes with
 * {@link CloseOptions.GroupMembershipOperation#REMAIN_IN_GROUP}, which for the classic protocol sends no
 * LeaveGroup. (With the consumer protocol a dynamic member closed that way is still out of the group
 * within about a second; {@link ChildMember} is a real crash for both protocols.)
 *
 * <p>The consumer is used only by the member's thread; the other methods are thread safe.
 */
final class MemberThread implements Member {

    private enum Ending { NONE, LEAVE, CRASH }

    private final String name;
    private final Supplier<KafkaConsumer<String, String>> factory;
    private final Collection<String> topics;
    private final Ledger ledger;
    private final boolean commitAfterPoll;
    private final Thread thread;
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.NONE);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Ledger.Pending pending = new Ledger.Pending();

    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile ConsumerGroupMetadata groupMetadata;
    private volatile long polls;
    private volatile int crashPollRecords = -1;
    private volatile KafkaConsumer<String, String> consumer;
    final AtomicInteger assignedCallbacks = new AtomicInteger();
    final AtomicInteger revokedCallbacks = new AtomicInteger();
    final AtomicInteger lostCallbacks = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final Map<String, AtomicInteger> commitFailures = new ConcurrentHashMap<>();

    /**
     * @param factory         creates the consumer (called on the member's own thread)
     * @param commitAfterPoll whether to commitSync the records of every poll after processing them
     */
    MemberThread(String name, Supplier<KafkaConsumer<String, String>> factory, Collection<String> topics,
                 Ledger ledger, boolean commitAfterPoll) {
        this.name = name;
        this.factory = factory;
        this.topics = List.copyOf(topics);
        this.ledger = ledger;
        this.commitAfterPoll = commitAfterPoll;
        this.thread = new Thread(this::run, "member-" + name);
        this.thread.setDaemon(true);
    }

    MemberThread start() {
        thread.start();
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** The consumer's group metadata after the latest poll; null before the first. */
    ConsumerGroupMetadata groupMetadata() {
        return groupMetadata;
    }

    @Override
    public String memberId() {
        ConsumerGroupMetadata m = groupMetadata;
        return m == null ? "" : m.memberId();
    }

    @Override
    public int generation() {
        ConsumerGroupMetadata m = groupMetadata;
        return m == null ? -1 : m.generationId();
    }

    @Override
    public long polls() {
        return polls;
    }

    int rebalanceCallbacks() {
        return assignedCallbacks.get() + revokedCallbacks.get() + lostCallbacks.get();
    }

    @Override
    public int crashPollRecords() {
        return crashPollRecords;
    }

    @Override
    public boolean isRunning() {
        return finished.getCount() > 0;
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void leave() throws InterruptedException {
        end(Ending.LEAVE);
    }

    @Override
    public void crash() throws InterruptedException {
        end(Ending.CRASH);
    }

    private void end(Ending how) throws InterruptedException {
        ending.compareAndSet(Ending.NONE, how);
        if (!finished.await(60, TimeUnit.SECONDS)) {
            KafkaConsumer<String, String> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            throw new AssertionError("member " + name + " did not stop within 60 s (" + how + ")");
        }
        if (failure.get() != null) {
            throw new AssertionError("member " + name + " failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isRunning()) {
            ending.compareAndSet(Ending.NONE, Ending.LEAVE);
            finished.await(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String stats() {
        return commits + " commits, failed " + commitFailures + ", callbacks assigned/revoked/lost "
                + assignedCallbacks + "/" + revokedCallbacks + "/" + lostCallbacks;
    }

    private void run() {
        KafkaConsumer<String, String> c = null;
        try {
            c = factory.get();
            consumer = c;
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revokedCallbacks.incrementAndGet();
                    pending.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignedCallbacks.incrementAndGet();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lostCallbacks.incrementAndGet();
                    pending.forget(partitions);
                }
            });
            while (true) {
                Ending how = ending.get();
                if (how == Ending.LEAVE) {
                    c.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                    return;
                }
                ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                polls++;
                assignment = Set.copyOf(c.assignment());
                groupMetadata = c.groupMetadata();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    pending.add(ledger.record(now, name, tp, r.offset(), r.value()));
                    next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
                if (how == Ending.CRASH && !records.isEmpty()) {
                    crashPollRecords = records.count();
                    c.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                            .withTimeout(Duration.ZERO));
                    return;
                }
                if (commitAfterPoll && !next.isEmpty()) {
                    commit(c, next);
                }
            }
        } catch (WakeupException e) {
            failure.compareAndSet(null, e);
        } catch (Throwable t) {
            failure.set(t);
            if (c != null) {
                try {
                    c.close(CloseOptions.timeout(Duration.ofSeconds(2)));
                } catch (RuntimeException ignored) {
                    // already failing
                }
            }
        } finally {
            assignment = Set.of();
            finished.countDown();
        }
    }

    private void commit(KafkaConsumer<String, String> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            c.commitSync(offsets, Duration.ofSeconds(15));
        } catch (KafkaException e) {
            // e.g. CommitFailedException / RebalanceInProgressException: those records stay uncommitted
            commitFailures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            return;
        }
        commits.incrementAndGet();
        offsets.forEach((tp, om) -> pending.committed(tp, om.offset()));
    }

    @Override
    public String toString() {
        return name + assignment;
    }
}
