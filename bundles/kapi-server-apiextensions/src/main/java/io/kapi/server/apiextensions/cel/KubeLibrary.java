package io.kapi.server.apiextensions.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/** One of kube's CEL function libraries (apiserver {@code pkg/cel/library}): its declarations and implementations. */
interface KubeLibrary {
    List<CelFunctionDecl> functions();

    List<CelFunctionBinding> bindings();

    /** The libraries apiextensions enables for CRD rules in kube 1.32 that Kapi has. */
    static List<KubeLibrary> all() {
        return List.of(new ListsLibrary(), new RegexLibrary(), new UrlsLibrary(), new QuantityLibrary(), new IpLibrary(),
                new CidrLibrary(), new FormatLibrary());
    }
}
