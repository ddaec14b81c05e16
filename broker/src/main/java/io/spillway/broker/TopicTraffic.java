package io.spillway.broker;

/**
 * Told how many records and bytes each topic takes in (produce, once durable) and gives out (fetch), so that an upper
 * layer can keep per-topic traffic metrics without the broker knowing the metrics library. How many topics get a
 * series of their own is the implementation's business: it is called for every topic, so it must bound what it keeps.
 *
 * <p>Thread contract: called on worker threads and on the shared log's completion thread, for every produce and fetch;
 * an implementation must be thread safe, return at once (no I/O, no lock held for long) and never throw.
 */
public interface TopicTraffic {
    /** Keeps nothing. */
    TopicTraffic NONE = new TopicTraffic() {
        @Override
        public void produced(String topic, long records, long bytes) {
        }

        @Override
        public void fetched(String topic, long records, long bytes) {
        }
    };

    /** Records (and their batches' bytes) of {@code topic} that were appended and are now durable. */
    void produced(String topic, long records, long bytes);

    /** Records (and bytes of whole batches) of {@code topic} that a Fetch response hands to a consumer. */
    void fetched(String topic, long records, long bytes);
}
