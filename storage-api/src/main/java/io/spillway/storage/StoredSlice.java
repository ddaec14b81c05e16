package io.spillway.storage;

import java.nio.channels.FileChannel;

/**
 * Where the payload of one entry lies in a file, for sending it to a socket without copying it through the JVM
 * ({@link FileChannel#transferTo}, sendfile on Linux). The channel stays open for a while after its segment is
 * deleted (see {@link SharedLog#slice}), so a slice handed to a network write can still be sent.
 */
public record StoredSlice(FileChannel file, long position, int size) {
}
