package io.modstream.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Disguises the offensive words of a comment the way users dodge filters, to measure how well a
 * model sees through it: {@code f*ck}, {@code f u c k}, {@code fuuuuck}, {@code 1d10t}, {@code
 * $h1t}, Cyrillic look-alike letters and zero-width characters. Words from a list of common
 * profanities and insults (and words starting with them) are disguised, one randomly chosen {@link
 * Kind} each; a comment without such a word gets up to two of its longer words disguised instead.
 *
 * <p>Deterministic: the same seed and text always give the same output, whatever the order of
 * calls. Immutable and thread-safe.
 */
public final class Perturbations {

  /** The ways a word is disguised. */
  public enum Kind {
    /** A vowel (or a middle letter) becomes {@code *}: {@code f*ck}. */
    MASK,
    /** Letters separated by spaces, dots or dashes: {@code f u c k}. */
    SPACED,
    /** A letter repeated 3 to 6 times: {@code fuuuuck}. */
    REPEAT,
    /** Letters written as digits or symbols: {@code 1d10t}, {@code $h1t}. */
    LEET,
    /** Latin letters replaced by Cyrillic look-alikes. */
    HOMOGLYPH,
    /** Zero-width characters between letters. */
    ZERO_WIDTH
  }

  private static final List<String> STEMS =
      List.of(
          "fuck",
          "fuk",
          "shit",
          "bitch",
          "ass",
          "idiot",
          "stupid",
          "moron",
          "dick",
          "cunt",
          "suck",
          "gay",
          "fag",
          "nigg",
          "retard",
          "loser",
          "whore",
          "slut",
          "bastard",
          "damn",
          "crap",
          "pussy",
          "cock",
          "penis",
          "die",
          "kill",
          "hate",
          "dumb",
          "fool",
          "jerk",
          "piss",
          "douche",
          "twat",
          "wank",
          "scum",
          "pathetic",
          "ugly",
          "fat",
          "shut",
          "hell",
          "rape",
          "nazi",
          "bullshit",
          "motherf",
          "homo",
          "cum",
          "butt",
          "porn",
          "sex",
          "hypocrit",
          "ignorant",
          "liar",
          "troll",
          "vandal",
          "kiss",
          "balls");

  private static final Pattern WORD = Pattern.compile("\\p{L}{2,}");
  private static final String LEET_FROM = "aeiost";
  private static final String[] LEET_TO = {"4@", "3", "1!", "0", "5$", "7"};
  private static final String HOMOGLYPH_FROM = "aeopcxyi";
  private static final String HOMOGLYPH_TO = "\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0456";
  private static final String[] ZERO_WIDTH_CHARS = {"\u200B", "\u200C", "\u200D", "\uFEFF"};
  private static final String[] SEPARATORS = {" ", " ", ".", "-"};

  private final long seed;

  /**
   * Creates a generator.
   *
   * @param seed the seed; the same seed gives the same disguises
   */
  public Perturbations(long seed) {
    this.seed = seed;
  }

  /**
   * Disguises a comment.
   *
   * @param text the comment
   * @return the disguised comment
   */
  public String perturb(String text) {
    Random random = new Random(seed * 0x9E3779B97F4A7C15L ^ text.hashCode());
    Matcher m = WORD.matcher(text);
    List<int[]> targets = new ArrayList<>();
    List<int[]> fallback = new ArrayList<>();
    while (m.find()) {
      String lower = m.group().toLowerCase(Locale.ROOT);
      if (STEMS.stream().anyMatch(lower::startsWith)) {
        targets.add(new int[] {m.start(), m.end()});
      } else if (lower.length() >= 4) {
        fallback.add(new int[] {m.start(), m.end()});
      }
    }
    if (targets.isEmpty()) {
      for (int k = 0; k < 2 && !fallback.isEmpty(); k++) {
        targets.add(fallback.remove(random.nextInt(fallback.size())));
      }
      targets.sort((a, b) -> Integer.compare(a[0], b[0]));
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    int last = 0;
    Kind[] kinds = Kind.values();
    for (int[] t : targets) {
      out.append(text, last, t[0]);
      out.append(apply(kinds[random.nextInt(kinds.length)], text.substring(t[0], t[1]), random));
      last = t[1];
    }
    out.append(text, last, text.length());
    return out.toString();
  }

  /**
   * Disguises one word in one way.
   *
   * @param kind the disguise
   * @param word a word of at least two letters
   * @param random the randomness
   * @return the disguised word
   */
  static String apply(Kind kind, String word, Random random) {
    return switch (kind) {
      case MASK -> mask(word, random);
      case SPACED -> String.join(SEPARATORS[random.nextInt(SEPARATORS.length)], word.split(""));
      case REPEAT -> repeat(word, random);
      case LEET ->
          substitute(
              word,
              random,
              LEET_FROM,
              (c, r) -> {
                String options = LEET_TO[LEET_FROM.indexOf(c)];
                return options.charAt(r.nextInt(options.length()));
              });
      case HOMOGLYPH ->
          substitute(
              word,
              random,
              HOMOGLYPH_FROM,
              (c, r) -> HOMOGLYPH_TO.charAt(HOMOGLYPH_FROM.indexOf(c)));
      case ZERO_WIDTH -> zeroWidth(word, random);
    };
  }

  private static String mask(String word, Random random) {
    List<Integer> vowels = new ArrayList<>();
    for (int i = 1; i < word.length(); i++) {
      if ("aeiouy".indexOf(Character.toLowerCase(word.charAt(i))) >= 0) {
        vowels.add(i);
      }
    }
    int at = vowels.isEmpty() ? word.length() / 2 : vowels.get(random.nextInt(vowels.size()));
    return word.substring(0, at) + '*' + word.substring(at + 1);
  }

  private static String repeat(String word, Random random) {
    List<Integer> vowels = new ArrayList<>();
    for (int i = 0; i < word.length(); i++) {
      if ("aeiouy".indexOf(Character.toLowerCase(word.charAt(i))) >= 0) {
        vowels.add(i);
      }
    }
    int at =
        vowels.isEmpty()
            ? random.nextInt(word.length())
            : vowels.get(random.nextInt(vowels.size()));
    String letter = String.valueOf(word.charAt(at));
    return word.substring(0, at) + letter.repeat(3 + random.nextInt(4)) + word.substring(at + 1);
  }

  private interface Substitution {
    char of(char lower, Random random);
  }

  /** Replaces each substitutable letter with probability 0.7, at least one if any. */
  private static String substitute(
      String word, Random random, String from, Substitution substitution) {
    StringBuilder sb = new StringBuilder(word);
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < word.length(); i++) {
      if (from.indexOf(Character.toLowerCase(word.charAt(i))) >= 0) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return zeroWidth(word, random);
    }
    int forced = candidates.get(random.nextInt(candidates.size()));
    for (int i : candidates) {
      if (i == forced || random.nextDouble() < 0.7) {
        sb.setCharAt(i, substitution.of(Character.toLowerCase(word.charAt(i)), random));
      }
    }
    return sb.toString();
  }

  private static String zeroWidth(String word, Random random) {
    StringBuilder sb = new StringBuilder();
    int inserts = 1 + random.nextInt(Math.min(3, word.length() - 1));
    List<Integer> gaps = new ArrayList<>();
    for (int i = 1; i < word.length(); i++) {
      gaps.add(i);
    }
    Collections.shuffle(gaps, random);
    List<Integer> chosen = gaps.subList(0, inserts);
    for (int i = 0; i < word.length(); i++) {
      if (chosen.contains(i)) {
        sb.append(ZERO_WIDTH_CHARS[random.nextInt(ZERO_WIDTH_CHARS.length)]);
      }
      sb.append(word.charAt(i));
    }
    return sb.toString();
  }
}
