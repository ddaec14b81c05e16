package io.spillway.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spillway.http.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodiesTest {
    private static ObjectNode parse(String json) {
        return JsonBodies.object(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void badRequest(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(RestException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.error()).isEqualTo("INVALID_REQUEST");
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void badBodiesAre400WithWhatIsWrong() {
        badRequest(() -> parse(""), "needs a JSON object");
        badRequest(() -> parse("{\"name\": "), "not valid JSON");
        badRequest(() -> parse("[1, 2]"), "must be a JSON object");
        badRequest(() -> JsonBodies.text(parse("{\"name\": 5}"), "name"), "'name' must be a string");
        badRequest(() -> JsonBodies.integer(parse("{\"partitions\": 0}"), "partitions", -1, 1, 10), "from 1 to 10");
        badRequest(() -> JsonBodies.integer(parse("{\"partitions\": \"3\"}"), "partitions", -1, 1, 10), "integer");
        badRequest(() -> JsonBodies.flag(parse("{\"dryRun\": \"yes\"}"), "dryRun"), "true or false");
        badRequest(() -> JsonBodies.strings(parse("{\"configs\": [1]}"), "configs"), "object of name to value");
        badRequest(() -> JsonBodies.strings(parse("{\"configs\": {\"a\": {}}}"), "configs"), "'configs.a'");
    }

    @Test
    void fieldsReadWithDefaults() {
        ObjectNode body = parse("{\"name\":\"t\",\"partitions\":3,\"dryRun\":true,"
                + "\"configs\":{\"retention.ms\":1000,\"cleanup.policy\":\"compact\",\"x\":null,\"y\":false}}");
        assertThat(JsonBodies.text(body, "name")).isEqualTo("t");
        assertThat(JsonBodies.text(body, "absent")).isNull();
        assertThat(JsonBodies.integer(body, "partitions", -1, 1, 10)).isEqualTo(3);
        assertThat(JsonBodies.integer(body, "absent", -1, 1, 10)).isEqualTo(-1);
        assertThat(JsonBodies.flag(body, "dryRun")).isTrue();
        assertThat(JsonBodies.flag(body, "absent")).isFalse();
        Map<String, String> configs = JsonBodies.strings(body, "configs");
        assertThat(configs).containsEntry("retention.ms", "1000").containsEntry("cleanup.policy", "compact")
                .containsEntry("x", null).containsEntry("y", "false");
        assertThat(JsonBodies.strings(body, "absent")).isEmpty();
    }

    @Test
    void responsesAndErrorsAreJson() {
        record Thing(String name, List<Integer> partitions, String none) {
        }
        Response ok = JsonBodies.response(201, new Thing("t", List.of(0, 1), null));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.contentType()).isEqualTo(Response.JSON);
        assertThat(ok.bodyText()).isEqualTo("{\"name\":\"t\",\"partitions\":[0,1],\"none\":null}");

        Response error = JsonBodies.error(new RestException(404, "UNKNOWN_TOPIC_OR_PARTITION", "Topic \"x\" is unknown"));
        assertThat(error.status()).isEqualTo(404);
        assertThat(error.bodyText())
                .isEqualTo("{\"error\":\"UNKNOWN_TOPIC_OR_PARTITION\",\"message\":\"Topic \\\"x\\\" is unknown\"}");
    }
}
