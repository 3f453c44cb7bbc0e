/** Labelled datasets and the registry that finds and verifies them. */
@Export
@Version("1.1.0")
package dev.neurite.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
