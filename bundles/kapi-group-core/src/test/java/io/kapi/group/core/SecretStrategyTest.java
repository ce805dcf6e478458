package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's ValidateSecret and ValidateSecretUpdate: what each secret type requires, an immutable secret's rules. */
class SecretStrategyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretStrategy secrets = new SecretStrategy();

    private static ObjectNode secret(String type, String annotations, String... data) throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"s\",\"annotations\":{" + annotations + "}},\"type\":\"" + type + "\"}");
        ObjectNode d = s.putObject("data");
        for (int i = 0; i < data.length; i += 2) {
            d.put(data[i], Base64.getEncoder().encodeToString(data[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return s;
    }

    private List<String> errors(ObjectNode secret) {
        secrets.applyDefaults(secret);
        return secrets.validate(secret).stream().map(FieldCause::describe).toList();
    }

    @Test
    void eachTypeRequiresItsKeys() throws Exception {
        assertEquals(List.of("metadata.annotations[kubernetes.io/service-account.name]: Required value"),
                errors(secret("kubernetes.io/service-account-token", "")));
        assertEquals(List.of(), errors(secret("kubernetes.io/service-account-token", "\"kubernetes.io/service-account.name\":\"robot\"")));
        assertEquals(List.of("data[.dockercfg]: Required value"), errors(secret("kubernetes.io/dockercfg", "")));
        assertEquals(List.of(), errors(secret("kubernetes.io/dockercfg", "", ".dockercfg", "{\"registry\":{}}")));
        assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": unexpected end of JSON input"),
                errors(secret("kubernetes.io/dockerconfigjson", "", ".dockerconfigjson", "{")));
        assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'o' in literal "
                + "null (expecting 'u')"), errors(secret("kubernetes.io/dockerconfigjson", "", ".dockerconfigjson", "not json")));
        assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into "
                + "Go value of type map[string]interface {}"), errors(secret("kubernetes.io/dockerconfigjson", "", ".dockerconfigjson", "[]")));
        assertEquals(List.of("data[username]: Required value", "data[password]: Required value"),
                errors(secret("kubernetes.io/basic-auth", "", "other", "x")));
        assertEquals(List.of(), errors(secret("kubernetes.io/basic-auth", "", "password", "")), "either may be empty");
        assertEquals(List.of("data[ssh-privatekey]: Required value"), errors(secret("kubernetes.io/ssh-auth", "", "ssh-privatekey", "")));
        assertEquals(List.of("data[tls.key]: Required value"), errors(secret("kubernetes.io/tls", "", "tls.crt", "cert")));
        assertEquals(List.of(), errors(secret("example.com/own", "")), "a type of its users' own requires nothing");
    }

    @Test
    void anImmutableSecretStaysSoAndTheTypeNeverChanges() throws Exception {
        ObjectNode old = secret("Opaque", "", "a", "1");
        old.put("immutable", true);
        ObjectNode written = old.deepCopy();
        written.remove("immutable");
        written.with("data").put("a", "Mg==");
        written.put("type", "kubernetes.io/tls");
        assertEquals(List.of("type: Invalid value: \"kubernetes.io/tls\": field is immutable",
                "immutable: Forbidden: field is immutable when `immutable` is set",
                "data: Forbidden: field is immutable when `immutable` is set",
                "data[tls.crt]: Required value", "data[tls.key]: Required value"),
                secrets.validateUpdate(written, old).stream().map(FieldCause::describe).toList());
    }
}
