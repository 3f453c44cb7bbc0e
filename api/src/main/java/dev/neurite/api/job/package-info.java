/** Training jobs: submission, life cycle, progress and the EventAdmin topics that carry them. */
@Export
@Version("1.0.0")
package dev.neurite.api.job;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
