package io.spillway.storage.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file channel that behaves like a full disk once a shared byte budget is spent: writes stop
 * part-way and throw "No space left on device", as the kernel's ENOSPC does.
 */
final class FailingChannel extends FileChannel {
    private final FileChannel delegate;
    private final AtomicLong budgetBytes;

    FailingChannel(FileChannel delegate, AtomicLong budgetBytes) {
        this.delegate = delegate;
        this.budgetBytes = budgetBytes;
    }

    private int spend(ByteBuffer src, long position, boolean positional) throws IOException {
        long budget = budgetBytes.get();
        if (budget <= 0) {
            throw new IOException("No space left on device");
        }
        int allowed = (int) Math.min(src.remaining(), budget);
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + allowed);
        int n = positional ? delegate.write(part, position) : delegate.write(part);
        src.position(src.position() + n);
        budgetBytes.addAndGet(-n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return spend(src, -1, false);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            while (srcs[i].hasRemaining()) {
                total += spend(srcs[i], -1, false);
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return spend(src, position, true);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
