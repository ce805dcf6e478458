package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code /version} reports, as kube's {@code version.Info}: the kube API level served (1.32), and
 * this build's version, git commit, tree state and date, stamped into {@code build.properties} by the
 * build. A value the build could not stamp (no git checkout) is reported empty.
 */
record BuildInfo(String version, String gitCommit, String gitTreeState, String buildDate) {
    /** The kube release whose API Kapi serves. */
    static final String KUBE_MAJOR = "1";
    static final String KUBE_MINOR = "32";

    static BuildInfo load() {
        return read(BuildInfo.class.getResourceAsStream("build.properties"));
    }

    static BuildInfo read(InputStream in) {
        Properties p = new Properties();
        if (in != null) {
            try (in) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String dirty = stamped(p, "gitDirty");
        String commit = stamped(p, "gitCommit");
        return new BuildInfo(stamped(p, "version"), commit,
                commit.isEmpty() ? "" : Boolean.parseBoolean(dirty) ? "dirty" : "clean", stamped(p, "buildDate"));
    }

    /** A property the build filled in; "" for one left as its {@code ${...}} placeholder or missing. */
    private static String stamped(Properties p, String key) {
        String v = p.getProperty(key, "");
        return v.startsWith("${") ? "" : v;
    }

    /** kube's gitVersion form: the kube level with Kapi's version as its build: {@code v1.32.0-kapi.0.1.0-SNAPSHOT}. */
    String gitVersion() {
        return "v" + KUBE_MAJOR + "." + KUBE_MINOR + ".0-kapi." + (version.isEmpty() ? "unknown" : version);
    }

    ObjectNode toJson() {
        ObjectNode v = Json.object();
        v.put("major", KUBE_MAJOR);
        v.put("minor", KUBE_MINOR);
        v.put("gitVersion", gitVersion());
        v.put("gitCommit", gitCommit);
        v.put("gitTreeState", gitTreeState);
        v.put("buildDate", buildDate);
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.arch"));
        return v;
    }
}
