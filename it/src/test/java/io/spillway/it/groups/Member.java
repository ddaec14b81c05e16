package io.spillway.it.groups;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member driven by a test: a consumer that polls, "processes" (records in a {@link Ledger}) and
 * commits after every poll, in this JVM ({@link MemberThread}) or in a child JVM ({@link ChildMember}).
 */
interface Member extends AutoCloseable {

    String name();

    /** The partitions the member owned after its latest poll. */
    Set<TopicPartition> assignment();

    /** Number of polls so far. */
    long polls();

    /** Member id after the latest poll ("" before it joined). */
    String memberId();

    /** Generation (classic) or member epoch (consumer protocol) after the latest poll; -1 before. */
    int generation();

    boolean isRunning();

    /** What made the member stop unexpectedly, if anything. */
    Throwable failure();

    /** Leaves cleanly (close with LeaveGroup) and waits until the member is gone. */
    void leave() throws Exception;

    /**
     * Dies right after the next poll that returned records, committing none of them and without
     * LeaveGroup; waits until it is gone.
     */
    void crash() throws Exception;

    /** Records delivered in the poll after which the member crashed; -1 if it did not crash. */
    int crashPollRecords();

    /** Commit and rebalance-callback counts, for the log. */
    String stats();
}
