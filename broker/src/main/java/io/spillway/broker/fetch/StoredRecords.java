package io.spillway.broker.fetch;

import io.spillway.storage.StoredSlice;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

import java.io.IOException;
import java.util.List;

/**
 * A partition's record batches in a fetch response, left where they lie in the shared log's files: the response's
 * send hands each slice to {@link TransferableChannel#transferFrom} (sendfile on a plain socket), so the broker never
 * copies the payload. Batches of one partition are separate slices, since the shared log interleaves partitions.
 */
final class StoredRecords implements BaseRecords {
    private final List<StoredSlice> slices;
    private final int sizeInBytes;

    StoredRecords(List<StoredSlice> slices) {
        this.slices = slices;
        int size = 0;
        for (StoredSlice slice : slices) {
            size += slice.size();
        }
        this.sizeInBytes = size;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    @Override
    public RecordsSend<StoredRecords> toSend() {
        return new SlicesSend(this);
    }

    /** Sends the slices in order, resuming within a slice after a partial write. */
    private static final class SlicesSend extends RecordsSend<StoredRecords> {
        private int slice;
        private long withinSlice;

        SlicesSend(StoredRecords records) {
            super(records, records.sizeInBytes);
        }

        @Override
        protected int writeTo(TransferableChannel channel, int previouslyWritten, int remaining) throws IOException {
            List<StoredSlice> slices = records().slices;
            int written = 0;
            while (slice < slices.size() && remaining > 0) {
                StoredSlice current = slices.get(slice);
                long count = Math.min(current.size() - withinSlice, remaining);
                long n = channel.transferFrom(current.file(), current.position() + withinSlice, count);
                written += (int) n;
                remaining -= (int) n;
                withinSlice += n;
                if (withinSlice == current.size()) {
                    slice++;
                    withinSlice = 0;
                } else {
                    break; // the socket is full: Netty calls again when it can take more
                }
            }
            return written;
        }
    }
}
