package io.spillway.log;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * A batch was rejected because of particular records in it; carries Kafka's per-record errors
 * (ProduceResponse record_errors) next to the partition error.
 */
public final class RecordErrorsException extends ApiException {
    private final Errors error;
    private final List<RecordError> recordErrors;

    public RecordErrorsException(Errors error, List<RecordError> recordErrors, String message) {
        super(message);
        this.error = error;
        this.recordErrors = List.copyOf(recordErrors);
    }

    public Errors error() {
        return error;
    }

    public List<RecordError> recordErrors() {
        return recordErrors;
    }

    /** @param batchIndex the record's index within its batch */
    public record RecordError(int batchIndex, String message) {
    }
}
