/**
 * The contracts every producer and consumer shares. The Avro records ({@link
 * io.modstream.schemas.Comment}, {@link io.modstream.schemas.LabelEvent}, {@link
 * io.modstream.schemas.Feedback}, {@link io.modstream.schemas.ModelRelease}), generated from {@code
 * src/main/avro}, and their registry-free serialization ({@link io.modstream.schemas.AvroCodec},
 * {@link io.modstream.schemas.AvroSerde}); the topic catalogue ({@link io.modstream.schemas.Topics}
 * of {@link io.modstream.schemas.TopicSpec}) and the dead-letter headers ({@link
 * io.modstream.schemas.DeadLetterHeaders}); model releases and their bundles in transit ({@link
 * io.modstream.schemas.ModelReleases}, {@link io.modstream.schemas.BundleTransport}, {@link
 * io.modstream.schemas.SafeFiles}).
 */
package io.modstream.schemas;
