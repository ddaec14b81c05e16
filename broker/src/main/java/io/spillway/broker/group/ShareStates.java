package io.spillway.broker.group;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/** What the share-group admin handlers answer while this broker has no share state store. */
final class ShareStates {
    /** COORDINATOR_NOT_AVAILABLE: share-partition state needs the share coordinator, which this broker lacks. */
    static final ApiError NOT_AVAILABLE = new ApiError(Errors.COORDINATOR_NOT_AVAILABLE,
            "This broker has no share-partition state store (the share coordinator is not running), so share-group "
                    + "offsets cannot be read or changed.");

    private ShareStates() {
    }
}
