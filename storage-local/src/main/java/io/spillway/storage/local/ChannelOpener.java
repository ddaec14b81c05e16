package io.spillway.storage.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens segment files; tests substitute one that injects I/O failures such as a full disk. */
@FunctionalInterface
public interface ChannelOpener {
    FileChannel open(Path path) throws IOException;

    ChannelOpener DEFAULT = path -> FileChannel.open(path,
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
}
