package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A rule's {@code fieldPath}, with the schema and cases of kube's {@code TestValidateFieldPath} (validation_test.go, v0.32.0). */
class FieldPathsTest {
    private static final JsonNode SCHEMA;

    static {
        try {
            SCHEMA = new ObjectMapper().readTree("""
                    {"type":"object","properties":{
                     "foo":{"type":"object","additionalProperties":{"type":"object","properties":{"subAdd":{"type":"number"}}}},
                     "white space":{"type":"number"},"'foo'bar":{"type":"number"},
                     "a":{"type":"object","properties":{"foo's":{"type":"number"},"test\\u0007":{"type":"number"},"bb[b":{"type":"number"},
                       "bbb":{"type":"object","properties":{"c":{"type":"number"},"34":{"type":"number"}}},
                       "bbb.c":{"type":"object","properties":{"a-b.3'4":{"type":"number"}}}}},
                     "list":{"type":"array","items":{"type":"object","properties":{"a":{"type":"number"},"a-b.3'4":{"type":"number"}}}}}}""");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void valid(String fieldPath, String normalized) {
        assertEquals(normalized, FieldPaths.validate(fieldPath, SCHEMA), fieldPath);
    }

    private static void invalid(String fieldPath, String detail) {
        assertEquals(detail, assertThrows(IllegalArgumentException.class, () -> FieldPaths.validate(fieldPath, SCHEMA)).getMessage(), fieldPath);
    }

    @Test
    void kubesValidPaths() {
        valid(".a", "a");
        valid("['\\'foo\\'bar']", "'foo'bar");
        valid(".white space", "white space");
        valid("['white space']", "white space");
        valid(".a['bbb.c']", "a.bbb.c");
        valid(".foo.subAdd", "foo[subAdd]");
        valid(".foo['subAdd']", "foo[subAdd]");
        valid(".a['foo\\'s']", "a.foo's");
        valid(".a['test\\a']", "a.test\u0007");
        valid(".list", "list");
    }

    @Test
    void kubesInvalidPaths() {
        invalid(".\\'foo\\'bar", "does not refer to a valid field");
        invalid(". a", "does not refer to a valid field");
        invalid(".a.bb[b", "does not refer to a valid field");
        invalid(".a['bbb.c'", "unexpected end of JSON path");
        invalid(".", "unexpected end of JSON path");
        invalid(".a.foo", "does not refer to a valid field");
        invalid(".a.bbb[0]", "expected single quoted string but got 0");
        invalid(".list[0]", "expected single quoted string but got 0");
        invalid(".list. a", "does not refer to a valid field");
        invalid(".list['a']", "does not refer to a valid field");
        invalid(".list.a-b.34", "does not refer to a valid field");
    }
}
