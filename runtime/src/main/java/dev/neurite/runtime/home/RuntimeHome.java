package dev.neurite.runtime.home;

import org.osgi.framework.BundleContext;

import java.nio.file.Path;

/**
 * The runtime's home directory: framework property {@value #PROPERTY}, else the working
 * directory. Models, jobs and the default data directory live below it.
 */
public final class RuntimeHome {

    public static final String PROPERTY = "neurite.home";

    private RuntimeHome() {
    }

    public static Path of(BundleContext context) {
        String configured = context == null ? null : context.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty(PROPERTY, System.getProperty("user.dir"));
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /** {@code configured} if set, else {@code home/fallback}. */
    public static Path dir(BundleContext context, String configured, String fallback) {
        if (configured != null && !configured.isBlank()) {
            return of(context).resolve(configured).normalize();
        }
        return of(context).resolve(fallback);
    }
}
