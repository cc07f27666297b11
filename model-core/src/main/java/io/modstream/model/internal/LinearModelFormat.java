package io.modstream.model.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The linear model's file in a bundle: a compact binary form, versioned by its header. */
public final class LinearModelFormat {

  private static final int MAGIC = 0x4D534C4E; // "MSLN"
  private static final int FORMAT = 1;

  /** Bounds the arrays allocated from the header before any weight is read. */
  private static final int MAX_LABELS = 1024;

  private LinearModelFormat() {}

  /**
   * Writes the model in a compact binary form.
   *
   * @param model the model
   * @param out the stream (not closed)
   * @throws IOException on write failure
   */
  public static void write(LinearModel model, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(MAGIC);
    d.writeInt(FORMAT);
    d.writeInt(model.maxChars());
    d.writeInt(model.labels());
    writeInts(d, model.wordBuckets());
    writeFloats(d, model.column(0, 0, model.wordBuckets().length));
    writeInts(d, model.charBuckets());
    writeFloats(d, model.column(0, model.wordBuckets().length, model.charBuckets().length));
    for (int j = 0; j < model.labels(); j++) {
      d.writeFloat(model.bias(j));
      writeFloats(d, model.column(1 + j, 0, model.features()));
    }
    d.flush();
  }

  /**
   * Reads a model written by {@link #write}.
   *
   * @param in the stream
   * @return the model
   * @throws IOException if the content is not a linear model of a known format
   */
  public static LinearModel read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != MAGIC) {
      throw new IOException("not a modstream linear model");
    }
    int format = d.readInt();
    if (format != FORMAT) {
      throw new IOException(
          "linear model format " + format + " is not supported (this build reads " + FORMAT + ")");
    }
    int maxChars = d.readInt();
    int labels = d.readInt();
    if (labels < 1 || labels > MAX_LABELS) {
      throw new IOException(
          "linear model has " + labels + " labels; 1 to " + MAX_LABELS + " are readable");
    }
    int[] wordBuckets = readInts(d);
    float[] wordIdf = readFloats(d);
    int[] charBuckets = readInts(d);
    float[] charIdf = readFloats(d);
    if (wordIdf.length != wordBuckets.length
        || charIdf.length != charBuckets.length
        || labels < 1) {
      throw new IOException("linear model arrays disagree in length");
    }
    float[][] weights = new float[labels][];
    float[] bias = new float[labels];
    for (int j = 0; j < labels; j++) {
      bias[j] = d.readFloat();
      weights[j] = readFloats(d);
      if (weights[j].length != wordBuckets.length + charBuckets.length) {
        throw new IOException("linear model weights disagree with its features");
      }
    }
    return new LinearModel(wordBuckets, wordIdf, charBuckets, charIdf, weights, bias, maxChars);
  }

  private static void writeInts(DataOutputStream d, int[] a) throws IOException {
    d.writeInt(a.length);
    for (int v : a) {
      d.writeInt(v);
    }
  }

  private static void writeFloats(DataOutputStream d, float[] a) throws IOException {
    d.writeInt(a.length);
    for (float v : a) {
      d.writeFloat(v);
    }
  }

  private static int[] readInts(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > 1 << LinearFeatures.HASH_BITS) {
      throw new IOException("bad array length " + n);
    }
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readInt();
    }
    return a;
  }

  private static float[] readFloats(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > 2 << LinearFeatures.HASH_BITS) {
      throw new IOException("bad array length " + n);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readFloat();
    }
    return a;
  }
}
