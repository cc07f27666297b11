/**
 * The Avro contracts ({@link io.modstream.schemas.Comment}, {@link
 * io.modstream.schemas.LabelEvent}, {@link io.modstream.schemas.Feedback}, {@link
 * io.modstream.schemas.ModelRelease}), generated from {@code src/main/avro}, and their
 * registry-free serialization: {@link io.modstream.schemas.AvroCodec} and {@link
 * io.modstream.schemas.AvroSerde}.
 */
package io.modstream.schemas;
