package io.spillway.log;

/**
 * A transaction of one producer that was aborted in a partition: its records lie between
 * {@code firstOffset} and the abort marker at {@code lastOffset}. read_committed consumers get these
 * with each fetch and skip that producer's records in the range (Kafka's aborted-transaction index).
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset) {
}
