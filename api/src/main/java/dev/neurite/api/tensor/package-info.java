/**
 * Define-then-run compute: an algorithm builds a {@link dev.neurite.api.tensor.Graph} of
 * primitive {@link dev.neurite.api.tensor.Op}s, states its outputs and variable updates as a
 * {@link dev.neurite.api.tensor.Step}, and a {@link dev.neurite.api.tensor.Backend} compiles
 * and runs it. Derivatives ({@link dev.neurite.api.tensor.Autodiff}), stable composite
 * functions ({@link dev.neurite.api.tensor.Functions}) and optimizers
 * ({@link dev.neurite.api.tensor.Optimizer}) are graph-building code here, written once for
 * every backend.
 *
 * <p>Version 1.0.0: the package is a public contract that algorithm bundles and a second
 * backend build on now, and OSGi semantic versioning gives 0.x no weaker promise. It grows by
 * addition: new {@link dev.neurite.api.tensor.Op} and {@link dev.neurite.api.tensor.Layout}
 * constants and {@link dev.neurite.api.tensor.DType}s for integer, bit-packed and sparse
 * tensors are minor changes; backend interfaces are provider types. 1.1.0 adds
 * {@link dev.neurite.api.tensor.RandomDraws}, the random ops' values for every backend, and
 * optimizers whose learning rate is a tensor.
 */
@Export
@Version("1.1.0")
package dev.neurite.api.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
