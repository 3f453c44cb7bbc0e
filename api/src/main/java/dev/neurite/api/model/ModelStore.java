package dev.neurite.api.model;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Versioned, crash-safe storage of trained models. Each save of a name creates the next
 * version; a save is all-or-nothing, so a crash never leaves a half-written model visible.
 */
@ProviderType
public interface ModelStore {

    /** Saves a new version of {@code artifact.name()} and returns what was stored. */
    ModelInfo save(ModelArtifact artifact) throws IOException;

    /** Loads one version with its tensors. */
    ModelArtifact load(String name, int version) throws ModelNotFoundException, IOException;

    /** Loads the newest version of a name. */
    ModelArtifact loadLatest(String name) throws ModelNotFoundException, IOException;

    /** Describes one version without reading its tensors. */
    ModelInfo info(String name, int version) throws ModelNotFoundException, IOException;

    /** All stored versions of all models, ordered by name then version. */
    List<ModelInfo> list() throws IOException;

    /** Deletes one version. */
    void delete(String name, int version) throws ModelNotFoundException, IOException;

    /**
     * The files that hold one version as stored (its tensors and its manifest), for export
     * and download. A store that keeps no files returns an empty list.
     */
    default List<Path> files(String name, int version) throws ModelNotFoundException, IOException {
        info(name, version);
        return List.of();
    }
}
