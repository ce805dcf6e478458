package io.kapi.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Values as kube's field errors print them, and Go's verdict on a regular expression. */
class GoRenderingTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static String render(String json) throws Exception {
        return GoRendering.fieldValue(M.readTree(json));
    }

    @Test
    void fieldValues() throws Exception {
        assertEquals("\"a\\\"b\"", render("\"a\\\"b\""));
        assertEquals("42", render("42"));
        assertEquals("1.5", render("1.5"));
        assertEquals("true", render("true"));
        assertEquals("null", render("null"));
        assertEquals("map[string]interface {}{\"a\":1, \"b\":[]interface {}{\"x\", interface {}(nil)}}", render("{\"b\":[\"x\",null],\"a\":1}"));
    }

    @Test
    void regularExpressions() {
        assertNull(GoRendering.regexpError("^[a-z]+$"));
        assertEquals("error parsing regexp: missing closing ): `a(`", GoRendering.regexpError("a("));
        assertEquals("error parsing regexp: missing argument to repetition operator: `*`", GoRendering.regexpError("*a"));
    }
}
