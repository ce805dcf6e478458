package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * CustomResourceDefinitions against the started distribution with kubectl 1.27, 1.30 and 1.33: a definition
 * applied and Established, its custom resources created, listed with their printer columns, defaulted,
 * refused by the schema with kube's messages, scaled, their status patched, selected by a selectable field;
 * creates refused while the definition terminates; the definition's deletion taking its objects; a
 * conversion webhook run by the test on loopback with its own CA, objects stored in v1 read in v2 and back.
 */
public class CustomResourcesE2EIT {
    private static final List<String> KUBECTL_VERSIONS = List.of("1.27", "1.30", "1.33");
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("crds");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Files.createTempDirectory("kapi-crds");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    /** Applies {@code file} until kubectl finds the group (discovery may lag a definition established a moment ago). */
    private static String applyOnceServed(String version, String ns, Path file, String expect) throws Exception {
        return dist.retry(version, r -> r.out().contains(expect), 20, "apply", "-n", ns, "-f", file.toString()).out();
    }

    private static final String WIDGET_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, kind: Widget, shortNames: [wd]}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                additionalPrinterColumns:
                - {name: Size, type: integer, jsonPath: .spec.size}
                selectableFields:
                - {jsonPath: .spec.color}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [size]
                        properties:
                          size: {type: integer, minimum: 1}
                          color: {type: string, enum: [red, blue], default: red}
                          replicas: {type: integer}
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
            """;

    @Test
    public void customResourceDefinitionsServeTheirResources() throws Exception {
        Path crd = work.resolve("widgets-crd.yaml");
        Files.writeString(crd, WIDGET_CRD);
        dist.ok("1.33", "apply", "-f", crd.toString());
        dist.ok("1.33", "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s");
        for (String v : KUBECTL_VERSIONS) {
            String ns = "crd-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            Path w = work.resolve("widget-" + ns + ".yaml");
            Files.writeString(w, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3, replicas: 1}\n");
            String applied = applyOnceServed(v, ns, w, "created");
            assertTrue(v + ": " + applied, applied.contains("widget.example.com/w1 created"));
            String table = dist.ok(v, "get", "wd", "-n", ns);
            assertTrue(v + ": " + table, table.contains("SIZE") && table.contains("w1") && table.contains("3"));
            assertEquals(v, "red", dist.ok(v, "get", "widget", "w1", "-n", ns, "-o", "jsonpath={.spec.color}"));
            String wide = dist.ok(v, "get", "wd", "-n", ns, "-o", "wide");
            // the definition's columns only: kube adds no Age column to a definition that declares columns
            assertTrue(v + ": " + wide, wide.contains("SIZE") && wide.contains("w1") && !wide.contains("AGE"));
            String explained = dist.ok(v, "explain", "widget.spec.color");
            assertTrue(v + ": " + explained, explained.contains("color") && explained.contains("string"));
            String watched = dist.ok(v, "get", "--raw", "/apis/example.com/v1/namespaces/" + ns + "/widgets?watch=true&timeoutSeconds=1");
            assertTrue(v + ": " + watched, watched.contains("\"type\":\"ADDED\"") && watched.contains("\"name\":\"w1\""));
            Files.writeString(w, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 0, color: green}\n");
            String invalid = dist.fails(v, "apply", "-n", ns, "-f", w.toString());
            assertTrue(v + ": " + invalid, invalid.contains("spec.size in body should be greater than or equal to 1")
                    && invalid.contains("Unsupported value: \"green\""));
            dist.ok(v, "scale", "widget", "w1", "-n", ns, "--replicas=3");
            assertEquals(v, "3", dist.ok(v, "get", "widget", "w1", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
            dist.ok(v, "patch", "widget", "w1", "-n", ns, "--subresource=status", "--type=merge", "-p", "{\"status\":{\"replicas\":3}}");
            assertEquals(v, "3", dist.ok(v, "get", "widget", "w1", "-n", ns, "-o", "jsonpath={.status.replicas}"));
            // the version's selectable fields are field selectors; others are kube's 400
            assertEquals(v, "w1", dist.ok(v, "get", "wd", "-n", ns, "--field-selector", "spec.color=red", "-o", "jsonpath={.items[*].metadata.name}"));
            assertEquals(v, "", dist.ok(v, "get", "wd", "-n", ns, "--field-selector", "spec.color=blue", "-o", "jsonpath={.items[*].metadata.name}"));
            String unsupported = dist.fails(v, "get", "wd", "-n", ns, "--field-selector", "spec.size=3");
            assertTrue(v + ": " + unsupported, unsupported.contains("field label not supported: spec.size"));
        }
        // the console's view: the definition, its state, versions and objects (one per kubectl's namespace)
        String crds = dist.client("kapi:crds").out();
        assertTrue(crds, crds.matches("(?s).*widgets\\.example\\.com\\s+.\\s*Established\\s+.\\s*v1\\*\\s+.\\s*Namespaced\\s+.\\s*"
                + KUBECTL_VERSIONS.size() + "\\b.*"));
        // while the definition is terminating (a custom resource holds it by a finalizer) creates are kube's 405
        String firstNs = "crd-" + KUBECTL_VERSIONS.get(0).replace('.', '-');
        dist.ok("1.33", "patch", "widget", "w1", "-n", firstNs, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":[\"example.com/hold\"]}}");
        dist.ok("1.33", "delete", "-f", crd.toString(), "--wait=false");
        Path late = work.resolve("widget-late.yaml");
        Files.writeString(late, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: late}\nspec: {size: 1}\n");
        String refused = dist.retry("1.33", r -> r.out().contains("terminating"), 20, "create", "-n", firstNs, "-f", late.toString()).out();
        assertTrue(refused, refused.contains("create not allowed while custom resource definition is terminating")
                && refused.contains("MethodNotAllowed"));
        dist.ok("1.33", "patch", "widget", "w1", "-n", firstNs, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        // deleting the definition deletes its custom resources, then the definition
        dist.ok("1.33", "delete", "-f", crd.toString(), "--ignore-not-found", "--timeout=60s");
        String gone = dist.fails("1.33", "get", "crd", "widgets.example.com");
        assertTrue(gone, gone.contains("NotFound") || gone.contains("not found"));
        for (String v : KUBECTL_VERSIONS) {
            dist.ok(v, "delete", "namespace", "crd-" + v.replace('.', '-'));
        }
    }


    private static final String CONVERTED_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: dials.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: dials, kind: Dial}
              conversion:
                strategy: Webhook
                webhook:
                  conversionReviewVersions: [v1]
                  clientConfig: {url: "URL", caBundle: "CA"}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {size: {type: integer}}}
              - name: v2
                served: true
                storage: false
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {replicas: {type: integer}}}
            """;

    /** A conversion webhook run by the test: stored in v1, read in v2 and back, through the webhook. */
    @Test
    public void aConversionWebhookConvertsBetweenVersions() throws Exception {
        try (TestConversionWebhook webhook = new TestConversionWebhook(work)) {
            Path crd = work.resolve("dials-crd.yaml");
            Files.writeString(crd, CONVERTED_CRD.replace("URL", webhook.url()).replace("CA", webhook.caBundle()));
            dist.ok("1.33", "apply", "-f", crd.toString());
            dist.ok("1.33", "wait", "--for=condition=Established", "crd/dials.example.com", "--timeout=30s");
            dist.ok("1.33", "create", "namespace", "dials");
            Path v1 = work.resolve("dial-v1.yaml");
            Files.writeString(v1, "apiVersion: example.com/v1\nkind: Dial\nmetadata: {name: d1}\nspec: {size: 3}\n");
            String created = applyOnceServed("1.33", "dials", v1, "created");
            assertTrue(created, created.contains("dial.example.com/d1 created"));
            for (String v : KUBECTL_VERSIONS) {
                assertEquals(v, "3", dist.ok(v, "get", "dials.v2.example.com", "d1", "-n", "dials", "-o", "jsonpath={.spec.replicas}"));
                assertEquals(v, "3", dist.ok(v, "get", "dials.v1.example.com", "d1", "-n", "dials", "-o", "jsonpath={.spec.size}"));
            }
            // written in v2: stored in v1 (as the console reads storage), read back in both
            Path v2 = work.resolve("dial-v2.yaml");
            Files.writeString(v2, "apiVersion: example.com/v2\nkind: Dial\nmetadata: {name: d2}\nspec: {replicas: 5}\n");
            dist.ok("1.33", "create", "-n", "dials", "-f", v2.toString());
            String stored = dist.client("kapi:get -n dials -o json dials d2").out();
            assertTrue(stored, stored.contains("\"apiVersion\" : \"example.com/v1\"") && stored.contains("\"size\" : 5"));
            assertEquals("5", dist.ok("1.33", "get", "dials.v1.example.com", "d2", "-n", "dials", "-o", "jsonpath={.spec.size}"));
            assertEquals("5", dist.ok("1.33", "get", "dials.v2.example.com", "d2", "-n", "dials", "-o", "jsonpath={.spec.replicas}"));
            assertTrue("the webhook was asked", webhook.reviews.get() > 0);
            dist.ok("1.33", "delete", "-f", crd.toString(), "--timeout=60s");
        }
    }

    /**
     * 50 definitions in the shape of real operators' (10 groups, kube's pod templates, affinity, volumes and
     * conditions inlined as controller-gen inlines them): all are accepted, Established and served, and each
     * takes an object.
     */
    @Test
    public void fiftyOperatorDefinitionsAreEstablishedAndServed() throws Exception {
        List<OperatorCrds.Crd> crds = new OperatorCrds().all();
        assertEquals(50, crds.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder definitions = new StringBuilder();
        StringBuilder objects = new StringBuilder();
        long largest = 0;
        for (OperatorCrds.Crd c : crds) {
            String d = json.writeValueAsString(c.definition());
            largest = Math.max(largest, d.length());
            definitions.append(d).append("\n---\n");
            objects.append(json.writeValueAsString(c.object())).append("\n---\n");
        }
        assertTrue("realistic sizes: the largest definition is " + largest + " bytes", largest > 100_000);
        Path all = work.resolve("operators.yaml");
        Files.writeString(all, definitions.toString());
        // kubectl create: a client-side apply would not fit them in its last-applied annotation (as with real operators)
        String created = dist.ok("1.33", "create", "-f", all.toString());
        assertEquals(created, 50, created.lines().filter(l -> l.endsWith(" created")).count());
        List<String> wait = new java.util.ArrayList<>(List.of("wait", "--for=condition=Established", "--timeout=120s"));
        crds.forEach(c -> wait.add("crd/" + c.name()));
        dist.ok("1.33", wait.toArray(new String[0]));
        dist.ok("1.33", "create", "namespace", "operators");
        Path examples = work.resolve("operator-objects.yaml");
        Files.writeString(examples, objects.toString());
        // discovery catching up with groups that just appeared
        String made = dist.retry("1.33", r -> r.code() == 0, 60, "apply", "--server-side", "-n", "operators", "-f", examples.toString()).out();
        assertEquals(made, 50, made.lines().filter(l -> l.endsWith(" serverside-applied")).count());
        // applied again, unchanged: no conflict, the same objects (kube answers the apply without writing)
        String again = dist.ok("1.33", "apply", "--server-side", "-n", "operators", "-f", examples.toString());
        assertEquals(again, 50, again.lines().filter(l -> l.endsWith(" serverside-applied")).count());
        // the older version is served, deprecated: kube's default warning names the newer one
        OperatorCrds.Crd first = crds.get(0);
        String old = dist.ok("1.33", "get", first.plural() + ".v1beta1." + first.group(), "-n", "operators");
        assertTrue(old, old.contains("Warning: " + first.group() + "/v1beta1 " + first.kind() + " is deprecated; use "
                + first.group() + "/v1 " + first.kind()));
        for (OperatorCrds.Crd c : crds) {
            assertEquals(c.name(), "example", dist.ok("1.33", "get", c.plural() + "." + c.group(), "-n", "operators",
                    "-o", "jsonpath={.items[*].metadata.name}"));
        }
        String category = dist.ok("1.33", "get", "acme", "-n", "operators", "-o", "name");
        assertEquals(category, 50, category.lines().filter(l -> l.endsWith("/example")).count());
        dist.ok("1.33", "delete", "-f", all.toString(), "--timeout=120s");
    }

    private static final String RULED_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gauges.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: gauges, kind: Gauge}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-validations:
                        - rule: "self.replicas <= self.maxReplicas"
                          messageExpression: "'replicas (%d) must not exceed maxReplicas (%d)'.format([self.replicas, self.maxReplicas])"
                        - rule: "self.mode == oldSelf.mode"
                          message: mode is immutable
                        properties:
                          replicas: {type: integer}
                          maxReplicas: {type: integer}
                          mode: {type: string}
            """;

    /** kube's refusal of a schema that is not structural, and CEL rules refusing objects (transition rules too). */
    @Test
    public void nonStructuralSchemasAndCelRules() throws Exception {
        Path bad = work.resolve("nonstructural-crd.yaml");
        Files.writeString(bad, RULED_CRD.replace("gauges", "dials2").replace("Gauge", "Dial2")
                .replace("          spec:\n            type: object\n", "          spec:\n"));
        assertTrue("the schema lost its type", !Files.readString(bad).contains("spec:\n            type: object"));
        String refused = dist.fails("1.33", "apply", "-f", bad.toString());
        assertTrue(refused, refused.contains("spec.validation.openAPIV3Schema.properties[spec].type: Required value: "
                + "must not be empty for specified object fields"));
        // string(int) has no bounded size in kube 1.32's cost estimate: concatenating it exceeds the budget
        // (kubernetes/kubernetes#124234); the format function, used below, does not
        Path costly = work.resolve("costly-crd.yaml");
        Files.writeString(costly, RULED_CRD.replace("gauges", "dials3").replace("Gauge", "Dial3").replace(
                "\"'replicas (%d) must not exceed maxReplicas (%d)'.format([self.replicas, self.maxReplicas])\"",
                "\"'invalid replicas: ' + string(self.replicas)\""));
        assertTrue("the costly messageExpression is in place", Files.readString(costly).contains("string(self.replicas)"));
        String tooCostly = dist.fails("1.33", "apply", "-f", costly.toString());
        assertTrue(tooCostly, tooCostly.contains("spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].messageExpression: "
                + "Forbidden: estimated messageExpression cost exceeds budget by factor of more than 100x"));
        Path crd = work.resolve("gauges-crd.yaml");
        Files.writeString(crd, RULED_CRD);
        dist.ok("1.33", "apply", "-f", crd.toString());
        dist.ok("1.33", "wait", "--for=condition=Established", "crd/gauges.example.com", "--timeout=30s");
        dist.ok("1.33", "create", "namespace", "gauges");
        for (String v : KUBECTL_VERSIONS) {
            String name = "g-" + v.replace('.', '-');
            Path over = work.resolve(name + ".yaml");
            Files.writeString(over, "apiVersion: example.com/v1\nkind: Gauge\nmetadata: {name: " + name + "}\n"
                    + "spec: {replicas: 5, maxReplicas: 3, mode: fast}\n");
            String rejected = dist.retry(v, r -> r.out().contains("is invalid"), 20, "apply", "-n", "gauges", "-f", over.toString()).out();
            assertTrue(v + ": " + rejected, rejected.contains("spec: Invalid value: \"object\": replicas (5) must not exceed maxReplicas (3)"));
            Files.writeString(over, "apiVersion: example.com/v1\nkind: Gauge\nmetadata: {name: " + name + "}\n"
                    + "spec: {replicas: 2, maxReplicas: 3, mode: fast}\n");
            dist.ok(v, "apply", "-n", "gauges", "-f", over.toString());
            String immutable = dist.fails(v, "patch", "gauge", name, "-n", "gauges", "--type=merge", "-p", "{\"spec\":{\"mode\":\"slow\"}}");
            assertTrue(v + ": " + immutable, immutable.contains("spec: Invalid value: \"object\": mode is immutable"));
            dist.ok(v, "patch", "gauge", name, "-n", "gauges", "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}");
        }
        dist.ok("1.33", "delete", "-f", crd.toString(), "--timeout=60s");
    }
}
