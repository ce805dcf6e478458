package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's regex library: {@code s.find(re)} (the first match, {@code ""} for none),
 * {@code s.findAll(re)} and {@code s.findAll(re, n)} (at most n matches, all when n is negative),
 * with RE2 semantics as kube's Go regexp (re2j).
 */
final class RegexLibrary implements KubeLibrary {
    @Override
    public List<CelFunctionDecl> functions() {
        return List.of(
                newFunctionDeclaration("find", newMemberOverload("string_find_string", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)),
                newFunctionDeclaration("findAll",
                        newMemberOverload("string_find_all_string", ListType.create(SimpleType.STRING), SimpleType.STRING, SimpleType.STRING),
                        newMemberOverload("string_find_all_string_int", ListType.create(SimpleType.STRING), SimpleType.STRING,
                                SimpleType.STRING, SimpleType.INT)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_find_string", String.class, String.class, RegexLibrary::find),
                CelFunctionBinding.from("string_find_all_string", String.class, String.class, (s, re) -> findAll(s, re, -1)),
                CelFunctionBinding.from("string_find_all_string_int", List.of(String.class, String.class, Long.class),
                        args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
    }

    private static Pattern compile(String re) throws CelEvaluationException {
        String error = RegexLiterals.error(re);
        if (error != null) {
            throw new CelEvaluationException(error);
        }
        return Pattern.compile(re);
    }

    static String find(String s, String re) throws CelEvaluationException {
        Matcher m = compile(re).matcher(s);
        return m.find() ? m.group() : "";
    }

    static List<String> findAll(String s, String re, long n) throws CelEvaluationException {
        List<String> out = new ArrayList<>();
        Matcher m = compile(re).matcher(s);
        while ((n < 0 || out.size() < n) && m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
