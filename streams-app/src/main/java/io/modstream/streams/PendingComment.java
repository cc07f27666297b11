package io.modstream.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A validated comment waiting in the changelog-backed buffer: what its label event needs (key,
 * text, record timestamp) and when it entered the buffer. Encoded compactly for the store.
 *
 * @param key the event key: the record key, or the comment id when the record had none
 * @param text the comment text
 * @param timestamp the source record's timestamp, carried to the event
 * @param enqueuedAtMs wall-clock time at which it was buffered
 */
record PendingComment(String key, String text, long timestamp, long enqueuedAtMs) {

  byte[] encode() {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + k.length + 4 + t.length + 16)
        .putInt(k.length)
        .put(k)
        .putInt(t.length)
        .put(t)
        .putLong(timestamp)
        .putLong(enqueuedAtMs)
        .array();
  }

  static PendingComment decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] k = new byte[b.getInt()];
    b.get(k);
    byte[] t = new byte[b.getInt()];
    b.get(t);
    return new PendingComment(
        new String(k, StandardCharsets.UTF_8),
        new String(t, StandardCharsets.UTF_8),
        b.getLong(),
        b.getLong());
  }
}
