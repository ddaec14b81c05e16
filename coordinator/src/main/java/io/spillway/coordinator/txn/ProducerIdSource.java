package io.spillway.coordinator.txn;

/** Hands out producer ids never used before, also across restarts (the metadata store reserves them in blocks). */
@FunctionalInterface
public interface ProducerIdSource {
    long nextProducerId();
}
