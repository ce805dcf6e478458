package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ResourceQuotas as kube 1.32 stores them: hard, scopes and scope selector validation with kube's messages, status, printer. */
class ResourceQuotaStrategyTest {
    private final ResourceQuotaStrategy quotas = new ResourceQuotaStrategy();
    private final ResourceQuotaStatusStrategy status = new ResourceQuotaStatusStrategy();

    private ObjectNode quota(String spec) throws Exception {
        return VolumeTests.created(quotas, "{'apiVersion':'v1','kind':'ResourceQuota','metadata':{'name':'q','namespace':'default',"
                + "'creationTimestamp':'2026-01-01T00:00:00Z','resourceVersion':'5'},'spec':" + spec + "}");
    }

    private List<String> errors(String spec) throws Exception {
        return messages(quotas.validate(quota(spec)));
    }

    private static String q(String text) {
        return io.kapi.machinery.quantity.Quantity.parse(text).roundUpToMilli().goSyntax();
    }

    @Test
    void hardIsRoundedAndTheStatusStartsEmpty() throws Exception {
        ObjectNode rq = quota("{'hard':{'requests.cpu':'0.5','pods':'10','count/deployments.apps':'3'}}");
        assertEquals("{\"requests.cpu\":\"500m\",\"pods\":\"10\",\"count/deployments.apps\":\"3\"}", rq.at("/spec/hard").toString());
        assertEquals("{}", rq.get("status").toString());
        assertEquals(List.of(), quotas.validate(rq));
    }

    @Test
    void kubesHardAndScopeValidation() throws Exception {
        assertEquals(List.of("spec.hard[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified",
                "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource for quota"), errors("{'hard':{'foo':'1'}}"));
        assertEquals(List.of("spec.hard[storage]: Invalid value: \"storage\": must be a standard resource for quota"),
                errors("{'hard':{'storage':'1Gi'}}"));
        assertEquals(List.of("spec.hard[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"), errors("{'hard':{'cpu':'-1'}}"));
        assertEquals(List.of("spec.hard[pods]: Invalid value: " + q("500m") + ": must be an integer"), errors("{'hard':{'pods':'500m'}}"));
        assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Foo\"}: unsupported scope"),
                errors("{'hard':{'pods':'1'},'scopes':['Foo']}"));
        assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\"}: unsupported scope applied to resource"),
                errors("{'hard':{'cpu':'1','pods':'1'},'scopes':['BestEffort']}"));
        assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: conflicting scopes"),
                errors("{'hard':{'pods':'1'},'scopes':['BestEffort','NotBestEffort']}"));
        assertEquals(List.of(), errors("{'hard':{'pods':'1','cpu':'1'},'scopes':['Terminating','PriorityClass','CrossNamespacePodAffinity']}"));
        // the scope selector: kube's paths name no index
        assertEquals(List.of("spec.scopeSelector.matchExpressions.operator: Invalid value: \"In\": must be 'Exists' when scope is any of "
                + "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                + "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"),
                errors("{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'BestEffort','operator':'In','values':['a']}]}}"));
        assertEquals(List.of("spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is "
                + "'In' or 'NotIn' for scope selector"),
                errors("{'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'In'}]}}"));
        assertEquals(List.of("spec.scopeSelector.matchExpressions.values: Invalid value: []string{\"high\"}: must be no value when "
                + "`operator` is 'Exist' or 'DoesNotExist' for scope selector"),
                errors("{'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'Exists','values':['high']}]}}"));
        assertEquals(List.of("spec.scopeSelector.matchExpressions.scopeName: Invalid value: \"Foo\": unsupported scope",
                "spec.scopeSelector.matchExpressions.operator: Invalid value: \"Gt\": not a valid selector operator"),
                errors("{'scopeSelector':{'matchExpressions':[{'scopeName':'Foo','operator':'Gt'}]}}"));
        assertEquals(List.of("spec.scopeSelector.matchExpressions: Invalid value: core.ScopeSelector{MatchExpressions:"
                + "[]core.ScopedResourceSelectorRequirement{core.ScopedResourceSelectorRequirement{ScopeName:\"BestEffort\", "
                + "Operator:\"Exists\", Values:[]string(nil)}}}: unsupported scope applied to resource"),
                errors("{'hard':{'cpu':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'BestEffort','operator':'Exists'}]}}"));
        assertEquals(List.of("spec.scopeSelector.matchExpressions: Invalid value: []core.ResourceQuotaScope(nil): conflicting scopes"),
                errors("{'scopeSelector':{'matchExpressions':[{'scopeName':'Terminating','operator':'Exists'},"
                        + "{'scopeName':'NotTerminating','operator':'Exists'}]}}"));
    }

    @Test
    void scopesAreImmutableAndTheStatusIsKept() throws Exception {
        ObjectNode old = quota("{'hard':{'pods':'1'},'scopes':['Terminating','BestEffort']}");
        ObjectNode reordered = old.deepCopy();
        ((ObjectNode) reordered.get("spec")).putArray("scopes").add("BestEffort").add("Terminating");
        assertEquals(List.of(), VolumeTests.updateErrors(quotas, old, reordered));
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.get("spec")).putArray("scopes").add("BestEffort");
        assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\"}: field is immutable"),
                VolumeTests.updateErrors(quotas, old, changed));

        ObjectNode write = old.deepCopy();
        ((ObjectNode) write.get("spec")).putObject("hard").put("pods", "9");
        write.putObject("status").<ObjectNode>set("hard", VolumeTests.obj("{'pods':'1','bogus':'1'}"))
                .set("used", VolumeTests.obj("{'pods':'-1'}"));
        status.prepareForUpdate(write, old);
        assertEquals("1", write.at("/spec/hard/pods").asText(), "the stored spec stays");
        assertEquals(List.of("status.hard[bogus]: Invalid value: \"bogus\": must be a standard resource type or fully qualified",
                "status.hard[bogus]: Invalid value: \"bogus\": must be a standard resource for quota",
                "status.used[pods]: Invalid value: \"-1\": must be greater than or equal to 0"), messages(status.validateUpdate(write, old)));
        ((ObjectNode) write.get("metadata")).remove("resourceVersion");
        assertEquals("resourceVersion: Required value", messages(status.validateUpdate(write, old)).get(0));
    }

    @Test
    void printerAndRegistration() throws Exception {
        ObjectNode rq = quota("{'hard':{'pods':'10'}}");
        rq.set("status", VolumeTests.obj("{'hard':{'requests.cpu':'1','limits.memory':'2Gi','pods':'10','limits.cpu':'2'},"
                + "'used':{'requests.cpu':'500m','pods':'3','limits.cpu':'0'}}"));
        List<Object> cells = quotas.table().cells(rq);
        assertEquals("q", cells.get(0));
        assertEquals(List.of("pods: 3/10, requests.cpu: 500m/1", "limits.cpu: 0/2, limits.memory: 0/2Gi"), cells.subList(2, 4));
        assertEquals(List.of("Name", "Age", "Request", "Limit"), quotas.table().columns().stream().map(TableColumn::name).toList());
        ResourceDefinition def = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("resourcequotas"))
                .findFirst().orElseThrow();
        assertTrue(def.namespaced());
        assertEquals(List.of("quota"), def.shortNames());
        assertTrue(def.status() instanceof ResourceQuotaStatusStrategy);
        assertEquals("resourcequota", def.singular());
    }
}
