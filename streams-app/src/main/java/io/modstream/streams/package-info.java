/**
 * The Kafka Streams scoring topology: comments in, label events out. The topology itself arrives
 * with the streaming-pipeline issue; this module exists from the start so the build's shape is
 * stable.
 */
package io.modstream.streams;
