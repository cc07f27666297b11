package io.modstream.trainer.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in reviewers by an unguessable cookie token, each with its own token for forms (a page
 * from another site cannot read it, so it cannot post a verdict in the reviewer's name).
 * Thread-safe; sessions live in memory and end with the process.
 */
final class Sessions {

  /** A signed-in reviewer. */
  record Session(String reviewer, String formToken, long expiresAtNanos) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> byToken = new ConcurrentHashMap<>();
  private final long ttlNanos;

  Sessions(Duration ttl) {
    this.ttlNanos = ttl.toNanos();
  }

  /** Starts a session and returns its cookie token. */
  String open(String reviewer) {
    String token = token();
    byToken.put(token, new Session(reviewer, token(), System.nanoTime() + ttlNanos));
    return token;
  }

  /** The live session of a cookie token, or null. */
  Session find(String token) {
    if (token == null) {
      return null;
    }
    Session s = byToken.get(token);
    if (s != null && System.nanoTime() - s.expiresAtNanos() > 0) {
      byToken.remove(token);
      return null;
    }
    return s;
  }

  void close(String token) {
    if (token != null) {
      byToken.remove(token);
    }
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
