package dev.updater.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version, commit and build time, embedded by the build (resource filtering of build-info.properties). */
public record BuildInfo(String version, String commit, String buildTime) implements IVersionProvider {

    public BuildInfo() {
        this(load());
    }

    private BuildInfo(Properties p) {
        this(value(p, "version"), value(p, "commit") + ("true".equals(p.getProperty("dirty")) ? "-dirty" : ""),
                value(p, "buildTime"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "unknown");
        return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"update " + version + " (commit " + commit + ", built " + buildTime + ")"};
    }
}
