package dev.neurite.edge.core;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link BundleControl} over a running OSGi framework. A copy of every jar installed or
 * updated through it is kept in {@code archive}, so a failed update can be rolled back to
 * the previous content, and the content an update replaced is kept too, for
 * {@link #rollback(long)}. The system bundle and the agent's own bundle cannot be changed.
 */
public final class FrameworkBundles implements BundleControl {

    private static final Logger LOG = Logger.getLogger(FrameworkBundles.class.getName());

    private final BundleContext context;
    private final Path archive;
    private final long self;

    public FrameworkBundles(BundleContext context, Path archive) throws IOException {
        this.context = context;
        this.archive = archive;
        this.self = context.getBundle().getBundleId();
        Files.createDirectories(archive);
    }

    @Override
    public List<BundleInfo> list() {
        List<BundleInfo> all = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            all.add(info(b));
        }
        return all;
    }

    @Override
    public BundleInfo find(String idOrName) throws CommandException {
        return info(bundle(idOrName));
    }

    private Bundle bundle(String idOrName) throws CommandException {
        if (idOrName.chars().allMatch(Character::isDigit) && !idOrName.isEmpty() && idOrName.length() < 19) {
            Bundle b = context.getBundle(Long.parseLong(idOrName));
            if (b != null) {
                return b;
            }
        } else {
            Bundle best = null;
            for (Bundle b : context.getBundles()) {
                if (idOrName.equals(b.getSymbolicName()) && (best == null || b.getVersion().compareTo(best.getVersion()) > 0)) {
                    best = b;
                }
            }
            if (best != null) {
                return best;
            }
        }
        throw CommandException.notFound("no bundle " + idOrName);
    }

    private Bundle changeable(long id) throws CommandException {
        Bundle b = context.getBundle(id);
        if (b == null) {
            throw CommandException.notFound("no bundle " + id);
        }
        if (id == 0 || id == self) {
            throw new CommandException(403, "forbidden", "bundle " + id + " (" + b.getSymbolicName()
                    + ") runs the framework or this agent and cannot be changed remotely", null);
        }
        return b;
    }

    @Override
    public BundleInfo install(String location, byte[] jar, boolean start) throws CommandException {
        Bundle b;
        try {
            b = context.installBundle(location, new ByteArrayInputStream(jar));
        } catch (BundleException | RuntimeException e) {
            throw new CommandException(422, "install-failed", "not installed: " + e.getMessage(), null);
        }
        try {
            activate(b, start);
        } catch (BundleException | RuntimeException e) {
            try {
                b.uninstall();
                refresh(List.of(b));
            } catch (BundleException | RuntimeException ex) {
                LOG.log(Level.WARNING, "rolling back bundle " + b.getBundleId() + " failed", ex);
            }
            throw new CommandException(422, "rolled-back", b.getSymbolicName() + " " + b.getVersion()
                    + " did not " + (start ? "start" : "resolve") + " and was uninstalled: " + e.getMessage(), null);
        }
        keep(b.getBundleId(), jar);
        return info(b);
    }

    @Override
    public BundleInfo update(long id, byte[] jar, boolean start) throws CommandException {
        Bundle b = changeable(id);
        byte[] previous = previousContent(b);
        BundleInfo info = replace(b, jar, previous, start);
        keep(id, jar, previous);
        return info;
    }

    @Override
    public BundleInfo rollback(long id) throws CommandException {
        Bundle b = changeable(id);
        Path earlier = archive.resolve(id + ".previous.jar");
        byte[] target;
        try {
            target = Files.isRegularFile(earlier) ? Files.readAllBytes(earlier) : null;
        } catch (IOException e) {
            target = null;
        }
        if (target == null) {
            throw CommandException.conflict("bundle " + id + " (" + b.getSymbolicName() + " " + b.getVersion()
                    + ") has no earlier version to roll back to: it was not updated through this agent");
        }
        byte[] current = previousContent(b);
        BundleInfo info = replace(b, target, current, false);
        keep(id, target, current);
        return info;
    }

    /** Updates {@code b} to {@code jar}; on failure puts {@code previous} back and says so. */
    private BundleInfo replace(Bundle b, byte[] jar, byte[] previous, boolean start) throws CommandException {
        long id = b.getBundleId();
        boolean wasActive = b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING;
        try {
            // An active bundle is restarted by update() itself, so a start failure may surface there.
            b.update(new ByteArrayInputStream(jar));
            refresh(List.of(b));
            activate(b, start || wasActive);
        } catch (BundleException | RuntimeException e) {
            String why = e.getMessage();
            try {
                b.update(new ByteArrayInputStream(previous));
                refresh(List.of(b));
                if (wasActive) {
                    b.start();
                }
            } catch (BundleException | RuntimeException ex) {
                LOG.log(Level.WARNING, "rolling back the update of bundle " + id + " failed", ex);
                throw new CommandException(500, "rollback-failed", "the update failed (" + why
                        + ") and restoring the previous version failed too: " + ex.getMessage(), null);
            }
            throw new CommandException(422, "rolled-back", "the new version did not "
                    + (start || wasActive ? "start" : "resolve") + " and the previous one was restored: " + why, null);
        }
        return info(b);
    }

    private void activate(Bundle b, boolean start) throws BundleException {
        boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
        if (start && !fragment) {
            b.start();
        } else if (!wiring().resolveBundles(List.of(b))) {
            throw new BundleException("its requirements are not satisfied", BundleException.RESOLVE_ERROR);
        }
    }

    /** The content to restore if an update fails: the archived copy, else the install location. */
    private byte[] previousContent(Bundle b) throws CommandException {
        Path kept = archive.resolve(b.getBundleId() + ".jar");
        try {
            if (Files.isRegularFile(kept)) {
                return Files.readAllBytes(kept);
            }
            try (InputStream in = new URL(b.getLocation()).openStream()) {
                return in.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            throw CommandException.conflict("bundle " + b.getBundleId() + " cannot be rolled back (its current content is "
                    + "not available from " + b.getLocation() + "), so it is not updated remotely");
        }
    }

    private void keep(long id, byte[] jar) {
        store(archive.resolve(id + ".jar"), jar);
    }

    /** Keeps the new content, and the one it replaced for {@code bundles/rollback}. */
    private void keep(long id, byte[] jar, byte[] previous) {
        store(archive.resolve(id + ".previous.jar"), previous);
        store(archive.resolve(id + ".jar"), jar);
    }

    private static void store(Path file, byte[] content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "no rollback copy in " + file, e);
        }
    }

    @Override
    public BundleInfo start(long id) throws CommandException {
        Bundle b = changeable(id);
        try {
            b.start();
        } catch (BundleException | RuntimeException e) {
            throw new CommandException(422, "start-failed", e.getMessage(), null);
        }
        return info(b);
    }

    @Override
    public BundleInfo stop(long id) throws CommandException {
        Bundle b = changeable(id);
        try {
            b.stop();
        } catch (BundleException | RuntimeException e) {
            throw new CommandException(422, "stop-failed", e.getMessage(), null);
        }
        return info(b);
    }

    @Override
    public void uninstall(long id) throws CommandException {
        Bundle b = changeable(id);
        try {
            b.uninstall();
            refresh(List.of(b));
            Files.deleteIfExists(archive.resolve(id + ".jar"));
            Files.deleteIfExists(archive.resolve(id + ".previous.jar"));
        } catch (BundleException | IOException | RuntimeException e) {
            throw new CommandException(422, "uninstall-failed", e.getMessage(), null);
        }
    }

    private FrameworkWiring wiring() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }

    private void refresh(Collection<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        wiring().refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                LOG.warning("bundle refresh did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> Integer.toString(state);
        };
    }

    static BundleInfo info(Bundle b) {
        return new BundleInfo(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), state(b.getState()),
                b.getLocation());
    }
}
