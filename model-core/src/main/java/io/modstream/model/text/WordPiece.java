package io.modstream.model.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * BERT's uncased tokenization, as Hugging Face {@code BertNormalizer} + {@code BertPreTokenizer} +
 * {@code WordPiece} do it for all-MiniLM-L6-v2: drop control characters and U+FFFD, whitespace to
 * spaces, spaces around CJK ideographs, lower case, strip accents (NFD, no combining marks), split
 * on whitespace and around every punctuation character, then split each word greedily into the
 * longest pieces the vocabulary holds ({@code ##} marks a piece inside a word). A word longer than
 * 100 characters, or one the pieces cannot cover, becomes {@link Vocabulary#UNKNOWN}.
 *
 * <p>Over a subset of the pieces, a word whose full-vocabulary pieces are all in the subset splits
 * exactly as over the full vocabulary (greedy longest match picks the same piece at each step), so
 * a bundle can carry only the pieces its training rows used. Immutable and thread-safe.
 */
final class WordPiece {

  static final String CONTINUATION = "##";
  private static final int MAX_WORD_CHARS = 100;

  private final Set<String> pieces;
  private final int longestPiece;

  WordPiece(Set<String> pieces) {
    this.pieces = Set.copyOf(pieces);
    this.longestPiece = this.pieces.stream().mapToInt(String::length).max().orElse(0);
  }

  List<String> tokenize(String text, int maxTokens) {
    List<String> tokens = new ArrayList<>();
    for (String word : words(text)) {
      split(word, tokens);
      if (tokens.size() >= maxTokens) {
        return new ArrayList<>(tokens.subList(0, maxTokens));
      }
    }
    return tokens;
  }

  /** The basic tokenization: normalized words and single punctuation characters. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    String normalized = normalize(text);
    for (int i = 0; i < normalized.length(); ) {
      int cp = normalized.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == ' ') {
        flush(word, words);
      } else if (isPunctuation(cp) || isCjk(cp)) {
        flush(word, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (!word.isEmpty()) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  /** Clean text, lower case, strip accents; whitespace becomes single spaces. */
  private static String normalize(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        clean.append(' ');
      } else if (cp != 0 && cp != 0xFFFD && !isControl(cp)) {
        clean.appendCodePoint(cp);
      }
    }
    String decomposed =
        Normalizer.normalize(clean.toString().toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); ) {
      int cp = decomposed.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.NON_SPACING_MARK) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** Greedy longest-match-first pieces of one word, appended to {@code out}. */
  private void split(String word, List<String> out) {
    if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
      out.add(Vocabulary.UNKNOWN);
      return;
    }
    List<String> found = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      String prefix = start > 0 ? CONTINUATION : "";
      int end = Math.min(word.length(), start + longestPiece);
      String piece = null;
      while (end > start) {
        String candidate = prefix + word.substring(start, end);
        if (pieces.contains(candidate)) {
          piece = candidate;
          break;
        }
        end = Character.isLowSurrogate(word.charAt(end - 1)) ? end - 2 : end - 1;
      }
      if (piece == null) {
        out.add(Vocabulary.UNKNOWN);
        return;
      }
      found.add(piece);
      start = end;
    }
    out.addAll(found);
  }

  private static boolean isWhitespace(int cp) {
    return cp == ' '
        || cp == '\t'
        || cp == '\n'
        || cp == '\r'
        || Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  /** BERT's control test: Unicode categories C*, except tab, newline and carriage return. */
  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED;
  }

  /** ASCII symbols count as punctuation too ({@code $}, {@code ^}, backquote), as in BERT. */
  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)) {
      return true;
    }
    if (cp >= 123 && cp <= 126) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
