/**
 * Labelled comments: {@link io.modstream.model.data.LabelledCsv} reads Jigsaw-format files into a
 * {@link io.modstream.model.data.LabelledDataset}; {@link io.modstream.model.data.Perturbations}
 * disguises texts to test robustness.
 */
package io.modstream.model.data;
