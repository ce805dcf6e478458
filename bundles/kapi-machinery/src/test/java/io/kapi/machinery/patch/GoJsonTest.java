package io.kapi.machinery.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Go's encoding/json syntax messages, which kube-apiserver passes on for malformed patch bodies. */
class GoJsonTest {
    private static String err(String json) {
        return GoJson.syntaxError(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wellFormed() {
        for (String ok : new String[] {"{}", " [ ] ", "{\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\\n\"]}", "0", "\"x\"", "null"}) {
            assertNull(err(ok), ok);
        }
    }

    @Test
    void goMessages() {
        assertEquals("unexpected end of JSON input", err(""));
        assertEquals("unexpected end of JSON input", err("   "));
        assertEquals("unexpected end of JSON input", err("{\"a\":1"));
        assertEquals("unexpected end of JSON input", err("tru"));
        assertEquals("invalid character 'n' looking for beginning of object key string", err("{nope"));
        assertEquals("invalid character '\\'' looking for beginning of object key string", err("{'a':1}"));
        assertEquals("invalid character ']' looking for beginning of value", err("[1,]"));
        assertEquals("invalid character '1' after object key", err("{\"a\" 1}"));
        assertEquals("invalid character '\"' after object key:value pair", err("{\"a\":1 \"b\":2}"));
        assertEquals("invalid character '2' after array element", err("[1 2]"));
        assertEquals("invalid character 'x' after top-level value", err("{} x"));
        assertEquals("invalid character '1' after top-level value", err("01"));
        assertEquals("invalid character 'x' in literal true (expecting 'e')", err("trux"));
        assertEquals("invalid character 'a' in numeric literal", err("-a"));
        assertEquals("invalid character 'x' after decimal point in numeric literal", err("1.x"));
        assertEquals("invalid character 'x' in exponent of numeric literal", err("1ex"));
        assertEquals("invalid character 'x' in string escape code", err("\"\\x\""));
        assertEquals("invalid character '\\t' in string literal", err("\"\t\""));
        assertEquals("invalid character 'g' in \\u hexadecimal character escape", err("\"\\u00g0\""));
    }

    @Test
    void goValueFormatting() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertEquals("map[$patch:foo a:map[b:[1 2.5 true <nil>]]]", GoJson.format(m.readTree("{\"a\":{\"b\":[1,2.5,true,null]},\"$patch\":\"foo\"}")));
        assertEquals("1e+21", GoJson.format(m.readTree("1e21")));
        assertEquals("1e-05", GoJson.format(m.readTree("0.00001")));
        assertEquals("3", GoJson.format(m.readTree("3.0")));
    }
}
