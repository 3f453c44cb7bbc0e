package dev.neurite.edge.core;

import java.util.List;

/**
 * Bundle life-cycle operations as the {@code bundles/*} commands need them. Installs and
 * updates are all-or-nothing: a bundle that does not resolve or start is rolled back and
 * the failure reported.
 */
public interface BundleControl {

    record BundleInfo(long id, String symbolicName, String version, String state, String location) {
    }

    List<BundleInfo> list();

    /** The bundle with this id or symbolic name; 404 when there is none. */
    BundleInfo find(String idOrName) throws CommandException;

    BundleInfo install(String location, byte[] jar, boolean start) throws CommandException;

    BundleInfo update(long id, byte[] jar, boolean start) throws CommandException;

    /**
     * Puts back the content the bundle had before its last update (and keeps the content it
     * had until now, so a second rollback undoes the first); 409 when no earlier content is kept.
     */
    BundleInfo rollback(long id) throws CommandException;

    BundleInfo start(long id) throws CommandException;

    BundleInfo stop(long id) throws CommandException;

    void uninstall(long id) throws CommandException;
}
