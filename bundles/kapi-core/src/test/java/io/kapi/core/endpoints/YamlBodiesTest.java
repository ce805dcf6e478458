package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** YAML bodies read as kube reads them through sigs.k8s.io/yaml and go-yaml v2. */
class YamlBodiesTest {
    private static YamlBodies.Decoded decode(String yaml) {
        return YamlBodies.decode(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void aliasesAreExpanded() throws Exception {
        YamlBodies.Decoded d = decode("a: &a x\nb: [*a]\nc: &c {k: v}\nd: *c\n");
        assertEquals(json("{'a':'x','b':['x'],'c':{'k':'v'},'d':{'k':'v'}}"), d.value());
        assertNull(d.duplicateKeys());
    }

    /** The CVE-2019-11253 body kube's own tests send: 400, and nothing is built past go-yaml's ratio. */
    @Test
    void aBillionLaughsIsExcessiveAliasing() {
        StringBuilder b = new StringBuilder("apiVersion: v1\ndata:\n  a: &a [\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\"]\n");
        String prev = "a";
        for (char c = 'b'; c <= 'i'; c++) {
            b.append("  ").append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                b.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            b.append("]\n");
            prev = String.valueOf(c);
        }
        b.append("kind: ConfigMap\nmetadata:\n  name: yaml-bomb\n  namespace: default\n");
        long t0 = System.nanoTime();
        StatusException e = assertThrows(StatusException.class, () -> decode(b.toString()));
        assertEquals(400, e.code());
        assertEquals("error converting YAML to JSON: yaml: document contains excessive aliasing", e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused early, not after expanding");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        StatusException e = assertThrows(StatusException.class, () -> decode("a: &a [*a]\n"));
        assertEquals(400, e.code());
    }

    @Test
    void mergeKeysMergeAsGoYamlV2() throws Exception {
        YamlBodies.Decoded d = decode("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\n"
                + "m: {<<: *b, y: 9}\nn: {<<: [*b, *o]}\n");
        assertEquals(json("{'x':1,'y':9}"), d.value().get("m"));
        assertEquals(json("{'x':1,'y':2,'z':4}"), d.value().get("n"), "earlier maps of a merge sequence win");
    }

    @Test
    void yaml11ScalarsAsGoYamlV2ResolvesThem() throws Exception {
        YamlBodies.Decoded d = decode("a: yes\nb: Off\nc: 010\nd: 0x1F\ne: 1_000\nf: 1.5\ng: ~\nh: '010'\ni: 1:20\nj: 2001-12-14\n");
        assertEquals(json("{'a':true,'b':false,'c':8,'d':31,'e':1000,'f':1.5,'g':null,'h':'010','i':'1:20','j':'2001-12-14'}"), d.value());
        assertEquals(400, assertThrows(StatusException.class, () -> decode("a: .inf\n")).code());
    }

    @Test
    void keysSetTwiceAreReportedAsYamlToJsonStrictDoes() throws Exception {
        YamlBodies.Decoded d = decode("metadata:\n  name: a\n  name: b\nkind: X\nkind: Y\n");
        assertEquals(json("{'metadata':{'name':'b'},'kind':'Y'}"), d.value(), "the last one is kept");
        assertEquals("error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key \"name\" already set in map\n"
                + "  line 5: key \"kind\" already set in map", d.duplicateKeys());
    }

    @Test
    void onlyTheFirstDocumentIsRead() throws Exception {
        assertEquals(json("{'a':1}"), decode("a: 1\n---\nb: 2\n").value());
        assertNull(decode("").value());
        assertEquals(400, assertThrows(StatusException.class, () -> decode("a: [1\n")).code());
    }

    @Test
    void mergeKeysTakeMapsOnlyAndCountTowardsTheLimits() {
        // a merge of a sequence that holds itself, and a chain of merges doubling at each step
        assertEquals(400, assertThrows(StatusException.class, () -> decode("x: {<<: &s [*s]}\n")).code());
        StringBuilder chain = new StringBuilder("x0: &s0 {a: 1}\n");
        for (int i = 1; i <= 60; i++) {
            chain.append("x").append(i).append(": &s").append(i).append(" {<<: [*s").append(i - 1).append(", *s").append(i - 1).append("]}\n");
        }
        long t0 = System.nanoTime();
        StatusException e = assertThrows(StatusException.class, () -> decode(chain.toString()));
        assertEquals(400, e.code());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused early");
        assertEquals(400, assertThrows(StatusException.class, () -> decode("x: {<<: [1, 2]}\n")).code());
    }
}
