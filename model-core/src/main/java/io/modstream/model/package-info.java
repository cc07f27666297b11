/**
 * The model library's front door: serving and bundles.
 *
 * <ul>
 *   <li>{@link io.modstream.model.ModelBundle} loads, verifies and saves a trained model (its
 *       {@link io.modstream.model.BundleInfo}: labels, thresholds, calibration, provenance).
 *   <li>{@link io.modstream.model.ModerationModel} scores texts with a bundle, in batches, on an
 *       {@link io.modstream.model.InferenceEngine} with {@link io.modstream.model.EngineOptions}.
 *   <li>{@link io.modstream.model.DecisionPolicy} turns scores into a {@link
 *       io.modstream.model.Verdict}: scores by label, flagged labels, the deciding model.
 * </ul>
 *
 * <p>Text handling is in {@code text}, labelled data in {@code data}, metrics in {@code
 * evaluation}, training in {@code training}. The engines (DL4J, ONNX Runtime) live in {@code
 * internal}, which nothing outside this module imports.
 */
package io.modstream.model;
