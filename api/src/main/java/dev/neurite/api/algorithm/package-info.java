/** Learning-rule plugins: a {@link dev.neurite.api.algorithm.TrainingAlgorithm} service per rule. */
@Export
@Version("1.2.0")
package dev.neurite.api.algorithm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
