package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Unmodified clients of several versions against the started distribution, on what makes them tell
 * a server from kube-apiserver: dry runs that never write (kubectl 1.27, 1.30, 1.32, 1.33).
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClientFidelityE2EIT {
    private static final List<String> KUBECTL_VERSIONS = List.of("1.27", "1.30", "1.32", "1.33");
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("fidelity");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Files.createTempDirectory("kapi-fidelity");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static String ok(String version, String... args) throws Exception {
        Distribution.Result r = dist.kubectlVersion(version, args);
        assertEquals("kubectl " + version + " " + String.join(" ", args) + " -> " + r.out(), 0, r.code());
        return r.out();
    }

    private static Path file(String name, String content) throws Exception {
        Path p = work.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /**
     * Every object of the kinds served, each list with its resourceVersion (the store's revision when read:
     * any write anywhere changes it).
     */
    private static String store() throws Exception {
        StringBuilder b = new StringBuilder();
        for (String r : List.of("namespaces", "configmaps", "secrets", "serviceaccounts")) {
            b.append(ok("", "get", "--raw", "/api/v1/" + r)).append('\n');
        }
        b.append(ok("", "get", "--raw", "/apis/coordination.k8s.io/v1/leases"));
        return b.toString();
    }

    @Test
    public void a_dryRunOnEveryVerbLeavesTheStoreAsItWas() throws Exception {
        ok("", "create", "namespace", "dry");
        ok("", "create", "configmap", "c1", "-n", "dry", "--from-literal=a=1");
        ok("", "create", "configmap", "c2", "-n", "dry", "--from-literal=a=1");
        Path fresh = file("fresh.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: dry\ndata:\n  a: \"1\"\n");
        Path changed = file("c1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  namespace: dry\ndata:\n  a: \"2\"\n");
        String before = store();
        for (String v : KUBECTL_VERSIONS) {
            // kubectl 1.27 looks its field validation up in /openapi/v2, which is not served yet
            String validate = v.equals("1.27") ? "--validate=false" : "--validate=strict";
            assertTrue(ok(v, "create", "configmap", "new", "-n", "dry", "--from-literal=a=1", "--dry-run=server")
                    .contains("configmap/new created (server dry run)"));
            assertTrue(ok(v, "create", "-f", fresh.toString(), validate, "--dry-run=server").contains("(server dry run)"));
            assertTrue(ok(v, "apply", "-f", changed.toString(), validate, "--dry-run=server").contains("configured (server dry run)"));
            assertTrue(ok(v, "replace", "-f", changed.toString(), validate, "--dry-run=server").contains("replaced (server dry run)"));
            assertTrue(ok(v, "label", "cm", "c1", "-n", "dry", "x=y", "--dry-run=server").contains("labeled (server dry run)"));
            ok(v, "annotate", "cm", "c1", "-n", "dry", "x=y", "--dry-run=server");
            ok(v, "patch", "cm", "c1", "-n", "dry", "-p", "{\"data\":{\"b\":\"2\"}}", "--dry-run=server");
            ok(v, "patch", "cm", "c1", "-n", "dry", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/data/a\"}]", "--dry-run=server");
            assertTrue(ok(v, "delete", "cm", "c1", "-n", "dry", "--dry-run=server").contains("deleted (server dry run)"));
            assertTrue(ok(v, "delete", "cm", "--all", "-n", "dry", "--dry-run=server").contains("configmap \"c2\" deleted (server dry run)"));
            assertTrue(ok(v, "delete", "namespace", "dry", "--dry-run=server").contains("deleted (server dry run)"));
            ok(v, "create", "secret", "generic", "s", "-n", "dry", "--from-literal=a=b", "--dry-run=server");
            ok(v, "create", "namespace", "other", "--dry-run=server");
            assertEquals("kubectl " + v + ": the store is unchanged, same resourceVersions", before, store());
        }
        assertEquals("configmap/c1\nconfigmap/c2", ok("", "get", "cm", "c1", "c2", "-n", "dry", "-o", "name").trim());
        assertEquals("Active", ok("", "get", "namespace", "dry", "-o", "jsonpath={.status.phase}"));
    }

    @Test
    public void b_anUnknownDryRunValueIsRefused() throws Exception {
        Distribution.Result r = dist.kubectl("get", "--raw", "/api/v1/namespaces/default/configmaps?dryRun=Yes");
        assertEquals(r.out(), 0, r.code()); // a read carries no dryRun: kube ignores the parameter there
        String out = ok("", "create", "configmap", "probe", "-n", "default", "--from-literal=a=1", "-o", "name");
        assertEquals("configmap/probe", out.trim());
        Distribution.Result bad = dist.kubectl("delete", "--raw", "/api/v1/namespaces/default/configmaps/probe?dryRun=Yes");
        assertTrue(bad.out(), bad.code() != 0 && bad.out().contains("Unsupported value: []string{\"Yes\"}: supported values: \"All\""));
        assertEquals("configmap/probe", ok("", "get", "cm", "probe", "-n", "default", "-o", "name").trim());
    }
}
