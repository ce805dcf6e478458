package io.kapi.shell;

import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import io.kapi.security.pki.SecureFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * A kubeconfig for a named user, with a new client certificate from Kapi's CA (kube's {@code kubeadm
 * kubeconfig user}): the user is the certificate's CN and each group an O. The server and CA are the
 * admin kubeconfig's. Written owner-only: it holds a private key.
 */
@Command(scope = "kapi", name = "kubeconfig", description = "Writes a kubeconfig for a user with a new client certificate from Kapi's CA")
@Service
public class KubeconfigCommand implements Action {
    @Option(name = "-g", aliases = "--group", multiValued = true, description = "a group of the user (system:masters for an administrator)")
    @Completion(value = StringsCompleter.class, values = {"system:masters", "system:authenticated"})
    List<String> groups;

    @Option(name = "-o", aliases = "--output", description = "the file to write (default: etc/kapi/<user>.kubeconfig)")
    @Completion(FileCompleter.class)
    String output;

    @Argument(index = 0, name = "user", description = "the user name (the certificate's CN)", required = true)
    String user;

    @Override
    public Object execute() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path admin = etc.resolve("kapi/admin.kubeconfig");
        String server = null;
        for (String line : Files.readAllLines(admin, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.startsWith("server: ")) {
                server = t.substring("server: ".length()).strip();
            }
        }
        if (server == null) {
            throw new IllegalStateException("no server in " + admin);
        }
        Pki pki = Pki.open(etc.resolve("kapi/pki"));
        Pki.ClientCredentials creds = pki.issueClient(user, groups == null ? List.of() : new ArrayList<>(groups));
        String text = Kubeconfig.render(server, pki.pem(Pki.CA_CRT), user, creds.certificatePem(), creds.keyPem());
        Path target = output == null ? etc.resolve("kapi/" + user + ".kubeconfig") : Path.of(output).toAbsolutePath();
        SecureFiles.write(target, text.getBytes(StandardCharsets.UTF_8), true);
        System.out.println("wrote " + target + " for " + user + (groups == null || groups.isEmpty() ? "" : " in " + String.join(", ", groups)));
        return null;
    }
}
