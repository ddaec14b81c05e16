package io.spillway.server.cli;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void writesNestedValuesWithEscapes() {
        Map<String, Object> doc = Output.object("s", "a\"b\\c\n\u0001", "n", 12L, "d", 1.5, "b", true, "z", null,
                "l", List.of(1, "x"), "m", Map.of());
        assertThat(Json.write(doc)).isEqualTo(
                "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":12,\"d\":1.5,\"b\":true,\"z\":null,\"l\":[1,\"x\"],\"m\":{}}");
        assertThat(Json.pretty(Output.object("a", List.of(1)))).isEqualTo("{\n  \"a\": [\n    1\n  ]\n}");
    }

    @Test
    void parsesWhatItWritesAndReportsWhereInputIsBroken() {
        Object parsed = Json.parse(" {\"k\": \"v\\u00e9\\n\", \"n\": -3, \"f\": 2.5e1, \"a\": [true, false, null], "
                + "\"o\": {}} ");
        assertThat(parsed).isEqualTo(Output.object("k", "v\u00e9\n", "n", -3L, "f", new BigDecimal("2.5e1"),
                "a", Arrays.asList(true, false, null), "o", Map.of()));
        assertThat(Json.parse(Json.write(Output.object("x", "\"q\"\t")))).isEqualTo(Output.object("x", "\"q\"\t"));

        assertThatThrownBy(() -> Json.parse("{\"value\": oops}")).hasMessage("Unrecognized token 'oops' at character 11");
        assertThatThrownBy(() -> Json.parse("{\"a\":1")).hasMessage("unexpected end of JSON at character 7");
        assertThatThrownBy(() -> Json.parse("[1] [2]")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessage("Unrecognized token 'x' at character 5");
        assertThatThrownBy(() -> Json.parse("\"\\x\"")).hasMessage("Unrecognized character escape 'x' (code 120) at character 3");
    }
}
