package io.kapi.machinery.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vectors after kube's pkg/fields/selector_test.go. */
class FieldSelectorTest {
    private static String error(String selector) {
        StatusException e = assertThrows(StatusException.class, () -> FieldSelector.parse(selector), selector);
        assertEquals(400, e.code());
        return e.getMessage();
    }

    @Test
    void goodStrings() {
        for (String s : List.of("x=a,y=b,z=c", "", "x!=a,y=b", "x=a\\,b", "x=a\\=b", "x=a\\\\b")) {
            FieldSelector.parse(s);
        }
        assertEquals("x=a\\,b", FieldSelector.parse("x=a\\,b").toString());
        assertEquals("a,b", FieldSelector.parse("x=a\\,b").exactMatch("x"));
        assertEquals("a=b", FieldSelector.parse("x=a\\=b").exactMatch("x"));
        assertEquals("a\\b", FieldSelector.parse("x=a\\\\b").exactMatch("x"));
    }

    @Test
    void kubeMessages() {
        assertEquals("invalid selector: 'nonsense'; can't understand 'nonsense'", error("nonsense"));
        assertEquals("invalid selector: 'x=a,nonsense'; can't understand 'nonsense'", error("x=a,nonsense"));
        assertEquals("invalid field selector: invalid escape sequence: \\b", error("x=a\\b"));
        assertEquals("invalid field selector: invalid escape sequence: \\", error("x=a\\"));
        assertEquals("invalid field selector: unescaped character in value: 61", error("x==a==b"));
    }

    @Test
    void matchesWithKubeSemantics() {
        FieldSelector f = FieldSelector.parse("metadata.name=demo,type!=Opaque");
        assertTrue(f.matches(Map.of("metadata.name", "demo", "type", "x")));
        assertFalse(f.matches(Map.of("metadata.name", "demo", "type", "Opaque")));
        // a missing field reads as "", so x= matches it and x!= does not
        assertTrue(FieldSelector.parse("spec.nodeName=").matches(Map.of()));
        assertFalse(FieldSelector.parse("spec.nodeName!=").matches(Map.of()));
        assertTrue(FieldSelector.parse("x==1").matches(Map.of("x", "1")));
        assertTrue(FieldSelector.parse("").isEmpty());
        assertTrue(FieldSelector.parse(",").isEmpty());
    }

    @Test
    void exactMatch() {
        assertEquals("demo", FieldSelector.parse("metadata.name=demo,type!=Opaque").exactMatch("metadata.name"));
        assertEquals("demo", FieldSelector.parse("metadata.name!=x,metadata.name==demo").exactMatch("metadata.name"));
        assertNull(FieldSelector.parse("metadata.name!=demo").exactMatch("metadata.name"));
        assertNull(FieldSelector.parse("type=x").exactMatch("metadata.name"));
        assertEquals(List.of("a", "b"), FieldSelector.parse("b=1,a=2").fields());
    }

    @Test
    void escapeRoundTrip() {
        String raw = "a,b=c\\d";
        assertEquals(raw, FieldSelector.parse("x=" + FieldSelector.escapeValue(raw)).exactMatch("x"));
    }
}
