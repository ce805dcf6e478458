package io.kapi.machinery.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Vectors from kube's pkg/labels/selector_test.go, plus the exact messages kube-apiserver answers. */
class LabelSelectorTest {
    private static String error(String selector) {
        StatusException e = assertThrows(StatusException.class, () -> LabelSelector.parse(selector), selector);
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        return e.getMessage();
    }

    @Test
    void goodStringsRoundTrip() {
        for (String s : List.of("x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5")) {
            assertEquals(s.replace(" ", ""), LabelSelector.parse(s).toString(), s);
        }
    }

    @Test
    void badStrings() {
        for (String s : List.of("x=a||y=b", "x==a==b", "!x=a", "x<a")) {
            error(s);
        }
    }

    @Test
    void deterministic() {
        assertEquals(LabelSelector.parse("x=a,a=x").toString(), LabelSelector.parse("a=x,x=a").toString());
        assertEquals(LabelSelector.parse("x=a,a=x"), LabelSelector.parse("a=x,x=a"));
    }

    private static void match(String selector, Map<String, String> labels) {
        assertTrue(LabelSelector.parse(selector).matches(labels), selector + " should match " + labels);
    }

    private static void noMatch(String selector, Map<String, String> labels) {
        assertFalse(LabelSelector.parse(selector).matches(labels), selector + " should not match " + labels);
    }

    @Test
    void selectorMatches() {
        match("", Map.of("x", "y"));
        match("x=y", Map.of("x", "y"));
        match("x=y,z=w", Map.of("x", "y", "z", "w"));
        match("x!=y,z!=w", Map.of("x", "z", "z", "a"));
        match("notin=in", Map.of("notin", "in"));
        match("x", Map.of("x", "z"));
        match("!x", Map.of("y", "z"));
        match("x>1", Map.of("x", "2"));
        match("x<1", Map.of("x", "0"));
        noMatch("x=z", Map.of());
        noMatch("x=y", Map.of("x", "z"));
        noMatch("x=y,z=w", Map.of("x", "w", "z", "w"));
        noMatch("x!=y,z!=w", Map.of("x", "z", "z", "w"));
        noMatch("x", Map.of("y", "z"));
        noMatch("!x", Map.of("x", "z"));
        noMatch("x>1", Map.of("x", "0"));
        noMatch("x<1", Map.of("x", "2"));
        noMatch("x>1", Map.of("x", "notanumber"));
        Map<String, String> set = Map.of("foo", "bar", "baz", "blah");
        match("foo=bar", set);
        match("baz=blah", set);
        match("foo=bar,baz=blah", set);
        noMatch("foo=blah", set);
        noMatch("baz=bar", set);
        noMatch("foo=bar,foobar=bar,baz=blah", set);
        match("env in (dev, prod)", Map.of("env", "prod"));
        noMatch("env notin (prod)", Map.of("env", "prod"));
        match("env notin (prod)", Map.of());
        assertTrue(LabelSelector.parse("").matches(null));
    }

    @Test
    void setSelectorParser() {
        assertEquals("x", LabelSelector.parse("\rx").toString());
        assertEquals("this-is-a-dns.domain.com/key-with-dash", LabelSelector.parse("this-is-a-dns.domain.com/key-with-dash").toString());
        assertEquals("0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
                LabelSelector.parse("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)").toString());
        assertEquals("foo in (abc)", LabelSelector.parse("foo  in\t (abc)").toString());
        assertEquals("x notin (abc)", LabelSelector.parse("x notin\n (abc)").toString());
        assertEquals("x notin (abc,def)", LabelSelector.parse("x  notin\t\t\t(abc,def)").toString());
        assertEquals("x in (,abc)", LabelSelector.parse("x in (abc,)").toString());
        assertEquals("x in (abc)", LabelSelector.parse("x in (abc,abc)").toString());
        assertEquals("x in ()", LabelSelector.parse("x in ()").toString());
        assertEquals(List.of("", "a"), LabelSelector.parse("x in (a,,)").requirements().get(0).values());
        assertEquals(List.of("", "a"), LabelSelector.parse("x in (a,,,,,,)").requirements().get(0).values());
        assertEquals(List.of("", "a"), LabelSelector.parse("x in (a,,a,,a,,a,,)").requirements().get(0).values());
        assertEquals("bar,w,x notin (,abc,def),z in ()", LabelSelector.parse("x notin (abc,,def),bar,z in (),w").toString());
        assertEquals("x notin ()", LabelSelector.parse("x notin ( )").toString());
        assertEquals("x notin (,a)", LabelSelector.parse("x notin (, a)").toString());
        assertEquals("a", LabelSelector.parse("a ").toString());
        assertEquals("a in (in,notin,x,y,z)", LabelSelector.parse("a in (x,y,notin, z,in)").toString());
        for (String bad : List.of("x=a||y=b", "x,,y", ",x,y", "x nott in (y)", "a in (xyz),", "a in (xyz)b notin ()",
                "a in (xyz abc)", "a notin(", "a (", "(")) {
            error(bad);
        }
    }

    @Test
    void kubeMessages() {
        assertEquals("unable to parse requirement: found '', expected: ',' or ')'", error("a in (b"));
        assertEquals("found ',', expected: identifier after ','", error("x,,y"));
        assertEquals("found ',', expected: !, identifier, or 'end of string'", error(",x,y"));
        assertEquals("found '=', expected: ',' or 'end of string'", error("!x=a"));
        assertEquals("found '==', expected: ',' or 'end of string'", error("x==a==b"));
        assertEquals("found '(', expected: !, identifier, or 'end of string'", error("("));
        assertEquals("unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt", error("a ("));
        assertEquals("unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt", error("x nott in (y)"));
        assertEquals("unable to parse requirement: found 'abc', expected: ',' or ')'", error("a in (xyz abc)"));
        assertEquals("unable to parse requirement: found '', expected: ',', ')' or identifier", error("a notin("));
        assertEquals("unable to parse requirement: found 'x' expected: '('", error("a in x"));
        assertEquals("found 'b', expected: ',' or 'end of string'", error("a in (xyz)b notin ()"));
        assertEquals("found '', expected: identifier after ','", error("a in (xyz),"));
        assertEquals("unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
                error("x<a"));
        assertEquals("unable to parse requirement: <nil>: Invalid value: \"A_\": name part must consist of alphanumeric characters, '-', '_' or '.', "
                + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')", error("A_"));
        assertEquals("unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", error("x=a||y=b"));
        assertEquals("unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt", error("x !! y"));
    }

    @Test
    void requiresExactMatch() {
        assertEquals(Optional.of("b"), LabelSelector.parse("a=b,c!=d").requiresExactMatch("a"));
        assertEquals(Optional.of("b"), LabelSelector.parse("a==b").requiresExactMatch("a"));
        assertEquals(Optional.of("b"), LabelSelector.parse("a in (b)").requiresExactMatch("a"));
        assertEquals(Optional.empty(), LabelSelector.parse("a in (b,c)").requiresExactMatch("a"));
        assertEquals(Optional.empty(), LabelSelector.parse("a!=b").requiresExactMatch("a"));
        assertEquals(Optional.empty(), LabelSelector.parse("a=b").requiresExactMatch("c"));
    }

    @Test
    void requirementsAreExposedSorted() {
        LabelSelector s = LabelSelector.parse("z,a notin (2,1),!m");
        assertEquals(List.of("a", "m", "z"), s.requirements().stream().map(Requirement::key).toList());
        assertEquals(Operator.NOT_IN, s.requirements().get(0).operator());
        assertEquals(List.of("1", "2"), s.requirements().get(0).values());
        assertEquals(Operator.DOES_NOT_EXIST, s.requirements().get(1).operator());
        assertTrue(LabelSelector.parse("").isEmpty());
        assertTrue(LabelSelector.parse(null).isEmpty());
        assertFalse(s.isEmpty());
    }

    /** kube's LabelSelectorAsSelector(...).String(), as a Deployment's Scale shows its selector. */
    @Test
    void fromALabelSelectorObject() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals("app=web,!legacy,tier in (back,front),zone", LabelSelector.fromObject(m.readTree("""
                {"matchLabels":{"app":"web"},"matchExpressions":[
                  {"key":"zone","operator":"Exists"},{"key":"legacy","operator":"DoesNotExist"},
                  {"key":"tier","operator":"In","values":["front","back"]}]}""")).toString());
        assertEquals("env notin (dev)", LabelSelector.fromObject(m.readTree(
                "{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]}]}")).toString());
        assertEquals("", LabelSelector.fromObject(m.readTree("{}")).toString());
        assertEquals("", LabelSelector.fromObject(null).toString());
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromObject(m.readTree(
                "{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"Near\"}]}")));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.fromObject(m.readTree(
                "{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[]}]}")));
    }
}
