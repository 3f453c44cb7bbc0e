/** Compute devices a job can be placed on. */
@Export
@Version("1.1.0")
package dev.neurite.api.accelerator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
