package io.modstream.model.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity subgroups found by term matching: each subgroup has a name and the words or phrases that
 * mention it. A text mentions a subgroup when one of its terms occurs as whole words, ignoring
 * case; the words of a phrase must follow each other, with any punctuation or spacing between them.
 * This finds mentions, it does not annotate them (docs/quality/bias.md).
 *
 * <p>The file format, one subgroup a line: {@code name: term, term, ...}; lines starting with
 * {@code #} and blank lines are ignored. The bundled list is {@value #DEFAULT_RESOURCE}.
 *
 * @param subgroups terms by subgroup name, in file order; terms in lower case, words separated by
 *     one space
 */
public record IdentityTerms(Map<String, List<String>> subgroups) {

  /** The bundled list, next to this class. */
  public static final String DEFAULT_RESOURCE = "identity-terms.txt";

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

  /** Normalizes terms and checks the names. */
  public IdentityTerms {
    if (subgroups.isEmpty()) {
      throw new IllegalArgumentException(
          "identity term list has no subgroups; add a line 'name: term'");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : subgroups.entrySet()) {
      String name = e.getKey();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "identity subgroup name '" + name + "' must be lower-case letters, digits or _");
      }
      List<String> terms = new ArrayList<>();
      for (String term : e.getValue()) {
        String normalized = words(term).strip();
        if (normalized.isEmpty()) {
          throw new IllegalArgumentException(
              "identity subgroup '" + name + "' has a term without letters: '" + term + "'");
        }
        terms.add(normalized);
      }
      if (terms.isEmpty()) {
        throw new IllegalArgumentException(
            "identity subgroup '" + name + "' has no terms; list at least one after the ':'");
      }
      copy.put(name, List.copyOf(terms));
    }
    subgroups = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the bundled list.
   *
   * @return the terms
   */
  public static IdentityTerms defaults() {
    try (InputStream in = IdentityTerms.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from model-core's jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a term list file, or the bundled list when {@code file} is null.
   *
   * @param file the file or null
   * @return the terms
   * @throws IOException if unreadable
   */
  public static IdentityTerms read(Path file) throws IOException {
    return file == null
        ? defaults()
        : parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses a term list.
   *
   * @param text the list's text
   * @param source where it came from, for error messages
   * @return the terms
   * @throws IllegalArgumentException on a malformed line or a repeated subgroup
   */
  public static IdentityTerms parse(String text, String source) {
    Map<String, List<String>> subgroups = new LinkedHashMap<>();
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": expected 'name: term, term', got '" + line + "'");
      }
      String name = line.substring(0, colon).strip();
      List<String> terms =
          Arrays.stream(line.substring(colon + 1).split(","))
              .map(String::strip)
              .filter(t -> !t.isEmpty())
              .toList();
      if (subgroups.put(name, terms) != null) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": subgroup '" + name + "' is listed twice; merge them");
      }
    }
    return new IdentityTerms(subgroups);
  }

  /**
   * Returns the subgroup names, in list order.
   *
   * @return the names
   */
  public List<String> names() {
    return List.copyOf(subgroups.keySet());
  }

  /**
   * Finds which texts mention which subgroups.
   *
   * @param texts the texts
   * @return {@code [texts][subgroups]}, subgroups in {@link #names()} order
   */
  public boolean[][] mentions(List<String> texts) {
    List<List<String>> terms = new ArrayList<>(subgroups.values());
    boolean[][] out = new boolean[texts.size()][terms.size()];
    for (int i = 0; i < texts.size(); i++) {
      String padded = " " + words(texts.get(i)) + " ";
      Set<String> words = new HashSet<>(Arrays.asList(padded.strip().split(" ")));
      for (int g = 0; g < terms.size(); g++) {
        for (String term : terms.get(g)) {
          // Single words by set lookup; phrases by a search between word boundaries.
          boolean hit =
              term.indexOf(' ') < 0 ? words.contains(term) : padded.contains(" " + term + " ");
          if (hit) {
            out[i][g] = true;
            break;
          }
        }
      }
    }
    return out;
  }

  /** Lower case, every run of characters that are neither letters nor digits as one space. */
  private static String words(String text) {
    return NOT_WORD.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
  }
}
