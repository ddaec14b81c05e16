package io.spillway.log;

import java.nio.ByteBuffer;

/** Checks shared by the readers of a partition checkpoint ({@link PartitionCheckpoint}). */
final class CheckpointFormat {
    private CheckpointFormat() {
    }

    /**
     * Reads an element count and checks that that many elements of at least {@code elementBytes} bytes fit in what
     * is left, so that a damaged count fails cleanly instead of allocating without bound.
     */
    static int count(ByteBuffer in, int elementBytes) {
        int count = in.getInt();
        if (count < 0 || (long) count * elementBytes > in.remaining()) {
            throw new IllegalStateException("corrupt checkpoint: a count of " + count + " at byte "
                    + (in.position() - 4) + " does not fit in the " + in.remaining() + " bytes left");
        }
        return count;
    }
}
