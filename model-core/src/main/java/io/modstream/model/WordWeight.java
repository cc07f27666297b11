package io.modstream.model;

/**
 * A word of a comment and how much it moved one label's score: its share of the linear model's
 * log-odds (the TF-IDF value times the weight of each word and character n-gram it is part of).
 *
 * @param word the word as the model read it (lower-cased, de-obfuscated)
 * @param weight its contribution to the label's log-odds; above 0 pushes towards flagging
 */
public record WordWeight(String word, double weight) {}
