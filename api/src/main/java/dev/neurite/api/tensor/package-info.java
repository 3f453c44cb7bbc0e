/**
 * The compute contract's home. It holds only element types for now; the define-then-run
 * tensor API lands here with the compute work. Versioned below 1.0 while it is young.
 */
@Export
@Version("0.1.0")
package dev.neurite.api.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
