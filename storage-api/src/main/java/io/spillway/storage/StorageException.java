package io.spillway.storage;

/** The storage could not do what was asked (I/O error, disk full, corrupt data). */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
