package dev.neurite.readiness;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints {@value #READY} once, when the runtime has started completely: every bundle is
 * ACTIVE (fragments RESOLVED, lazy bundles may wait in STARTING), the system bundle is
 * ACTIVE, and every required service is registered. Supervisors, scripts and tests wait for
 * this line instead of guessing with sleeps.
 * <p>
 * It lives in its own bundle because it is a property of an image, not of any one bundle:
 * the runtime cannot know which other bundles an image holds, and each image names the
 * services it needs in the framework property {@value #SERVICES_PROPERTY}, a comma-separated
 * list of service interface names or LDAP filters (default: the four Neurite core services).
 * The bundle imports nothing but the framework API, so it never holds up what it observes.
 * <p>
 * If the runtime is not ready after {@value #WARN_PROPERTY} seconds (default 60), it says what
 * it is still waiting for, and keeps waiting.
 */
@Component(immediate = true)
public class Readiness {

    public static final String READY = "Neurite ready";
    public static final String SERVICES_PROPERTY = "neurite.ready.services";
    public static final String WARN_PROPERTY = "neurite.ready.warnAfterSeconds";
    static final String DEFAULT_SERVICES = "dev.neurite.api.job.JobManager,dev.neurite.api.model.ModelStore,"
            + "dev.neurite.api.data.DatasetRegistry,dev.neurite.api.accelerator.AcceleratorRegistry";

    private final BundleContext context;
    private final List<String> required;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> daemon(r, "neurite-readiness"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "neurite-readiness-timer"));
    private final AtomicBoolean announced = new AtomicBoolean();
    private final BundleListener bundleListener = this::onBundleEvent;
    private final ServiceListener serviceListener = this::onServiceEvent;
    private final FrameworkListener frameworkListener = this::onFrameworkEvent;
    private ScheduledFuture<?> warning;

    @Activate
    public Readiness(BundleContext context) {
        this.context = context;
        String configured = context.getProperty(SERVICES_PROPERTY);
        this.required = split(configured == null || configured.isBlank() ? DEFAULT_SERVICES : configured);
        // Listen before the first check, so no change between the check and the listening is missed.
        context.addBundleListener(bundleListener);
        context.addServiceListener(serviceListener);
        context.addFrameworkListener(frameworkListener);
        long warnAfter = parseLong(context.getProperty(WARN_PROPERTY), 60);
        warning = timer.schedule(() -> checker.execute(this::warnIfWaiting), warnAfter, TimeUnit.SECONDS);
        checker.execute(this::check);
    }

    @Deactivate
    void deactivate() {
        stopListening();
        checker.shutdownNow();
        timer.shutdownNow();
    }

    private void onBundleEvent(BundleEvent event) {
        schedule();
    }

    private void onServiceEvent(ServiceEvent event) {
        schedule();
    }

    private void onFrameworkEvent(FrameworkEvent event) {
        schedule();
    }

    private void schedule() {
        if (!announced.get()) {
            try {
                checker.execute(this::check);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Deactivated meanwhile.
            }
        }
    }

    private void check() {
        if (announced.get() || !waitingFor().isEmpty() || !announced.compareAndSet(false, true)) {
            return;
        }
        int active = 0;
        int fragments = 0;
        for (Bundle b : context.getBundles()) {
            if (isFragment(b)) {
                fragments++;
            } else {
                active++;
            }
        }
        double seconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        System.out.println(String.format(Locale.ROOT, "%s in %.3f s: %d bundles active, %d fragments resolved, %d services required",
                READY, seconds, active, fragments, required.size()));
        System.out.flush();
        stopListening();
        timer.shutdownNow();
    }

    private void warnIfWaiting() {
        List<String> missing = waitingFor();
        if (!announced.get() && !missing.isEmpty()) {
            double seconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
            System.out.println(String.format(Locale.ROOT, "Neurite not ready after %.0f s, still waiting for: %s",
                    seconds, String.join("; ", missing)));
        }
    }

    /** What stands between now and ready; empty when ready. */
    List<String> waitingFor() {
        List<String> missing = new ArrayList<>();
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (system == null || system.getState() != Bundle.ACTIVE) {
            missing.add("framework start");
        }
        for (Bundle b : context.getBundles()) {
            int state = b.getState();
            if (isFragment(b)) {
                if (state != Bundle.RESOLVED) {
                    missing.add("fragment " + describe(b) + " to resolve (is " + stateName(state) + ")");
                }
            } else if (state != Bundle.ACTIVE && !(state == Bundle.STARTING && lazy(b))) {
                missing.add("bundle " + describe(b) + " to start (is " + stateName(state) + ")");
            }
        }
        for (String service : required) {
            try {
                String filter = service.startsWith("(") ? service : "(" + Constants.OBJECTCLASS + "=" + service + ")";
                // All references, not only class-compatible ones: this bundle wires to no service package.
                if (context.getAllServiceReferences(null, filter) == null) {
                    missing.add("service " + service);
                }
            } catch (InvalidSyntaxException e) {
                missing.add("service " + service + " (invalid filter in " + SERVICES_PROPERTY + ": " + e.getMessage() + ")");
            }
        }
        return missing;
    }

    private void stopListening() {
        try {
            context.removeBundleListener(bundleListener);
            context.removeServiceListener(serviceListener);
            context.removeFrameworkListener(frameworkListener);
        } catch (IllegalStateException e) {
            // The bundle is already stopping.
        }
        if (warning != null) {
            warning.cancel(false);
        }
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static boolean lazy(Bundle b) {
        String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }

    private static String describe(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]";
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "UNINSTALLED";
        }
    }

    /** Splits at commas that are not inside an LDAP filter's parentheses. */
    static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : list.toCharArray()) {
            if (c == ',' && depth == 0) {
                add(parts, current);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            }
            current.append(c);
        }
        add(parts, current);
        return List.copyOf(parts);
    }

    private static void add(List<String> parts, StringBuilder current) {
        String part = current.toString().trim();
        if (!part.isEmpty()) {
            parts.add(part);
        }
        current.setLength(0);
    }

    private static long parseLong(String text, long fallback) {
        try {
            return text == null ? fallback : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
