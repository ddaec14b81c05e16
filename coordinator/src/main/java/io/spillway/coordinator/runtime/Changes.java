package io.spillway.coordinator.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records one coordinator operation makes, applied to the shard as they are added, and the actions
 * to take once they are durable. The runtime appends the records as one write after the operation returns;
 * if that write fails, the runtime rebuilds the shard from the log, so the state is as if the operation
 * never ran, and the actions are not run.
 *
 * <p>Not thread safe: used by one operation on the runtime's event thread.
 *
 * @param <R> the coordinator's record type
 */
public final class Changes<R> {
    private final Consumer<R> apply;
    private final List<R> records = new ArrayList<>();
    private final List<Runnable> afterDurable = new ArrayList<>();

    Changes(Consumer<R> apply) {
        this.apply = apply;
    }

    /** Applies the record to the shard now and writes it with the operation's other records. */
    public void add(R record) {
        apply.accept(record);
        records.add(record);
    }

    public void addAll(Iterable<R> more) {
        more.forEach(this::add);
    }

    /**
     * Runs {@code action} on the event thread once this operation's records, and everything written before
     * them, are durable (at once in order when the operation wrote nothing new). Completing other requests'
     * responses belongs here, so that no client learns of state that a crash could still take back.
     */
    public void afterDurable(Runnable action) {
        afterDurable.add(action);
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    List<R> records() {
        return records;
    }

    List<Runnable> afterDurableActions() {
        return afterDurable;
    }
}
