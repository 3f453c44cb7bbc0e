package dev.neurite.api.data;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/** Finds datasets in the configured data directories and opens them, verified. */
@ProviderType
public interface DatasetRegistry {

    /** All datasets that can be opened now. */
    List<DatasetInfo> list();

    /**
     * Opens a dataset by name, checking the SHA-256 of every file that a checksum list
     * covers. Repeated opens of an unchanged dataset may return the same instance.
     */
    Dataset open(String name) throws DatasetException;
}
