package io.kapi.core.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview as kube 1.32 answers them:
 * the attributes the authorizers see ({@code pkg/registry/authorization/util}), the status, and the
 * messages and paths of {@code pkg/apis/authorization/validation}.
 */
class SubjectAccessReviewsTest {
    static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", "system:authenticated"));
    final List<RequestInfo> seen = new ArrayList<>();
    final List<UserInfo> users = new ArrayList<>();
    /** Allows system:masters, denies "mallory", no opinion otherwise; records what it was asked. */
    final Authorizer authorizer = (user, info) -> {
        users.add(user);
        seen.add(info);
        if (user.name().equals("mallory")) {
            return Authorizer.Decision.DENY;
        }
        return user.groups().contains("system:masters") ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION;
    };

    static ObjectNode json(String singleQuoted) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    }

    static RequestContext ctx(String namespace, UserInfo user) {
        return new RequestContext(namespace, user, false, null);
    }

    static List<String> causes(StatusException e) {
        return e.causes().stream().map(FieldCause::describe).toList();
    }

    @Test
    void theStatusCarriesTheAuthorizersReason() throws Exception {
        Authorizer rbac = new Authorizer() {
            @Override
            public Decision authorize(UserInfo user, RequestInfo request) {
                return decide(user, request).decision();
            }

            @Override
            public Verdict decide(UserInfo user, RequestInfo request) {
                return user.name().equals("jane") ? new Verdict(Decision.ALLOW, "RBAC: allowed by RoleBinding \"r/ns1\" of Role \"x\" to User \"jane\"")
                        : new Verdict(Decision.NO_OPINION, "RBAC: role.rbac.authorization.k8s.io \"gone\" not found");
            }
        };
        SubjectAccessReviews sar = new SubjectAccessReviews(() -> List.of(rbac), false);
        String review = "{'apiVersion':'authorization.k8s.io/v1','kind':'SubjectAccessReview','spec':{'user':'%s',"
                + "'resourceAttributes':{'namespace':'ns1','verb':'get','resource':'pods'}}}";
        assertEquals("{'allowed':true,'reason':'RBAC: allowed by RoleBinding \\'r/ns1\\' of Role \\'x\\' to User \\'jane\\''}".replace('\'', '"'),
                sar.create(ctx("", ADMIN), json(String.format(review, "jane"))).get("status").toString());
        assertEquals("{'allowed':false,'reason':'RBAC: role.rbac.authorization.k8s.io \\'gone\\' not found'}".replace('\'', '"'),
                sar.create(ctx("", ADMIN), json(String.format(review, "bob"))).get("status").toString());
    }

    @Test
    void aSubjectAccessReviewAsksAboutItsSubjectNotTheCaller() throws Exception {
        SubjectAccessReviews sar = new SubjectAccessReviews(() -> List.of(authorizer), false);
        ObjectNode out = sar.create(ctx("", ADMIN), json("{'apiVersion':'authorization.k8s.io/v1','kind':'SubjectAccessReview',"
                + "'spec':{'user':'jane','uid':'u-1','groups':['dev'],'resourceAttributes':{'namespace':'ns1','verb':'get',"
                + "'group':'apps','resource':'deployments','subresource':'scale','name':'web'}},'status':{'allowed':true}}"));
        assertEquals(new UserInfo("jane", "u-1", List.of("dev")), users.get(0));
        // kube's ResourceAttributesFrom: an empty version is every version
        assertEquals(new RequestInfo(true, "", "get", "", "apps", "*", "ns1", "deployments", "scale", "web", List.of()), seen.get(0));
        assertEquals("{'allowed':false}".replace('\'', '"'), out.get("status").toString(), "the status is the decision's, not the request's");
        assertEquals("SubjectAccessReview", out.get("kind").asText());
        assertTrue(out.at("/metadata/creationTimestamp").isNull(), "Go writes the zero time as null");
        assertEquals("jane", out.at("/spec/user").asText(), "the spec is answered back");

        ObjectNode allowed = sar.create(ctx("", ADMIN), json("{'spec':{'groups':['system:masters'],'nonResourceAttributes':{'path':'/healthz','verb':'get'}}}"));
        assertEquals(new RequestInfo(false, "/healthz", "get", "", "", "", "", "", "", "", List.of()), seen.get(1));
        assertEquals("{\"allowed\":true}", allowed.get("status").toString());
        ObjectNode denied = sar.create(ctx("", ADMIN), json("{'spec':{'user':'mallory','resourceAttributes':{'verb':'list','resource':'pods','version':'v1'}}}"));
        assertEquals("{\"allowed\":false,\"denied\":true}", denied.get("status").toString());
        assertEquals("v1", seen.get(2).apiVersion());
    }

    @Test
    void kubesValidationMessagesAndPaths() throws Exception {
        SubjectAccessReviews sar = new SubjectAccessReviews(() -> List.of(authorizer), false);
        StatusException empty = assertThrows(StatusException.class, () -> sar.create(ctx("", ADMIN), json("{'spec':{}}")));
        assertEquals(422, empty.code());
        // the review is decoded into kube's internal type, whose kind is empty
        assertEquals(".authorization.k8s.io \"\" is invalid: [spec.resourceAttributes: Invalid value: \"null\": exactly one of "
                + "nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: \"\": at least one of "
                + "user or group must be specified]", empty.getMessage());
        assertEquals("authorization.k8s.io", empty.group());
        assertEquals(List.of("FieldValueInvalid", "FieldValueInvalid"), empty.causes().stream().map(FieldCause::type).toList());

        StatusException both = assertThrows(StatusException.class, () -> sar.create(ctx("", ADMIN), json("{'spec':{'user':'u',"
                + "'resourceAttributes':{'verb':'get'},'nonResourceAttributes':{'path':'/x','verb':'get'}}}")));
        assertEquals(List.of("spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:\"/x\", Verb:\"get\"}: "
                + "cannot be specified in combination with resourceAttributes"), causes(both));

        StatusException named = assertThrows(StatusException.class, () -> sar.create(ctx("", ADMIN),
                json("{'metadata':{'name':'x','labels':{'b':'2','a':'1'}},'spec':{'user':'u','resourceAttributes':{}}}")));
        assertEquals(List.of("metadata: Invalid value: v1.ObjectMeta{Name:\"x\", GenerateName:\"\", Namespace:\"\", SelfLink:\"\", UID:\"\", "
                + "ResourceVersion:\"\", Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), "
                + "DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:map[string]string{\"a\":\"1\", \"b\":\"2\"}, "
                + "Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), "
                + "ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty"), causes(named));
        // system fields are wiped and managed fields ignored before kube compares metadata with an empty one
        sar.create(ctx("", ADMIN), json("{'metadata':{'uid':'u','creationTimestamp':'2024-01-01T00:00:00Z','labels':{},"
                + "'managedFields':[{'manager':'kubectl','operation':'Update'}]},'spec':{'user':'u','resourceAttributes':{}}}"));
    }

    @Test
    void selectorsAreValidatedAsKubeDoes() throws Exception {
        SubjectAccessReviews sar = new SubjectAccessReviews(() -> List.of(authorizer), false);
        StatusException e = assertThrows(StatusException.class, () -> sar.create(ctx("", ADMIN), json("{'spec':{'user':'u',"
                + "'resourceAttributes':{'verb':'list','resource':'pods',"
                + "'fieldSelector':{'rawSelector':'a=b','requirements':[{'key':'','operator':'In'},{'key':'k','operator':'Exists','values':['v']},"
                + "{'key':'k','operator':'Unknown'}]},"
                + "'labelSelector':{}}}}")));
        assertEquals(List.of(
                "spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: \"a=b\": may not specified at the same time as requirements",
                "spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified",
                "spec.resourceAttributes.fieldSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.resourceAttributes.fieldSelector.requirements[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                "spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, "
                        + "requirements or rawSelector is required"), causes(e));
        StatusException labels = assertThrows(StatusException.class, () -> sar.create(ctx("", ADMIN), json("{'spec':{'user':'u',"
                + "'resourceAttributes':{'labelSelector':{'requirements':[{'key':'a/b/c','operator':'In','values':['-bad']}]}}}}")));
        assertEquals(List.of("spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: \"a/b/c\": a qualified name must consist "
                        + "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                        + "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
                        + "subdomain prefix and '/' (e.g. 'example.com/MyName')",
                "spec.resourceAttributes.labelSelector.requirements[0].values[0]: Invalid value: \"-bad\": a valid label must be an empty string "
                        + "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                        + "'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                causes(labels));
    }

    @Test
    void aLocalReviewStaysInTheRequestsNamespace() throws Exception {
        SubjectAccessReviews lsar = new SubjectAccessReviews(() -> List.of(authorizer), true);
        ObjectNode out = lsar.create(ctx("ns1", ADMIN), json("{'spec':{'groups':['system:masters'],"
                + "'resourceAttributes':{'namespace':'ns1','verb':'get','resource':'pods'}}}"));
        assertEquals("ns1", out.at("/metadata/namespace").asText(), "the handler fills the object's namespace in");
        assertEquals("LocalSubjectAccessReview", out.get("kind").asText());
        assertEquals("{\"allowed\":true}", out.get("status").toString());

        StatusException other = assertThrows(StatusException.class, () -> lsar.create(ctx("ns1", ADMIN),
                json("{'spec':{'user':'u','resourceAttributes':{'namespace':'ns2','verb':'get'}}}")));
        assertEquals(".authorization.k8s.io \"\" is invalid: spec.resourceAttributes.namespace: Invalid value: \"ns2\": "
                + "must match metadata.namespace", other.getMessage());
        StatusException nonResource = assertThrows(StatusException.class, () -> lsar.create(ctx("ns1", ADMIN),
                json("{'spec':{'user':'u','nonResourceAttributes':{'path':'/x','verb':'get'}}}")));
        assertEquals(List.of("spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:\"/x\", Verb:\"get\"}: "
                + "disallowed on this kind of request"), causes(nonResource));
        StatusException mismatch = assertThrows(StatusException.class, () -> lsar.create(ctx("ns1", ADMIN),
                json("{'metadata':{'namespace':'ns2'},'spec':{'user':'u','resourceAttributes':{'namespace':'ns2'}}}")));
        assertEquals(400, mismatch.code());
        assertEquals("the namespace of the provided object does not match the namespace sent on the request", mismatch.getMessage());
        StatusException named = assertThrows(StatusException.class, () -> lsar.create(ctx("ns1", ADMIN),
                json("{'metadata':{'generateName':'g-'},'spec':{'user':'u','resourceAttributes':{'namespace':'ns1'}}}")));
        assertTrue(causes(named).get(0).startsWith("metadata: Invalid value: v1.ObjectMeta{Name:\"\", GenerateName:\"g-\", Namespace:\"ns1\","),
                causes(named).toString());
        assertTrue(causes(named).get(0).endsWith("}: must be empty except for namespace"), causes(named).toString());
    }

    @Test
    void aSelfReviewAsksAboutTheCaller() throws Exception {
        SelfSubjectAccessReviews ssar = new SelfSubjectAccessReviews(() -> List.of(authorizer));
        // what kubectl auth can-i sends
        ObjectNode out = ssar.create(ctx("", ADMIN), json("{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1',"
                + "'metadata':{},'spec':{'resourceAttributes':{'namespace':'default','verb':'list','resource':'configmaps'}},"
                + "'status':{'allowed':false}}"));
        assertEquals(ADMIN, users.get(0));
        assertEquals("{\"allowed\":true}", out.get("status").toString());
        ObjectNode jane = ssar.create(ctx("", new UserInfo("jane", "", List.of())), json("{'spec':{'nonResourceAttributes':{'path':'/x'}}}"));
        assertEquals("{\"allowed\":false}", jane.get("status").toString());
        // no user needed in a self review, but still one of the attributes
        StatusException e = assertThrows(StatusException.class, () -> ssar.create(ctx("", ADMIN), json("{'spec':{}}")));
        assertEquals(".authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of "
                + "nonResourceAttributes or resourceAttributes must be specified", e.getMessage());
        StatusException noUser = assertThrows(StatusException.class, () -> ssar.create(ctx("", null),
                json("{'spec':{'nonResourceAttributes':{'path':'/x'}}}")));
        assertEquals("no user present on request", noUser.getMessage());
        // a dry run answers the same: nothing is stored
        assertEquals(out.get("status"), ssar.create(new RequestContext("", ADMIN, true, null),
                json("{'spec':{'resourceAttributes':{'namespace':'default','verb':'list','resource':'configmaps'}}}")).get("status"));
    }
}
