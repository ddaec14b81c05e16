package io.spillway.coordinator.runtime;

import io.spillway.storage.RecoverySummary;
import io.spillway.storage.SharedLog;
import io.spillway.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A shared log that fails the next append when told to, as a full disk would; otherwise the real one. */
final class FailingSharedLog implements SharedLog {
    private final SharedLog delegate;
    final AtomicBoolean failNextAppend = new AtomicBoolean();

    FailingSharedLog(SharedLog delegate) {
        this.delegate = delegate;
    }

    @Override
    public long append(long partitionKey, ByteBuffer payload, int lastSegmentId) {
        if (failNextAppend.getAndSet(false)) {
            throw new StorageException("No space left on device (injected)");
        }
        return delegate.append(partitionKey, payload, lastSegmentId);
    }

    @Override
    public CompletableFuture<Void> whenDurable(long location) {
        return delegate.whenDurable(location);
    }

    @Override
    public void read(long location, ByteBuffer dst) {
        delegate.read(location, dst);
    }

    @Override
    public RecoverySummary recover(EntryVisitor visitor) {
        return delegate.recover(visitor);
    }

    @Override
    public RecoverySummary recover(EntryVisitor visitor, long fromLocation) {
        return delegate.recover(visitor, fromLocation);
    }

    @Override
    public long endLocation() {
        return delegate.endLocation();
    }

    @Override
    public void retain(int segmentId) {
        delegate.retain(segmentId);
    }

    @Override
    public void release(int segmentId) {
        delegate.release(segmentId);
    }

    @Override
    public void deleteUnretainedSegments() {
        delegate.deleteUnretainedSegments();
    }

    @Override
    public long maxPayloadBytes() {
        return delegate.maxPayloadBytes();
    }

    @Override
    public io.spillway.storage.StoredSlice slice(long location, int size) {
        return delegate.slice(location, size);
    }

    @Override
    public java.util.SortedMap<Integer, Long> sealedSegmentSizes() {
        return delegate.sealedSegmentSizes();
    }

    @Override
    public long sizeBytes() {
        return delegate.sizeBytes();
    }

    @Override
    public String directory() {
        return delegate.directory();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
