/** Model descriptions and the versioned model store. */
@Export
@Version("1.1.0")
package dev.neurite.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
