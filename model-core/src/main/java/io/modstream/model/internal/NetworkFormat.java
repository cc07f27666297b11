package io.modstream.model.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network's file in a bundle, read as data alone. The layout is DL4J's ModelSerializer zip
 * (configuration.json, then coefficients.bin), so bundles written before stay readable, but it is
 * read here rather than by ModelSerializer, which deserializes a {@code preprocessor.bin} entry
 * with Java serialization (code execution from a crafted bundle) and inflates entries without a
 * bound. Here only the two entries are accepted, each inflated under a limit; the configuration may
 * name only DL4J's and ND4J's own classes, and the coefficients must be exactly the parameters it
 * declares.
 */
public final class NetworkFormat {

  /** The configuration entry. */
  public static final String CONFIGURATION = "configuration.json";

  /** The parameters entry. */
  public static final String COEFFICIENTS = "coefficients.bin";

  private static final List<String> ALLOWED_CLASS_PREFIXES =
      List.of("org.deeplearning4j.nn.", "org.nd4j.linalg.");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a network file may hold at most.
   *
   * @param maxConfigurationBytes the largest inflated configuration.json
   * @param maxParameters the most parameters the configuration may declare
   */
  record Limits(int maxConfigurationBytes, long maxParameters) {
    /** Far above this model (6.5M parameters, a 12 KB configuration). */
    static final Limits DEFAULT = new Limits(4 << 20, 256L << 20);
  }

  private NetworkFormat() {}

  /**
   * Writes a network: its configuration as JSON and its parameters, no updater state.
   *
   * @param graph the network
   * @param out the destination; not closed
   * @throws IOException on write failure
   */
  static void write(ComputationGraph graph, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.putNextEntry(new ZipEntry(CONFIGURATION));
    zip.write(graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    zip.putNextEntry(new ZipEntry(COEFFICIENTS));
    DataOutputStream data = new DataOutputStream(zip);
    Nd4j.write(graph.params(), data);
    data.flush();
    zip.closeEntry();
    zip.finish();
  }

  /**
   * Reads a network written by {@link #write} or by DL4J's ModelSerializer without updater.
   *
   * @param in the network file's bytes
   * @param limits the size limits
   * @return the initialised network
   * @throws IOException naming the problem if the file is not such a network, holds other entries,
   *     exceeds a limit, or its parameters do not fit its configuration
   */
  static ComputationGraph read(InputStream in, Limits limits) throws IOException {
    ComputationGraphConfiguration conf = null;
    long parameters = -1;
    INDArray params = null;
    try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String name = entry.getName();
        if (name.contains("..") || name.startsWith("/") || name.contains("\\")) {
          throw new IOException(
              "entry '" + name + "' is a path that leaves the archive (path traversal)");
        }
        if (CONFIGURATION.equals(name) && conf == null && params == null) {
          byte[] json = inflate(zip, name, limits.maxConfigurationBytes());
          conf = configuration(json);
          parameters = parameterCount(conf, limits);
        } else if (COEFFICIENTS.equals(name) && conf != null && params == null) {
          // Header (two allocation modes, two types, two lengths) plus 8 bytes per value at most.
          long max = 1024 + 8 * (parameters + 64);
          byte[] bytes = inflate(zip, name, max);
          params = coefficients(bytes, parameters);
        } else if (CONFIGURATION.equals(name) || COEFFICIENTS.equals(name)) {
          throw new IOException(
              "entry '"
                  + name
                  + "' is repeated or out of order (configuration.json comes first, then"
                  + " coefficients.bin, once each)");
        } else {
          throw new IOException(
              "unexpected entry '"
                  + name
                  + "': a network holds only "
                  + CONFIGURATION
                  + " and "
                  + COEFFICIENTS
                  + " (no updater state, preprocessor or normalizer); re-save it with this"
                  + " trainer");
        }
      }
    } catch (ZipException e) {
      throw new IOException("not a readable zip archive: " + e.getMessage(), e);
    }
    if (conf == null || params == null) {
      throw new IOException(
          "the archive lacks " + (conf == null ? CONFIGURATION : COEFFICIENTS) + "; not a network");
    }
    conf.setDataType(params.dataType());
    ComputationGraph graph = new ComputationGraph(conf);
    try {
      graph.init(params, false);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new IOException("the parameters do not fit the configuration: " + e.getMessage(), e);
    }
    return graph;
  }

  /** Inflates one entry, refusing it once it passes {@code max} bytes (a zip bomb). */
  private static byte[] inflate(ZipInputStream zip, String name, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = zip.read(buffer)) > 0) {
      total += n;
      if (total > max) {
        throw new IOException(
            "entry '" + name + "' inflates beyond " + max + " bytes, more than a network needs");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static ComputationGraphConfiguration configuration(byte[] json) throws IOException {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IOException(CONFIGURATION + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new IOException(CONFIGURATION + " is not a JSON object");
    }
    checkClasses(tree);
    try {
      ComputationGraphConfiguration conf =
          ComputationGraphConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
      if (conf.getNetworkInputs() == null || conf.getVertices() == null) {
        throw new IOException(CONFIGURATION + " is not a DL4J ComputationGraph configuration");
      }
      return conf;
    } catch (RuntimeException e) {
      throw new IOException(
          CONFIGURATION + " is not a DL4J ComputationGraph configuration: " + e.getMessage(), e);
    }
  }

  /**
   * DL4J resolves "@class" names to classes: let through only its own layers, vertices, weight
   * initialisers and ND4J's activations, updaters and losses.
   */
  private static void checkClasses(JsonNode node) throws IOException {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> f : node.properties()) {
        if (f.getKey().equals("@class")) {
          String type = f.getValue().asText();
          if (ALLOWED_CLASS_PREFIXES.stream().noneMatch(type::startsWith)) {
            throw new IOException(
                CONFIGURATION
                    + " names class '"
                    + type
                    + "', which is not a DL4J or ND4J network component; refusing it");
          }
        }
        checkClasses(f.getValue());
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        checkClasses(child);
      }
    }
  }

  private static long parameterCount(ComputationGraphConfiguration conf, Limits limits)
      throws IOException {
    long total = 0;
    for (GraphVertex v : conf.getVertices().values()) {
      long n;
      try {
        n = v.numParams(false);
      } catch (RuntimeException e) {
        throw new IOException(
            CONFIGURATION + " has a layer whose size cannot be computed: " + e.getMessage(), e);
      }
      if (n < 0 || n > limits.maxParameters() || total + n > limits.maxParameters()) {
        throw new IOException(
            CONFIGURATION
                + " declares more than "
                + limits.maxParameters()
                + " parameters; refusing to allocate them");
      }
      total += n;
    }
    return total;
  }

  /**
   * Checks ND4J's layout (shape buffer, then data buffer: allocation mode, length, type, values)
   * before ND4J allocates anything, so a forged length cannot make it reserve memory.
   */
  private static INDArray coefficients(byte[] bytes, long parameters) throws IOException {
    DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      skipBuffer(d, "LONG", 32);
      long values = skipBuffer(d, null, parameters);
      if (values != parameters) {
        throw new IOException(
            COEFFICIENTS
                + " holds "
                + values
                + " parameters but the configuration declares "
                + parameters);
      }
      if (d.available() != 0) {
        throw new IOException(COEFFICIENTS + " has " + d.available() + " bytes past its end");
      }
    } catch (EOFException e) {
      throw new IOException(COEFFICIENTS + " is truncated", e);
    }
    try {
      return Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (RuntimeException e) {
      throw new IOException(COEFFICIENTS + " is not an ND4J array: " + e.getMessage(), e);
    }
  }

  /** Skips one serialized buffer after checking its header; returns its length. */
  private static long skipBuffer(DataInputStream d, String requiredType, long maxLength)
      throws IOException {
    d.readUTF(); // allocation mode: ND4J ignores it on read
    long length = d.readLong();
    String type = d.readUTF();
    int width =
        switch (type) {
          case "DOUBLE", "LONG" -> 8;
          case "FLOAT", "INT" -> 4;
          case "HALF", "BFLOAT16" -> 2;
          default -> throw new IOException(COEFFICIENTS + " has unsupported data type " + type);
        };
    if ((requiredType != null && !requiredType.equals(type)) || length < 0 || length > maxLength) {
      throw new IOException(
          COEFFICIENTS + " has a buffer of " + length + " " + type + " values; not a network's");
    }
    long skip = length * width;
    if (d.skipBytes((int) Math.min(Integer.MAX_VALUE, skip)) != skip) {
      throw new EOFException();
    }
    return length;
  }
}
