package io.spillway.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Keeps a second broker from opening the same data directory. Released on close (or process exit). */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new InUseException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Spillway process; stop it or choose another --data-dir");
        }
        return new DataDirLock(channel, lock);
    }

    /** The data directory is locked by another process; the message says which directory and what to do. */
    static final class InUseException extends IOException {
        InUseException(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
