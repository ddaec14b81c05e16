package io.spillway.http.rest;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaErrorsTest {
    @Test
    void kafkaErrorsMapToTheHttpStatusOperatorsExpect() {
        assertThat(KafkaErrors.status(Errors.UNKNOWN_TOPIC_OR_PARTITION)).isEqualTo(404);
        assertThat(KafkaErrors.status(Errors.GROUP_ID_NOT_FOUND)).isEqualTo(404);
        assertThat(KafkaErrors.status(Errors.TOPIC_AUTHORIZATION_FAILED)).isEqualTo(403);
        assertThat(KafkaErrors.status(Errors.CLUSTER_AUTHORIZATION_FAILED)).isEqualTo(403);
        assertThat(KafkaErrors.status(Errors.TOPIC_ALREADY_EXISTS)).isEqualTo(409);
        assertThat(KafkaErrors.status(Errors.NON_EMPTY_GROUP)).isEqualTo(409);
        assertThat(KafkaErrors.status(Errors.INVALID_TOPIC_EXCEPTION)).isEqualTo(400);
        assertThat(KafkaErrors.status(Errors.INVALID_CONFIG)).isEqualTo(400);
        assertThat(KafkaErrors.status(Errors.POLICY_VIOLATION)).isEqualTo(400);
        assertThat(KafkaErrors.status(Errors.INVALID_PARTITIONS)).isEqualTo(400);
        assertThat(KafkaErrors.status(Errors.THROTTLING_QUOTA_EXCEEDED)).isEqualTo(429);
        assertThat(KafkaErrors.status(Errors.COORDINATOR_LOAD_IN_PROGRESS)).isEqualTo(503);
        assertThat(KafkaErrors.status(Errors.UNKNOWN_SERVER_ERROR)).isEqualTo(500);
    }

    @Test
    void theResponsesMessageWinsElseTheErrorsOwnSaysWhich() {
        RestException withMessage = KafkaErrors.toRest(Errors.INVALID_TOPIC_EXCEPTION.code(),
                "Topic name 'a b' is invalid", "topic a b");
        assertThat(withMessage.status()).isEqualTo(400);
        assertThat(withMessage.error()).isEqualTo("INVALID_TOPIC_EXCEPTION");
        assertThat(withMessage.getMessage()).isEqualTo("Topic name 'a b' is invalid");

        RestException standard = KafkaErrors.toRest(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), null, "topic x");
        assertThat(standard.getMessage()).startsWith("topic x: ").contains(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
        assertThat(standard.getStackTrace()).isEmpty();

        assertThat(KafkaErrors.toRest(Errors.NONE.code(), null, "x")).isNull();
        KafkaErrors.check(Errors.NONE.code(), null, "x");
        assertThatThrownBy(() -> KafkaErrors.check(Errors.GROUP_AUTHORIZATION_FAILED.code(), "", "group g"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
}
