package io.kapi.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivilegedActionException;
import javax.security.auth.Subject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs commands in Karaf's shell as an operator at the console would. Karaf registers a bundle's
 * commands a moment after that bundle's services are there, so a command not found yet is tried
 * again for up to a minute.
 */
final class KarafConsole {
    private final SessionFactory sessions;

    KarafConsole(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Runs {@code command} as a console user in Karaf's {@code admin} role and returns what it printed. */
    String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Session session = sessions.create(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            for (long end = System.nanoTime() + 60_000_000_000L; ; ) {
                try {
                    asAdmin(() -> session.execute(command));
                    break;
                } catch (Exception e) {
                    if (!e.getClass().getSimpleName().equals("CommandNotFoundException") || System.nanoTime() > end) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        } finally {
            session.close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code action} as a subject in Karaf's {@code admin} role: the shell shows a command such as
     * {@code bundle:stop} only to a subject its command ACLs allow.
     */
    private static void asAdmin(java.security.PrivilegedExceptionAction<Object> action) throws Exception {
        Subject subject = new Subject();
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles"}) {
            subject.getPrincipals().add((Principal) Class.forName("org.apache.karaf.jaas.boot.principal.RolePrincipal")
                    .getConstructor(String.class).newInstance(role));
        }
        try {
            Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }
}
