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
 * The built-in groups against the started distribution with kubectl 1.27, 1.30 and 1.33. apps/v1 as a
 * user drives workloads: create and apply (twice, then a clean diff), {@code get -o wide} and {@code get all},
 * {@code scale --current-replicas}, {@code set image}, {@code patch --subresource=status},
 * {@code wait --for=condition} and {@code --for=jsonpath}, {@code explain --recursive}, kube's
 * validation errors and the immutable selector; Services with cluster IPs and node ports ({@code expose},
 * a node port taken and freed); RBAC objects as {@code kubectl create role|rolebinding|clusterrole}
 * makes them, with kube's validation; jobs and cronjobs ({@code kubectl create job|cronjob}, the generated
 * selector, the immutable template, schedules kube refuses); pods ({@code kubectl run}, phase Pending, the
 * fields kube's admission adds, field selectors, the update rules); ingresses, ingress classes, network
 * policies and pod disruption budgets applied twice and diffed clean; every other built-in kind created, changed by
 * {@code kubectl apply}, listed {@code -o wide} with kube 1.32's columns and deleted, with each kubectl; the proxy
 * subresources with nothing behind them. No controller acts on these objects: the test writes their status
 * itself, as a controller would.
 */
public class BuiltInGroupsE2EIT {
    private static final List<String> KUBECTL_VERSIONS = List.of("1.27", "1.30", "1.33");
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("builtin");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Files.createTempDirectory("kapi-builtin");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static final String MANIFEST = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, labels: {app: api}}
            spec:
              replicas: 2
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                  - name: api
                    image: registry.example.com/api:1.0
                    ports: [{containerPort: 8080, name: http}]
                    env: [{name: MODE, value: prod}]
                    readinessProbe: {httpGet: {path: /healthz, port: http}}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers: [{name: pg, image: "postgres:16", ports: [{containerPort: 5432}]}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  nodeSelector: {kubernetes.io/os: linux}
                  containers: [{name: agent, image: "busybox:1.36", command: [sleep, "3600"]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api}
            spec:
              selector: {app: api}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec:
              clusterIP: None
              selector: {app: db}
              ports: [{port: 5432}]
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: cache}
            spec:
              replicas: 1
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers: [{name: redis, image: "redis:7"}]
            """;

    @Test
    public void theKubernetesServiceIsOnTheFirstAddressOfTheRange() throws Exception {
        String svc = dist.ok("", "get", "svc", "kubernetes", "-n", "default", "-o",
                "jsonpath={.spec.clusterIP} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.metadata.labels.component}");
        assertEquals("10.96.0.1 443 6443 apiserver", svc);
        String all = dist.ok("", "get", "all", "-n", "default");
        assertTrue(all, all.contains("service/kubernetes"));
    }

    /** kubectl get cs: the storage healthy, kube's connection-refused answer for a controller manager and scheduler Kapi does not run. */
    @Test
    public void componentStatusesAreCheckedWithKubesDeprecationWarning() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String cs = dist.ok(v, "get", "componentstatuses");
            assertTrue(v + ": " + cs, cs.contains("Warning: v1 ComponentStatus is deprecated in v1.19+"));
            assertTrue(v + ": " + cs, cs.matches("(?s).*etcd-0\\s+Healthy\\s+ok.*"));
            assertTrue(v + ": " + cs, cs.matches("(?s).*scheduler\\s+Unhealthy\\s+Get \"https://127.0.0.1:10259/healthz\": dial tcp "
                    + "127.0.0.1:10259: connect: connection refused.*"));
            String one = dist.ok(v, "get", "cs", "etcd-0", "-o", "jsonpath={.conditions[0].status}");
            assertTrue(v + ": " + one, one.endsWith("\nTrue"));
        }
    }

    @Test
    public void rbacObjectsAsKubectlCreatesThem() throws Exception {
        assertEquals("ClusterRole/cluster-admin system:masters", dist.ok("", "get", "clusterrolebinding", "cluster-admin", "-o",
                "jsonpath={.roleRef.kind}/{.roleRef.name} {.subjects[0].name}"));
        // kube's bootstrap roles, aggregated: admin gathers edit's and view's rules; a new aggregate-to-view role joins
        String adminResources = dist.ok("", "get", "clusterrole", "admin", "-o", "jsonpath={.rules[*].resources}");
        assertTrue(adminResources, adminResources.contains("deployments") && adminResources.contains("rolebindings"));
        assertTrue(dist.ok("", "get", "clusterrolebinding", "system:basic-user", "-o", "name").contains("system:basic-user"));
        Path extra = work.resolve("aggregate.yaml");
        Files.writeString(extra, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: widgets-view, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
                rules: [{apiGroups: [widgets.example.com], resources: [widgets], verbs: [get, list, watch]}]
                """);
        dist.ok("", "apply", "-f", extra.toString());
        String view = "";
        for (long end = System.nanoTime() + 10_000_000_000L; !view.contains("widgets") && System.nanoTime() < end; ) {
            Thread.sleep(200);
            view = dist.ok("", "get", "clusterrole", "view", "-o", "jsonpath={.rules[*].resources}");
        }
        assertTrue(view, view.contains("widgets"));
        dist.ok("", "delete", "-f", extra.toString());
        // kubectl auth whoami (authentication.k8s.io/v1, which kubectl asks for from 1.28 on)
        for (String v : List.of("1.30", "", "1.33")) {
            String whoami = dist.ok(v, "auth", "whoami");
            assertTrue(v + ": " + whoami, whoami.contains("Username") && whoami.contains("system:masters")
                    && whoami.contains("system:authenticated"));
        }
        // the review APIs: kubectl auth can-i --list (selfsubjectrulesreviews), a SubjectAccessReview for
        // someone else, kube's validation of one
        for (String v : KUBECTL_VERSIONS) {
            String rules = dist.ok(v, "auth", "can-i", "--list");
            assertTrue(v + ": " + rules, rules.contains("*.*") && rules.contains("[*]"));
        }
        // kubectl's client-side validation of a kind without a PATCH operation (every review) lists
        // CustomResourceDefinitions to tell whether it is one
        Path sarYaml = work.resolve("sar.yaml");
        Files.writeString(sarYaml, """
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  user: jane
                  groups: [system:masters]
                  resourceAttributes: {verb: delete, resource: pods, namespace: default}
                """);
        assertEquals("true", dist.ok("1.33", "create", "-f", sarYaml.toString(), "-o", "jsonpath={.status.allowed}"));
        Path sar = work.resolve("sar.json");
        Files.writeString(sar, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{"
                + "\"user\":\"jane\",\"groups\":[\"system:masters\"],\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"pods\","
                + "\"namespace\":\"default\"}}}");
        String review = dist.ok("1.33", "create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f", sar.toString());
        assertTrue(review, review.contains("\"allowed\":true"));
        Files.writeString(sar, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{"
                + "\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"pods\"}}}");
        String noSubject = dist.fails("1.33", "create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f", sar.toString());
        assertTrue(noSubject, noSubject.contains("at least one of user or group must be specified"));
        for (String v : KUBECTL_VERSIONS) {
            String ns = "rbac-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            dist.ok(v, "create", "role", "reader", "-n", ns, "--verb=get,list,watch", "--resource=configmaps,secrets");
            dist.ok(v, "create", "rolebinding", "reader", "-n", ns, "--role=reader", "--user=jane", "--serviceaccount=" + ns + ":app");
            dist.ok(v, "create", "clusterrole", "health-" + v.replace('.', '-'), "--verb=get", "--non-resource-url=/healthz");
            String wide = dist.ok(v, "get", "rolebinding", "reader", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + wide, wide.contains("Role/reader") && wide.contains("jane") && wide.contains(ns + "/app"));
            String rules = dist.ok(v, "get", "role", "reader", "-n", ns, "-o", "jsonpath={.rules[0].verbs}");
            assertTrue(v + ": " + rules, rules.contains("get") && rules.contains("watch"));
            Path bad = work.resolve("bad-role-" + v + ".yaml");
            Files.writeString(bad, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: bad}\n"
                    + "rules: [{nonResourceURLs: [/metrics], verbs: [get]}]\n");
            String invalid = dist.fails(v, "create", "-n", ns, "-f", bad.toString());
            assertTrue(v + ": " + invalid, invalid.contains(
                    "rules[0].nonResourceURLs: Invalid value: []string{\"/metrics\"}: namespaced rules cannot apply to non-resource URLs"));
            String changed = dist.fails(v, "patch", "rolebinding", "reader", "-n", ns, "--type=merge", "-p", "{\"roleRef\":{\"name\":\"other\"}}");
            assertTrue(v + ": " + changed, changed.contains("cannot change roleRef"));
        }
    }

    private static final String EDGE = """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: nginx-%1$s}
            spec: {controller: k8s.io/ingress-nginx}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              ingressClassName: nginx-%1$s
              tls: [{hosts: [web.example.com], secretName: web-tls}]
              rules:
              - host: web.example.com
                http:
                  paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web}
            spec:
              minAvailable: 1
              selector: {matchLabels: {app: web}}
            """;

    @Test
    public void ingressesNetworkPoliciesAndDisruptionBudgets() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String ns = "edge-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            Path manifest = work.resolve("edge-" + v + ".yaml");
            Files.writeString(manifest, EDGE.formatted(v.replace('.', '-')));
            dist.ok(v, "apply", "-n", ns, "-f", manifest.toString());
            String again = dist.ok(v, "apply", "-n", ns, "-f", manifest.toString());
            // the network policy's rules are an atomic list that defaulting completes, and a budget's selector has the
            // "replace" patch strategy: kubectl sends them again and says "configured", as against kube, and the
            // server finds nothing to change
            assertTrue(v + ": " + again, again.contains("ingress.networking.k8s.io/web unchanged"));
            assertEquals("1 1", dist.ok(v, "get", "netpol/db", "pdb/web", "-n", ns, "-o", "jsonpath={.items[*].metadata.generation}"));
            dist.ok(v, "diff", "-n", ns, "-f", manifest.toString());
            String ing = dist.ok(v, "get", "ing", "-n", ns);
            assertTrue(v + ": " + ing, ing.contains("web.example.com") && ing.contains("80, 443") && ing.contains("nginx-"));
            assertEquals("[\"Ingress\"] TCP", dist.ok(v, "get", "netpol", "db", "-n", ns, "-o",
                    "jsonpath={.spec.policyTypes} {.spec.ingress[0].ports[0].protocol}"));
            String pdb = dist.ok(v, "get", "pdb", "-n", ns);
            assertTrue(v + ": " + pdb, pdb.contains("MIN AVAILABLE") && pdb.contains("N/A"));
            Path bad = work.resolve("bad-ing-" + v + ".yaml");
            Files.writeString(bad, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bad}\nspec:\n  rules:\n"
                    + "  - http:\n      paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]\n");
            String invalid = dist.fails(v, "create", "-n", ns, "-f", bad.toString());
            assertTrue(v + ": " + invalid, invalid.contains("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"));
            dist.ok(v, "delete", "-n", ns, "-f", manifest.toString());
        }
    }

    @Test
    public void podsAsKubectlRunsThem() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String ns = "pods-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            dist.ok(v, "run", "web", "-n", ns, "--image=nginx", "--labels=app=web");
            String wide = dist.ok(v, "get", "pods", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + wide, wide.contains("0/1") && wide.contains("Pending") && wide.contains("NOMINATED NODE"));
            assertEquals("Pending BestEffort default Always 300", dist.ok(v, "get", "pod", "web", "-n", ns, "-o",
                    "jsonpath={.status.phase} {.status.qosClass} {.spec.serviceAccountName} {.spec.containers[0].imagePullPolicy} "
                            + "{.spec.tolerations[0].tolerationSeconds}"));
            assertEquals("pod/web", dist.ok(v, "get", "pods", "-n", ns, "--field-selector", "status.phase=Pending", "-o", "name").trim());
            String unsupported = dist.fails(v, "get", "pods", "-n", ns, "--field-selector", "spec.foo=bar");
            assertTrue(v + ": " + unsupported, unsupported.contains("field label not supported: spec.foo"));
            dist.ok(v, "set", "image", "pod/web", "-n", ns, "web=nginx:1.27");
            String forbidden = dist.fails(v, "patch", "pod", "web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"restartPolicy\":\"Never\"}}");
            assertTrue(v + ": " + forbidden, forbidden.contains("pod updates may not change fields other than `spec.containers[*].image`"));
            String all = dist.ok(v, "get", "all", "-n", ns);
            assertTrue(v + ": " + all, all.contains("pod/web"));
            dist.ok(v, "delete", "pod", "web", "-n", ns);
        }
    }

    @Test
    public void jobsAndCronJobsAsKubectlCreatesThem() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String ns = "batch-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            dist.ok(v, "create", "job", "pi", "-n", ns, "--image=perl:5.34.0", "--", "perl", "-Mbignum=bpi", "-wle", "print bpi(20)");
            String jobs = dist.ok(v, "get", "jobs", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + jobs, jobs.contains("STATUS") && jobs.contains("Running") && jobs.contains("0/1")
                    && jobs.contains("batch.kubernetes.io/controller-uid="));
            assertEquals("6 NonIndexed pi", dist.ok(v, "get", "job", "pi", "-n", ns, "-o",
                    "jsonpath={.spec.backoffLimit} {.spec.completionMode} {.spec.template.metadata.labels.batch\\.kubernetes\\.io/job-name}"));
            String immutable = dist.fails(v, "set", "image", "job/pi", "-n", ns, "pi=perl:5.36");
            assertTrue(v + ": " + immutable, immutable.contains("spec.template: Invalid value:") && immutable.contains("field is immutable"));
            dist.ok(v, "create", "cronjob", "hello", "-n", ns, "--image=busybox:1.28", "--schedule=*/1 * * * *", "--", "date");
            String cj = dist.ok(v, "get", "cj", "-n", ns);
            assertTrue(v + ": " + cj, cj.contains("SCHEDULE") && cj.contains("*/1 * * * *") && cj.contains("False"));
            String bad = dist.fails(v, "create", "cronjob", "bad", "-n", ns, "--image=busybox", "--schedule=61 * * * *");
            assertTrue(v + ": " + bad, bad.contains("spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"));
            String all = dist.ok(v, "get", "all", "-n", ns);
            assertTrue(v + ": " + all, all.contains("job.batch/pi") && all.contains("cronjob.batch/hello"));
            dist.ok(v, "delete", "job", "pi", "-n", ns);
            dist.ok(v, "delete", "cronjob", "hello", "-n", ns);
        }
    }

    /** deploy/web owns rs/web-1, which owns two pods: kubectl's three cascades over three levels. */
    private static void ownedTree(String v, String ns) throws Exception {
        dist.ok(v, "create", "deployment", "web", "-n", ns, "--image=registry.example.com/web:1");
        String deployUid = dist.ok(v, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.uid}").trim();
        Path rs = work.resolve("rs-" + ns + ".yaml");
        Files.writeString(rs, """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: web-1
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: %s, controller: true, blockOwnerDeletion: true}]
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: "registry.example.com/web:1"}]}
                """.formatted(deployUid));
        dist.ok(v, "create", "-n", ns, "-f", rs.toString());
        String rsUid = dist.ok(v, "get", "rs", "web-1", "-n", ns, "-o", "jsonpath={.metadata.uid}").trim();
        for (String pod : List.of("web-1-a", "web-1-b")) {
            Path p = work.resolve(pod + "-" + ns + ".yaml");
            Files.writeString(p, """
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: %s
                      labels: {app: web}
                      ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: %s, controller: true, blockOwnerDeletion: true}]
                    spec: {containers: [{name: web, image: "registry.example.com/web:1"}]}
                    """.formatted(pod, rsUid));
            dist.ok(v, "create", "-n", ns, "-f", p.toString());
        }
    }

    private static String names(String v, String ns) throws Exception {
        return dist.ok(v, "get", "deploy,rs,pods", "-n", ns, "-o", "name").trim();
    }

    private static void awaitNames(String v, String ns, String expected) throws Exception {
        String now = names(v, ns);
        for (long end = System.nanoTime() + 15_000_000_000L; !now.equals(expected) && System.nanoTime() < end; ) {
            Thread.sleep(200);
            now = names(v, ns);
        }
        assertEquals(v, expected, now);
    }

    @Test
    public void cascadingDeletesFollowOwnerReferencesThreeLevelsDeep() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String ns = "cascade-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            // background (kubectl's default): the deployment goes at once, the collector takes the rest
            ownedTree(v, ns);
            dist.ok(v, "delete", "deploy", "web", "-n", ns, "--cascade=background");
            awaitNames(v, ns, "");
            // foreground: kubectl waits for the deployment, which goes last
            ownedTree(v, ns);
            dist.ok(v, "delete", "deploy", "web", "-n", ns, "--cascade=foreground");
            assertEquals(v, "", names(v, ns));
            // orphan: the replica set stays without its owner, the pods keep theirs
            ownedTree(v, ns);
            dist.ok(v, "delete", "deploy", "web", "-n", ns, "--cascade=orphan");
            awaitNames(v, ns, "replicaset.apps/web-1\npod/web-1-a\npod/web-1-b");
            assertEquals(v, "", dist.ok(v, "get", "rs", "web-1", "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}").trim());
            assertEquals(v, "ReplicaSet web-1", dist.ok(v, "get", "pod", "web-1-a", "-n", ns, "-o",
                    "jsonpath={.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name}").trim());
            dist.ok(v, "delete", "namespace", ns);
        }
    }

    private static final String MORE = """
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: legacy}
            spec:
              replicas: 1
              template:
                metadata: {labels: {app: legacy}}
                spec: {containers: [{name: c, image: "busybox:1.36"}]}
            ---
            apiVersion: v1
            kind: PodTemplate
            metadata: {name: tpl}
            template:
              metadata: {labels: {app: tpl}}
              spec: {containers: [{name: c, image: "busybox:1.36"}]}
            ---
            apiVersion: v1
            kind: LimitRange
            metadata: {name: limits}
            spec:
              limits: [{type: Container, max: {cpu: "2"}, defaultRequest: {cpu: 100m}}]
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: quota}
            spec: {hard: {pods: "10", requests.cpu: "4", limits.memory: 8Gi}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 80}]
            endpoints: [{addresses: [10.0.0.1]}, {addresses: [10.0.0.2]}]
            ---
            apiVersion: storage.k8s.io/v1
            kind: CSIStorageCapacity
            metadata: {name: cap}
            storageClassName: fast
            capacity: 10Gi
            """;

    /** An events.k8s.io/v1 Event about the ReplicationController above (kube: in the namespace it is about). */
    private static final String EVENT = """
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata: {name: legacy.1}
            eventTime: "2026-12-05T10:00:00.000000Z"
            reportingController: example.com/rc-controller
            reportingInstance: controller-1
            action: Scaling
            reason: ScaledUp
            type: Normal
            note: scaled to 3
            regarding: {kind: ReplicationController, name: legacy, apiVersion: v1, namespace: %s}
            """;

    private static final String CLUSTER = """
            apiVersion: node.k8s.io/v1
            kind: RuntimeClass
            metadata: {name: gvisor}
            handler: runsc
            ---
            apiVersion: storage.k8s.io/v1
            kind: VolumeAttachment
            metadata: {name: va-1}
            spec: {attacher: csi.example.com, nodeName: n1, source: {persistentVolumeName: pv-1}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1, labels: {node-role.kubernetes.io/worker: ""}}
            status:
              conditions: [{type: Ready, status: "True"}]
              nodeInfo: {kubeletVersion: v1.32.0}
            """;

    @Test
    public void theRestOfCoreAndTheSmallerGroupsAndADrain() throws Exception {
        Path more = work.resolve("more.yaml");
        Files.writeString(more, MORE);
        Path cluster = work.resolve("cluster.yaml");
        Files.writeString(cluster, CLUSTER);
        dist.ok("1.33", "apply", "-f", cluster.toString());
        for (String v : KUBECTL_VERSIONS) {
            String ns = "more-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            String applied = dist.ok(v, "apply", "-n", ns, "-f", more.toString());
            assertTrue(v + ": " + applied, applied.contains("replicationcontroller/legacy created")
                    && applied.contains("endpointslice.discovery.k8s.io/web-abc created")
                    && applied.contains("csistoragecapacity.storage.k8s.io/cap created"));
            dist.ok(v, "diff", "-n", ns, "-f", more.toString());
            String rc = dist.ok(v, "get", "rc", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + rc, rc.contains("DESIRED") && rc.contains("app=legacy") && rc.contains("busybox:1.36"));
            dist.ok(v, "scale", "rc", "legacy", "-n", ns, "--current-replicas=1", "--replicas=3");
            assertEquals(v, "3", dist.ok(v, "get", "rc", "legacy", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
            dist.fails(v, "scale", "rc", "legacy", "-n", ns, "--current-replicas=1", "--replicas=4");
            String quota = dist.ok(v, "get", "quota", "-n", ns);
            assertTrue(v + ": " + quota, quota.contains("REQUEST") && quota.contains("LIMIT"));
            String limits = dist.ok(v, "get", "limits", "limits", "-n", ns, "-o", "jsonpath={.spec.limits[0].default.cpu}");
            assertEquals(v, "2", limits);
            // one event, written as events.k8s.io/v1, read as core/v1 too
            Path event = work.resolve("event-" + ns + ".yaml");
            Files.writeString(event, EVENT.formatted(ns));
            dist.ok(v, "apply", "-n", ns, "-f", event.toString());
            assertEquals(v, "scaled to 3 ReplicationController/legacy", dist.ok(v, "get", "events.v1.", "legacy.1", "-n", ns, "-o",
                    "jsonpath={.message} {.involvedObject.kind}/{.involvedObject.name}"));
            assertEquals(v, "example.com/rc-controller", dist.ok(v, "get", "events.events.k8s.io", "legacy.1", "-n", ns, "-o",
                    "jsonpath={.reportingController}"));
            String slices = dist.ok(v, "get", "endpointslices", "-n", ns);
            assertTrue(v + ": " + slices, slices.contains("IPv4") && slices.contains("10.0.0.1,10.0.0.2"));
        }
        String nodes = dist.ok("1.33", "get", "nodes");
        assertTrue(nodes, nodes.contains("Ready") && nodes.contains("worker") && nodes.contains("v1.32.0"));
        assertTrue(dist.ok("1.33", "get", "runtimeclasses").contains("runsc"));
        assertTrue(dist.ok("1.33", "get", "volumeattachments").contains("csi.example.com"));
        // a pod bound to the node as a scheduler binds it, then kubectl drain evicts it and cordons the node
        dist.ok("1.33", "run", "bound", "-n", "default", "--image=busybox:1.36");
        // no scheduler placed it yet: an empty log and kube's 400 for exec and attach
        for (String v : KUBECTL_VERSIONS) {
            assertEquals(v, "", dist.ok(v, "logs", "bound", "-n", "default").trim());
            String exec = dist.fails(v, "exec", "bound", "-n", "default", "--", "true");
            assertTrue(v + ": " + exec, exec.contains("pod bound does not have a host assigned"));
        }
        Path binding = work.resolve("binding.json");
        Files.writeString(binding, "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"bound\"},"
                + "\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
        dist.ok("1.33", "create", "--raw", "/api/v1/namespaces/default/pods/bound/binding", "-f", binding.toString());
        assertEquals("n1", dist.ok("1.33", "get", "pod", "bound", "-o", "jsonpath={.spec.nodeName}"));
        String again = dist.fails("1.33", "create", "--raw", "/api/v1/namespaces/default/pods/bound/binding", "-f", binding.toString());
        assertTrue(again, again.contains("is already assigned to node"));
        for (String v : KUBECTL_VERSIONS) {
            String drained = dist.ok(v, "drain", "n1", "--force", "--ignore-daemonsets");
            assertTrue(v + ": " + drained, drained.contains("drained"));
            dist.ok(v, "uncordon", "n1");
        }
        assertEquals("", dist.ok("1.33", "get", "pods", "-n", "default", "--field-selector=spec.nodeName=n1", "-o", "name").trim());
        dist.ok("1.33", "delete", "-f", cluster.toString());
    }

    /** A PKCS#10 request for CN=jane from the JDK's keytool, in the PEM block kube reads. */
    private static synchronized String certificateRequest() throws Exception {
        if (janeRequest != null) {
            return janeRequest;
        }
        Path store = work.resolve("jane.p12");
        Path csr = work.resolve("jane.csr");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        for (List<String> cmd : List.of(
                List.of(keytool, "-genkeypair", "-alias", "jane", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=jane",
                        "-keystore", store.toString(), "-storepass", "changeit", "-storetype", "PKCS12"),
                List.of(keytool, "-certreq", "-alias", "jane", "-keystore", store.toString(), "-storepass", "changeit",
                        "-file", csr.toString()))) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(out, 0, p.waitFor());
        }
        janeRequest = Files.readString(csr).replace("NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST");
        return janeRequest;
    }

    /** The request keytool made, kept: a second keytool -genkeypair into the same store would find the alias taken. */
    private static String janeRequest;

    @Test
    public void certificateSigningRequestsApprovedAndDeniedAsKubectlDoesIt() throws Exception {
        String request = java.util.Base64.getEncoder().encodeToString(certificateRequest().getBytes());
        for (String v : KUBECTL_VERSIONS) {
            String name = "jane-" + v.replace('.', '-');
            Path csr = work.resolve(name + ".yaml");
            Files.writeString(csr, """
                    apiVersion: certificates.k8s.io/v1
                    kind: CertificateSigningRequest
                    metadata: {name: %s}
                    spec:
                      request: %s
                      signerName: kubernetes.io/kube-apiserver-client
                      expirationSeconds: 86400
                      usages: [client auth]
                    """.formatted(name, request));
            dist.ok(v, "create", "-f", csr.toString());
            String pending = dist.ok(v, "get", "csr", name);
            assertTrue(v + ": " + pending, pending.contains("Pending") && pending.contains("kubernetes.io/kube-apiserver-client")
                    && pending.contains("24h"));
            assertTrue(v, dist.ok(v, "get", "csr", name, "-o", "jsonpath={.spec.groups}").contains("system:masters"));
            dist.ok(v, "certificate", "approve", name);
            assertEquals(v, "Approved", dist.ok(v, "get", "csr", name, "-o", "jsonpath={.status.conditions[0].type}"));
            // kubectl itself refuses to deny what is approved; the server's own rule is CsrValidationTest's
            String denied = dist.fails(v, "certificate", "deny", name);
            assertTrue(v + ": " + denied, denied.contains("is already Approved"));
            dist.ok(v, "delete", "csr", name);
        }
    }

    @Test
    public void workloadsAsKubectlDrivesThem() throws Exception {
        Path manifest = work.resolve("apps.yaml");
        Files.writeString(manifest, MANIFEST);
        for (String v : KUBECTL_VERSIONS) {
            String ns = "apps-" + v.replace('.', '-');
            dist.ok(v, "create", "namespace", ns);
            String applied = dist.ok(v, "apply", "-n", ns, "-f", manifest.toString());
            assertTrue(v + ": " + applied, applied.contains("deployment.apps/api created") && applied.contains("statefulset.apps/db created")
                    && applied.contains("daemonset.apps/agent created") && applied.contains("replicaset.apps/cache created"));
            String again = dist.ok(v, "apply", "-n", ns, "-f", manifest.toString());
            assertTrue(v + ": " + again, again.contains("deployment.apps/api unchanged") && again.contains("replicaset.apps/cache unchanged"));
            dist.ok(v, "diff", "-n", ns, "-f", manifest.toString());

            // Services: an address from the service range, kube's columns, node ports by kubectl expose
            String svc = dist.ok(v, "get", "svc", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + svc, svc.contains("CLUSTER-IP") && svc.contains("80/TCP") && svc.contains("None")
                    && svc.contains("app=api") && svc.contains("10."));
            dist.ok(v, "expose", "deploy", "api", "-n", ns, "--name=api-public", "--type=NodePort", "--port=8080", "--target-port=http");
            String nodePort = dist.ok(v, "get", "svc", "api-public", "-n", ns, "-o", "jsonpath={.spec.ports[0].nodePort}");
            assertTrue(v + ": " + nodePort, Integer.parseInt(nodePort) >= 30000 && Integer.parseInt(nodePort) <= 32767);
            String taken = dist.fails(v, "create", "service", "nodeport", "dup", "-n", ns, "--tcp=80:80", "--node-port=" + nodePort);
            assertTrue(v + ": " + taken, taken.contains("spec.ports[0].nodePort: Invalid value: " + nodePort
                    + ": provided port is already allocated"));
            dist.ok(v, "delete", "svc", "api-public", "-n", ns);
            dist.ok(v, "create", "service", "nodeport", "dup", "-n", ns, "--tcp=80:80", "--node-port=" + nodePort);
            dist.ok(v, "delete", "svc", "dup", "-n", ns);

            String wide = dist.ok(v, "get", "deploy", "-n", ns, "-o", "wide");
            assertTrue(v + ": " + wide, wide.contains("READY") && wide.contains("UP-TO-DATE") && wide.contains("CONTAINERS")
                    && wide.contains("registry.example.com/api:1.0") && wide.contains("app=api") && wide.contains("0/2"));
            String all = dist.ok(v, "get", "all", "-n", ns);
            assertTrue(v + ": " + all, all.contains("deployment.apps/api") && all.contains("statefulset.apps/db")
                    && all.contains("daemonset.apps/agent") && all.contains("replicaset.apps/cache"));
            String ds = dist.ok(v, "get", "ds", "-n", ns);
            assertTrue(v + ": " + ds, ds.contains("NODE SELECTOR") && ds.contains("kubernetes.io/os=linux"));

            // kube's defaults are stored
            assertEquals("RollingUpdate 25% 10 600 Always",
                    dist.ok(v, "get", "deploy", "api", "-n", ns, "-o", "jsonpath={.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} "
                            + "{.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds} {.spec.template.spec.restartPolicy}"));

            // scale with a precondition, set image: the generation follows the spec
            dist.ok(v, "scale", "deploy/api", "-n", ns, "--current-replicas=2", "--replicas=3");
            String stale = dist.fails(v, "scale", "deploy/api", "-n", ns, "--current-replicas=2", "--replicas=4");
            assertTrue(v + ": " + stale, stale.contains("Expected replicas to be 2, was 3"));
            dist.ok(v, "set", "image", "deploy/api", "-n", ns, "api=registry.example.com/api:1.1");
            assertEquals("3 3 registry.example.com/api:1.1", dist.ok(v, "get", "deploy", "api", "-n", ns, "-o",
                    "jsonpath={.metadata.generation} {.spec.replicas} {.spec.template.spec.containers[0].image}"));
            assertEquals("3", dist.ok(v, "get", "deploy", "api", "-n", ns, "--subresource=scale", "-o", "jsonpath={.spec.replicas}"));
            dist.ok(v, "scale", "sts/db", "-n", ns, "--replicas=2");

            // a controller's status write, then what clients wait for
            dist.ok(v, "patch", "deploy", "api", "-n", ns, "--subresource=status", "--type=merge", "-p",
                    "{\"status\":{\"observedGeneration\":3,\"replicas\":3,\"updatedReplicas\":3,\"readyReplicas\":3,"
                            + "\"availableReplicas\":3,\"conditions\":[{\"type\":\"Available\",\"status\":\"True\","
                            + "\"reason\":\"MinimumReplicasAvailable\",\"message\":\"Deployment has minimum availability.\"}]},"
                            + "\"spec\":{\"replicas\":9}}");
            assertEquals("3", dist.ok(v, "get", "deploy", "api", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
            dist.ok(v, "wait", "deploy/api", "-n", ns, "--for=condition=Available", "--timeout=20s");
            dist.ok(v, "wait", "deploy/api", "-n", ns, "--for=jsonpath={.status.readyReplicas}=3", "--timeout=20s");
            dist.ok(v, "rollout", "status", "deploy/api", "-n", ns, "--timeout=20s");
            String ready = dist.ok(v, "get", "deploy", "api", "-n", ns);
            assertTrue(v + ": " + ready, ready.contains("3/3"));

            // kube's validation and the immutable selector
            Path bad = work.resolve("bad.yaml");
            Files.writeString(bad, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: -1\n"
                    + "  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: other}}\n"
                    + "    spec: {containers: [{name: c, image: \"\"}]}\n");
            String invalid = dist.fails(v, "create", "-n", ns, "-f", bad.toString());
            assertTrue(v + ": " + invalid, invalid.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0")
                    && invalid.contains("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
                    + "`selector` does not match template `labels`")
                    && invalid.contains("spec.template.spec.containers[0].image: Required value"));
            String immutable = dist.fails(v, "patch", "deploy", "api", "-n", ns, "--type=merge", "-p",
                    "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"other\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"other\"}}}}}");
            assertTrue(v + ": " + immutable, immutable.contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:"
                    + "map[string]string{\"app\":\"other\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"));
            String stsName = dist.fails(v, "patch", "sts", "db", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"serviceName\":\"other\"}}");
            assertTrue(v + ": " + stsName, stsName.contains("updates to statefulset spec for fields other than"));

            String explain = dist.ok(v, "explain", "deployment.spec.template.spec.containers", "--recursive");
            assertTrue(v + ": " + explain, explain.contains("readinessProbe") && explain.contains("imagePullPolicy"));

            dist.ok(v, "delete", "-n", ns, "-f", manifest.toString());
            String left = dist.ok(v, "get", "deploy,sts,ds,rs,svc", "-n", ns, "-o", "name");
            assertEquals(v + ": " + left, "", left.trim());
        }
    }

    /**
     * A web shop as a Helm chart renders it (src/test/resources/real-app: 30 objects over 9 API groups,
     * cluster-scoped and namespaced, in files applied in name order): applied, applied again unchanged,
     * diffed clean, changed and applied, applied server-side over the client-side apply, read through
     * {@code get all} and another API version, and deleted with the namespace.
     */
    @Test
    public void aThirtyObjectAppManifestLivesAndDies() throws Exception {
        Path app = work.resolve("real-app");
        Files.createDirectories(app);
        try (var files = Files.list(Path.of(BuiltInGroupsE2EIT.class.getResource("/real-app").toURI()))) {
            for (Path f : files.toList()) {
                Files.copy(f, app.resolve(f.getFileName().toString()));
            }
        }
        String created = dist.ok("", "apply", "-f", app.toString());
        assertEquals(created, 30, created.lines().filter(l -> l.endsWith(" created")).count());
        // kubectl's three-way patch is never empty for four of them, against kube as here: a Secret's
        // write-only stringData, a budget's selector (patch strategy "replace"), and lists without merge
        // keys whose items the server defaulted (a claim template's volumeMode, a port's protocol); the
        // patch then changes nothing, so nothing is written
        List<String> alwaysPatched = List.of("secret/api-secret", "statefulset.apps/db",
                "networkpolicy.networking.k8s.io/web-to-api", "poddisruptionbudget.policy/api");
        String versionsBefore = dist.ok("", "get", "secret/api-secret", "statefulset/db", "networkpolicy/web-to-api", "pdb/api", "-n", "shop",
                "-o", "jsonpath={.items[*].metadata.resourceVersion}");
        String again = dist.ok("", "apply", "-f", app.toString());
        assertEquals(again, 26, again.lines().filter(l -> l.endsWith(" unchanged")).count());
        assertEquals(again, alwaysPatched.stream().map(n -> n + " configured").toList(),
                again.lines().filter(l -> l.endsWith(" configured")).toList());
        assertEquals(versionsBefore, dist.ok("", "get", "secret/api-secret", "statefulset/db", "networkpolicy/web-to-api", "pdb/api", "-n", "shop",
                "-o", "jsonpath={.items[*].metadata.resourceVersion}"));
        Distribution.Result diff = dist.kubectl("diff", "-f", app.toString());
        assertEquals("no difference: " + diff.out(), 0, diff.code());

        String all = dist.ok("", "get", "all", "-n", "shop", "-o", "name");
        for (String name : List.of("service/api", "service/db", "service/web", "deployment.apps/api", "deployment.apps/web",
                "statefulset.apps/db", "daemonset.apps/log-agent", "job.batch/db-migrate", "cronjob.batch/db-backup",
                "horizontalpodautoscaler.autoscaling/api")) {
            assertTrue(name + " in " + all, all.lines().anyMatch(name::equals));
        }
        assertEquals("70", dist.ok("", "get", "hpa", "api", "-n", "shop", "-o", "jsonpath={.spec.metrics[0].resource.target.averageUtilization}"));
        assertEquals("70", dist.ok("", "get", "horizontalpodautoscalers.v1.autoscaling", "api", "-n", "shop", "-o",
                "jsonpath={.spec.targetCPUUtilizationPercentage}"));
        assertEquals("Pending", dist.ok("", "get", "pvc", "uploads", "-n", "shop", "-o", "jsonpath={.status.phase}"));
        String classes = dist.ok("", "get", "priorityclasses", "-o", "name");
        for (String name : List.of("priorityclass.scheduling.k8s.io/shop-high", "priorityclass.scheduling.k8s.io/system-cluster-critical",
                "priorityclass.scheduling.k8s.io/system-node-critical")) {
            assertTrue(name + " in " + classes, classes.lines().anyMatch(name::equals));
        }
        assertTrue(dist.ok("", "get", "sc", "shop-fast"), dist.ok("", "get", "sc", "shop-fast").contains("example.com/fast-disks"));

        Path workloads = app.resolve("05-workloads.yaml");
        Files.writeString(workloads, Files.readString(workloads).replace("shop/api:2.3.1\n        args", "shop/api:2.3.2\n        args"));
        String changed = dist.ok("", "apply", "-f", app.toString());
        assertTrue(changed, changed.contains("deployment.apps/api configured"));
        assertEquals(changed, 25, changed.lines().filter(l -> l.endsWith(" unchanged")).count());
        assertEquals("2", dist.ok("", "get", "deployment", "api", "-n", "shop", "-o", "jsonpath={.metadata.generation}"));
        // server-side apply over the client-side one: kubectl moves the fields kubectl-client-side-apply
        // owns to its own apply entry and applies again, so that what it set by default and no longer
        // sets is pruned and defaulted again; twice, then a clean diff
        for (int i = 0; i < 2; i++) {
            String serverSide = dist.ok("", "apply", "--server-side", "-f", app.toString());
            assertEquals(serverSide, 30, serverSide.lines().filter(l -> l.endsWith(" serverside-applied")).count());
            assertTrue(serverSide, !serverSide.contains("Warning") && !serverSide.contains("rror"));
        }
        Distribution.Result cleanDiff = dist.kubectl("diff", "-f", app.toString());
        assertEquals("no difference after server-side apply: " + cleanDiff.out(), 0, cleanDiff.code());
        // one more generation, not two: the first server-side apply rewrites the last-applied annotation in the
        // server's encoding, and a Deployment's annotations count as a change, as in kube; nothing else changed
        assertEquals("3", dist.ok("", "get", "deployment", "api", "-n", "shop", "-o", "jsonpath={.metadata.generation}"));

        // the objects first, then their namespace (whose deletion would otherwise race kubectl's deletes)
        Path namespace = work.resolve("real-app-namespace.yaml");
        Files.move(app.resolve("00-namespace.yaml"), namespace);
        String deleted = dist.ok("", "delete", "-f", app.toString(), "--timeout=120s");
        assertEquals(deleted, 29, deleted.lines().filter(l -> l.endsWith(" deleted")).count());
        assertTrue(dist.ok("", "delete", "-f", namespace.toString(), "--timeout=120s").contains("namespace \"shop\" deleted"));
        assertTrue(dist.fails("", "get", "namespace", "shop").contains("NotFound"));
        assertTrue(dist.fails("", "get", "priorityclass", "shop-high").contains("NotFound"));
        assertTrue(dist.fails("", "get", "storageclass", "shop-fast").contains("NotFound"));
    }

    /**
     * One built-in kind for {@link #everyBuiltInKindCreatedAppliedAndListedWide}: the resource as kubectl types it, its
     * scope, the object's name, a manifest kube 1.32 accepts ({v}: the kubectl version as 1-27, {ns}: the namespace,
     * {csr}: a PKCS#10 request), the text an apply changes ({@code from} to {@code to}), a jsonpath that shows the change
     * stored, and the columns kube 1.32's printer gives {@code -o wide} (pkg/printers/internalversion/printers.go;
     * a kind without a printer gets the default table, NAME and CREATED AT).
     */
    private record Kind(String resource, boolean namespaced, String name, String manifest, String from, String to,
            String jsonpath, String stored, List<String> wide) {
        Kind {
            assertEquals(name + ": " + from + " once in its manifest", 1, manifest.split(java.util.regex.Pattern.quote(from), -1).length - 1);
        }

        String changed() {
            return manifest.replace(from, to);
        }

        /** The object as kubectl names it in what it prints: kind in lower case, dot group, as {@code event.events.k8s.io}. */
        String printed() {
            String apiVersion = manifest.lines().filter(l -> l.startsWith("apiVersion: ")).findFirst().orElseThrow().substring(12);
            String kind = manifest.lines().filter(l -> l.startsWith("kind: ")).findFirst().orElseThrow().substring(6).toLowerCase();
            return apiVersion.contains("/") ? kind + "." + apiVersion.substring(0, apiVersion.indexOf('/')) : kind;
        }

        List<String> scope(String ns, String... args) {
            List<String> all = new java.util.ArrayList<>(List.of(args));
            if (namespaced) {
                all.addAll(List.of("-n", ns));
            }
            return all;
        }
    }

    private static final List<String> CONTAINER_COLUMNS = List.of("CONTAINERS", "IMAGES");

    private static List<String> columns(List<String> head, List<String> tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(tail);
        return all;
    }

    private static List<Kind> everyKind(String v, String ns, String csr) {
        List<Kind> kinds = List.of(
                new Kind("endpoints", true, "wide-ep", """
                        apiVersion: v1
                        kind: Endpoints
                        metadata: {name: wide-ep}
                        subsets: [{addresses: [{ip: 10.1.0.1}], ports: [{name: http, port: 80}]}]
                        """, "10.1.0.1", "10.1.0.2", "{.subsets[0].addresses[0].ip}", "10.1.0.2",
                        List.of("NAME", "ENDPOINTS", "AGE")),
                new Kind("persistentvolumes", false, "wide-pv-{v}", """
                        apiVersion: v1
                        kind: PersistentVolume
                        metadata: {name: wide-pv-{v}}
                        spec:
                          capacity: {storage: 1Gi}
                          accessModes: [ReadWriteOnce]
                          persistentVolumeReclaimPolicy: Retain
                          storageClassName: manual
                          hostPath: {path: /tmp/wide}
                        """, "storage: 1Gi", "storage: 2Gi", "{.spec.capacity.storage}", "2Gi",
                        List.of("NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                                "VOLUMEATTRIBUTESCLASS", "REASON", "AGE", "VOLUMEMODE")),
                // a claim's spec is immutable but for bound claims' requests: a label changes
                new Kind("persistentvolumeclaims", true, "wide-pvc", """
                        apiVersion: v1
                        kind: PersistentVolumeClaim
                        metadata: {name: wide-pvc, labels: {tier: gold}}
                        spec:
                          accessModes: [ReadWriteOnce]
                          resources: {requests: {storage: 1Gi}}
                          storageClassName: manual
                        """, "tier: gold", "tier: silver", "{.metadata.labels.tier}", "silver",
                        List.of("NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS",
                                "AGE", "VOLUMEMODE")),
                new Kind("controllerrevisions.apps", true, "wide-cr", """
                        apiVersion: apps/v1
                        kind: ControllerRevision
                        metadata: {name: wide-cr}
                        data: {spec: {template: {metadata: {labels: {app: wide}}}}}
                        revision: 1
                        """, "revision: 1", "revision: 2", "{.revision}", "2",
                        List.of("NAME", "CONTROLLER", "REVISION", "AGE")),
                new Kind("csidrivers.storage.k8s.io", false, "wide-{v}.csi.example.com", """
                        apiVersion: storage.k8s.io/v1
                        kind: CSIDriver
                        metadata: {name: wide-{v}.csi.example.com}
                        spec: {attachRequired: false, storageCapacity: false}
                        """, "storageCapacity: false", "storageCapacity: true", "{.spec.storageCapacity}", "true",
                        List.of("NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS", "REQUIRESREPUBLISH",
                                "MODES", "AGE")),
                new Kind("csinodes.storage.k8s.io", false, "wide-node-{v}", """
                        apiVersion: storage.k8s.io/v1
                        kind: CSINode
                        metadata: {name: wide-node-{v}}
                        spec:
                          drivers:
                          - {name: csi.example.com, nodeID: node-a, topologyKeys: [topology.example.com/zone]}
                        """, "[topology.example.com/zone]}\n",
                        "[topology.example.com/zone]}\n  - {name: other.csi.example.com, nodeID: node-a}\n",
                        "{.spec.drivers[*].name}", "csi.example.com other.csi.example.com",
                        List.of("NAME", "DRIVERS", "AGE")),
                // a class's provisioner, parameters and policies are immutable, allowVolumeExpansion is not
                new Kind("storageclasses.storage.k8s.io", false, "wide-sc-{v}", """
                        apiVersion: storage.k8s.io/v1
                        kind: StorageClass
                        metadata: {name: wide-sc-{v}}
                        provisioner: example.com/wide
                        allowVolumeExpansion: false
                        """, "allowVolumeExpansion: false", "allowVolumeExpansion: true", "{.allowVolumeExpansion}", "true",
                        List.of("NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE")),
                // value and preemptionPolicy are immutable
                new Kind("priorityclasses.scheduling.k8s.io", false, "wide-pc-{v}", """
                        apiVersion: scheduling.k8s.io/v1
                        kind: PriorityClass
                        metadata: {name: wide-pc-{v}}
                        value: 1000
                        description: first
                        """, "description: first", "description: second", "{.description} {.preemptionPolicy}",
                        "second PreemptLowerPriority",
                        List.of("NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY")),
                new Kind("horizontalpodautoscalers.autoscaling", true, "wide-hpa", """
                        apiVersion: autoscaling/v2
                        kind: HorizontalPodAutoscaler
                        metadata: {name: wide-hpa}
                        spec:
                          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
                          minReplicas: 1
                          maxReplicas: 3
                          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
                        """, "maxReplicas: 3", "maxReplicas: 5", "{.spec.maxReplicas}", "5",
                        List.of("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE")),
                new Kind("nodes", false, "wide-node-{v}", """
                        apiVersion: v1
                        kind: Node
                        metadata: {name: wide-node-{v}}
                        spec: {unschedulable: false}
                        """, "unschedulable: false", "unschedulable: true", "{.spec.unschedulable}", "true",
                        List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
                                "CONTAINER-RUNTIME")),
                new Kind("runtimeclasses.node.k8s.io", false, "wide-rtc-{v}", """
                        apiVersion: node.k8s.io/v1
                        kind: RuntimeClass
                        metadata: {name: wide-rtc-{v}}
                        handler: runsc
                        scheduling: {nodeSelector: {sandbox: gvisor}}
                        """, "sandbox: gvisor", "sandbox: kata", "{.scheduling.nodeSelector.sandbox}", "kata",
                        List.of("NAME", "HANDLER", "AGE")),
                // a volume attachment's spec is immutable: a label changes
                new Kind("volumeattachments.storage.k8s.io", false, "wide-va-{v}", """
                        apiVersion: storage.k8s.io/v1
                        kind: VolumeAttachment
                        metadata: {name: wide-va-{v}, labels: {tier: gold}}
                        spec: {attacher: csi.example.com, nodeName: wide-node-{v}, source: {persistentVolumeName: wide-pv-{v}}}
                        """, "tier: gold", "tier: silver", "{.metadata.labels.tier}", "silver",
                        List.of("NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE")),
                new Kind("pods", true, "wide-pod", """
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: wide-pod}
                        spec: {containers: [{name: c, image: "busybox:1.36"}]}
                        """, "busybox:1.36", "busybox:1.37", "{.spec.containers[0].image}", "busybox:1.37",
                        List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES")),
                // a job's template is immutable, its parallelism is not
                new Kind("jobs.batch", true, "wide-job", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata: {name: wide-job}
                        spec:
                          parallelism: 1
                          template:
                            spec:
                              restartPolicy: Never
                              containers: [{name: c, image: "busybox:1.36", command: [date]}]
                        """, "parallelism: 1", "parallelism: 2", "{.spec.parallelism}", "2",
                        columns(List.of("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"), columns(CONTAINER_COLUMNS, List.of("SELECTOR")))),
                new Kind("cronjobs.batch", true, "wide-cj", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata: {name: wide-cj}
                        spec:
                          schedule: "*/5 * * * *"
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers: [{name: c, image: "busybox:1.36"}]
                        """, "*/5 * * * *", "*/10 * * * *", "{.spec.schedule}", "*/10 * * * *",
                        columns(List.of("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"),
                                columns(CONTAINER_COLUMNS, List.of("SELECTOR")))),
                new Kind("statefulsets.apps", true, "wide-sts", """
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata: {name: wide-sts}
                        spec:
                          serviceName: wide-sts
                          replicas: 1
                          selector: {matchLabels: {app: wide-sts}}
                          template:
                            metadata: {labels: {app: wide-sts}}
                            spec: {containers: [{name: c, image: "busybox:1.36"}]}
                        """, "replicas: 1", "replicas: 2", "{.spec.replicas}", "2",
                        columns(List.of("NAME", "READY", "AGE"), CONTAINER_COLUMNS)),
                new Kind("daemonsets.apps", true, "wide-ds", """
                        apiVersion: apps/v1
                        kind: DaemonSet
                        metadata: {name: wide-ds}
                        spec:
                          selector: {matchLabels: {app: wide-ds}}
                          template:
                            metadata: {labels: {app: wide-ds}}
                            spec: {containers: [{name: c, image: "busybox:1.36"}]}
                        """, "busybox:1.36", "busybox:1.37", "{.spec.template.spec.containers[0].image}", "busybox:1.37",
                        columns(List.of("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"),
                                columns(CONTAINER_COLUMNS, List.of("SELECTOR")))),
                new Kind("replicasets.apps", true, "wide-rs", """
                        apiVersion: apps/v1
                        kind: ReplicaSet
                        metadata: {name: wide-rs}
                        spec:
                          replicas: 1
                          selector: {matchLabels: {app: wide-rs}}
                          template:
                            metadata: {labels: {app: wide-rs}}
                            spec: {containers: [{name: c, image: "busybox:1.36"}]}
                        """, "replicas: 1", "replicas: 2", "{.spec.replicas}", "2",
                        columns(List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE"), columns(CONTAINER_COLUMNS, List.of("SELECTOR")))),
                new Kind("ingresses.networking.k8s.io", true, "wide-ing", """
                        apiVersion: networking.k8s.io/v1
                        kind: Ingress
                        metadata: {name: wide-ing}
                        spec:
                          ingressClassName: wide-ic-{v}
                          rules:
                          - host: a.example.com
                            http:
                              paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
                        """, "a.example.com", "b.example.com", "{.spec.rules[0].host}", "b.example.com",
                        List.of("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE")),
                // an ingress class's controller is immutable, its parameters are not
                new Kind("ingressclasses.networking.k8s.io", false, "wide-ic-{v}", """
                        apiVersion: networking.k8s.io/v1
                        kind: IngressClass
                        metadata: {name: wide-ic-{v}}
                        spec: {controller: example.com/ingress}
                        """, "spec: {controller: example.com/ingress}",
                        "spec: {controller: example.com/ingress, parameters: {apiGroup: example.com, kind: IngressParameters, name: wide}}",
                        "{.spec.parameters.kind}/{.spec.parameters.name}", "IngressParameters/wide",
                        List.of("NAME", "CONTROLLER", "PARAMETERS", "AGE")),
                new Kind("networkpolicies.networking.k8s.io", true, "wide-netpol", """
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: wide-netpol}
                        spec:
                          podSelector: {matchLabels: {app: db}}
                          ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
                        """, "app: db", "app: cache", "{.spec.podSelector.matchLabels.app}", "cache",
                        List.of("NAME", "POD-SELECTOR", "AGE")),
                new Kind("poddisruptionbudgets.policy", true, "wide-pdb", """
                        apiVersion: policy/v1
                        kind: PodDisruptionBudget
                        metadata: {name: wide-pdb}
                        spec:
                          minAvailable: 1
                          selector: {matchLabels: {app: web}}
                        """, "minAvailable: 1", "minAvailable: 2", "{.spec.minAvailable}", "2",
                        List.of("NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE")),
                new Kind("endpointslices.discovery.k8s.io", true, "wide-eps", """
                        apiVersion: discovery.k8s.io/v1
                        kind: EndpointSlice
                        metadata: {name: wide-eps, labels: {kubernetes.io/service-name: web}}
                        addressType: IPv4
                        ports: [{name: http, port: 80}]
                        endpoints: [{addresses: [10.2.0.1]}]
                        """, "10.2.0.1", "10.2.0.2", "{.endpoints[0].addresses[0]}", "10.2.0.2",
                        List.of("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE")),
                new Kind("podtemplates", true, "wide-tpl", """
                        apiVersion: v1
                        kind: PodTemplate
                        metadata: {name: wide-tpl}
                        template:
                          metadata: {labels: {app: tpl}}
                          spec: {containers: [{name: c, image: "busybox:1.36"}]}
                        """, "busybox:1.36", "busybox:1.37", "{.template.spec.containers[0].image}", "busybox:1.37",
                        List.of("NAME", "CONTAINERS", "IMAGES", "POD LABELS")),
                // kube has no printer for a LimitRange: the default table
                new Kind("limitranges", true, "wide-limits", """
                        apiVersion: v1
                        kind: LimitRange
                        metadata: {name: wide-limits}
                        spec:
                          limits: [{type: Container, max: {cpu: "2"}}]
                        """, "cpu: \"2\"", "cpu: \"3\"", "{.spec.limits[0].max.cpu}", "3",
                        List.of("NAME", "CREATED AT")),
                // kube 1.32's order; AGE moved last only in 1.33 (kubernetes/kubernetes#129419)
                new Kind("resourcequotas", true, "wide-quota", """
                        apiVersion: v1
                        kind: ResourceQuota
                        metadata: {name: wide-quota}
                        spec: {hard: {pods: "10", limits.memory: 8Gi}}
                        """, "pods: \"10\"", "pods: \"20\"", "{.spec.hard.pods}", "20",
                        List.of("NAME", "AGE", "REQUEST", "LIMIT")),
                new Kind("csistoragecapacities.storage.k8s.io", true, "wide-cap", """
                        apiVersion: storage.k8s.io/v1
                        kind: CSIStorageCapacity
                        metadata: {name: wide-cap}
                        storageClassName: fast
                        capacity: 10Gi
                        """, "capacity: 10Gi", "capacity: 20Gi", "{.capacity}", "20Gi",
                        List.of("NAME", "STORAGECLASSNAME", "CAPACITY")),
                // a request's spec is immutable: a label changes
                new Kind("certificatesigningrequests.certificates.k8s.io", false, "wide-csr-{v}", """
                        apiVersion: certificates.k8s.io/v1
                        kind: CertificateSigningRequest
                        metadata: {name: wide-csr-{v}, labels: {tier: gold}}
                        spec:
                          request: {csr}
                          signerName: kubernetes.io/kube-apiserver-client
                          usages: [client auth]
                        """, "tier: gold", "tier: silver", "{.metadata.labels.tier}", "silver",
                        List.of("NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION")),
                // events.k8s.io/v1 shares core/v1's storage and printer in kube; an event's note is immutable there, its series is not
                new Kind("events.events.k8s.io", true, "wide-ev", """
                        apiVersion: events.k8s.io/v1
                        kind: Event
                        metadata: {name: wide-ev}
                        eventTime: "2026-12-05T10:00:00.000000Z"
                        reportingController: example.com/wide-controller
                        reportingInstance: controller-1
                        action: Scaling
                        reason: ScaledUp
                        type: Normal
                        note: scaled to 2
                        regarding: {kind: StatefulSet, name: wide-sts, apiVersion: apps/v1, namespace: {ns}}
                        """, "note: scaled to 2\n", "note: scaled to 2\nseries: {count: 2, lastObservedTime: \"2026-12-05T10:05:00.000000Z\"}\n",
                        "{.series.count} {.note}", "2 scaled to 2",
                        List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME")));
        return kinds.stream().map(k -> new Kind(k.resource(), k.namespaced(), fill(k.name(), v, ns, csr), fill(k.manifest(), v, ns, csr),
                fill(k.from(), v, ns, csr), fill(k.to(), v, ns, csr), k.jsonpath(), k.stored(), k.wide())).toList();
    }

    private static String fill(String text, String v, String ns, String csr) {
        return text.replace("{v}", v).replace("{ns}", ns).replace("{csr}", csr);
    }

    /**
     * Every built-in kind the other tests do not take through the whole round with each kubectl: created from a
     * manifest, changed by {@code kubectl apply} (the change stored), {@code get -o wide} with kube 1.32's columns
     * and a row for the object, deleted and gone.
     */
    @Test
    public void everyBuiltInKindCreatedAppliedAndListedWide() throws Exception {
        String csr = java.util.Base64.getEncoder().encodeToString(certificateRequest().getBytes());
        for (String v : KUBECTL_VERSIONS) {
            String suffix = v.replace('.', '-');
            String ns = "wide-" + suffix;
            dist.ok(v, "create", "namespace", ns);
            List<Kind> kinds = everyKind(suffix, ns, csr);
            Path created = work.resolve("wide-" + suffix + ".yaml");
            Files.writeString(created, String.join("---\n", kinds.stream().map(Kind::manifest).toList()));
            Path changed = work.resolve("wide-" + suffix + "-changed.yaml");
            Files.writeString(changed, String.join("---\n", kinds.stream().map(Kind::changed).toList()));

            String create = dist.ok(v, "create", "-n", ns, "-f", created.toString());
            String apply = dist.ok(v, "apply", "-n", ns, "-f", changed.toString());
            for (Kind k : kinds) {
                String what = v + " " + k.resource() + "/" + k.name();
                assertTrue(what + ": " + create, create.lines().anyMatch((k.printed() + "/" + k.name() + " created")::equals));
                // kubectl create kept no last-applied configuration: kubectl apply says so and patches all the same
                assertTrue(what + ": " + apply, apply.lines().anyMatch((k.printed() + "/" + k.name() + " configured")::equals));
                assertEquals(what, k.stored(), dist.ok(v, k.scope(ns, "get", k.resource(), k.name(), "-o", "jsonpath=" + k.jsonpath())
                        .toArray(String[]::new)).trim());
                String wide = dist.ok(v, k.scope(ns, "get", k.resource(), k.name(), "-o", "wide").toArray(String[]::new));
                String header = wide.lines().filter(l -> l.startsWith(k.wide().get(0) + " ")).findFirst().orElse("");
                assertEquals(what + ": " + wide, k.wide(), List.of(header.trim().split("\\s{2,}")));
                // the object's row: its name first, or last for an event (whose NAME is the last wide column)
                List<String> rows = wide.lines().dropWhile(l -> !l.equals(header)).skip(1).toList();
                assertEquals(what + ": " + wide, 1, rows.size());
                String row = rows.get(0).trim();
                assertTrue(what + ": " + wide, k.wide().get(0).equals("NAME") ? row.startsWith(k.name() + " ") : row.endsWith(" " + k.name()));
            }

            String deleted = dist.ok(v, "delete", "-n", ns, "-f", changed.toString(), "--timeout=60s");
            for (Kind k : kinds) {
                assertTrue(v + " " + k.name() + ": " + deleted, deleted.contains(k.printed() + " \"" + k.name() + "\" deleted"));
            }
            // gone, or Terminating where a finalizer holds it
            String left = dist.ok(v, "get", "-n", ns, "-f", changed.toString(), "--ignore-not-found", "--no-headers", "-o",
                    "custom-columns=KIND:.kind,NAME:.metadata.name,DELETED:.metadata.deletionTimestamp");
            assertTrue(v + " left, not terminating: " + left, left.lines().noneMatch(l -> l.trim().endsWith("<none>")));
            dist.ok(v, "delete", "namespace", ns, "--wait=false");
        }
    }

    /**
     * The proxy subresources where nothing can be reached, as kube answers: a node without addresses (500), a pod
     * without an IP (400), a service without an Endpoints object (404).
     */
    @Test
    public void proxySubresourcesWithoutABackend() throws Exception {
        Path manifest = work.resolve("proxy.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: proxy}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: proxy-node}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: proxy}
                spec: {containers: [{name: c, image: "busybox:1.36"}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: proxy}
                spec: {ports: [{port: 80}]}
                """);
        dist.ok("", "apply", "-f", manifest.toString());
        String node = dist.fails("", "get", "--raw", "/api/v1/nodes/proxy-node/proxy/", "-v=6");
        assertTrue(node, node.contains("no preferred addresses found; known addresses: []"));
        assertTrue(node, node.contains("/api/v1/nodes/proxy-node/proxy/ 500 Internal Server Error"));
        String pod = dist.fails("", "get", "--raw", "/api/v1/namespaces/proxy/pods/web/proxy/", "-v=6");
        assertTrue(pod, pod.contains("address not allowed"));
        assertTrue(pod, pod.contains("/api/v1/namespaces/proxy/pods/web/proxy/ 400 Bad Request"));
        String svc = dist.fails("", "get", "--raw", "/api/v1/namespaces/proxy/services/web/proxy/", "-v=6");
        assertTrue(svc, svc.contains("endpoints \"web\" not found"));
        assertTrue(svc, svc.contains("/api/v1/namespaces/proxy/services/web/proxy/ 404 Not Found"));
        dist.ok("", "delete", "node", "proxy-node");
        dist.ok("", "delete", "namespace", "proxy", "--wait=false");
    }
}
