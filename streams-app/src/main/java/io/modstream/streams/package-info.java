/**
 * The scoring service. {@link io.modstream.streams.StreamsApp} is the binary (the service, and its
 * admin commands {@code create-topics} and {@code config-reference}); {@link
 * io.modstream.streams.ScorerConfig} its validated configuration; {@link
 * io.modstream.streams.ScoringTopology} builds the topology: comments in, scored in batches by
 * {@code ScoringProcessor}, label events and dead letters out; {@link
 * io.modstream.streams.ModelHolder} holds the served model, which {@link
 * io.modstream.streams.ReleaseFollower} swaps on each release; {@link
 * io.modstream.streams.TopicSetup} creates the topics of {@link io.modstream.schemas.Topics}.
 */
package io.modstream.streams;
