package io.modstream.trainer.quality;

import io.modstream.model.evaluation.Reliability;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** ROC, precision-recall and reliability charts as PNG files (XChart, headless). */
final class Charts {

  private static final int WIDTH = 520;
  private static final int HEIGHT = 420;
  private static final int MAX_POINTS = 400;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** One scored system: its scores and the truth. */
  record Curve(String name, double[] scores, boolean[] truth) {}

  static void roc(String title, List<Curve> curves, Path png) throws IOException {
    XYChart chart = chart(title, "false positive rate", "true positive rate");
    for (Curve c : curves) {
      double[][] pts = rocPoints(c.scores(), c.truth());
      line(chart, c.name(), pts[0], pts[1]);
    }
    line(chart, "chance", new double[] {0, 1}, new double[] {0, 1}).setLineColor(Color.LIGHT_GRAY);
    save(chart, png);
  }

  static void precisionRecall(String title, List<Curve> curves, Path png) throws IOException {
    XYChart chart = chart(title, "recall", "precision");
    for (Curve c : curves) {
      double[][] pts = prPoints(c.scores(), c.truth());
      line(chart, c.name(), pts[0], pts[1]);
    }
    save(chart, png);
  }

  static void reliability(String title, Map<String, Reliability> byLabel, Path png)
      throws IOException {
    XYChart chart = chart(title, "mean score in bin", "share positive in bin");
    line(chart, "perfect", new double[] {0, 1}, new double[] {0, 1}).setLineColor(Color.LIGHT_GRAY);
    for (Map.Entry<String, Reliability> e : byLabel.entrySet()) {
      List<Reliability.Bin> bins = e.getValue().bins();
      double[] x = bins.stream().mapToDouble(Reliability.Bin::meanScore).toArray();
      double[] y = bins.stream().mapToDouble(Reliability.Bin::positiveRate).toArray();
      XYSeries s =
          chart.addSeries(
              String.format(
                  Locale.ROOT,
                  "%s (ECE %.3f)",
                  e.getKey(),
                  e.getValue().expectedCalibrationError()),
              x,
              y);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    save(chart, png);
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }

  private static XYSeries line(XYChart chart, String name, double[] x, double[] y) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  private static void save(XYChart chart, Path png) throws IOException {
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static Integer[] descending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    return order;
  }

  /** ROC points at every distinct threshold, thinned to at most {@value #MAX_POINTS}. */
  static double[][] rocPoints(double[] scores, boolean[] truth) {
    int pos = 0;
    for (boolean t : truth) {
      pos += t ? 1 : 0;
    }
    int neg = truth.length - pos;
    List<double[]> pts = new ArrayList<>();
    pts.add(new double[] {0, 0});
    int tp = 0;
    int fp = 0;
    Integer[] order = descending(scores);
    for (int k = 0; k < order.length; k++) {
      if (truth[order[k]]) {
        tp++;
      } else {
        fp++;
      }
      if (k == order.length - 1 || scores[order[k + 1]] != scores[order[k]]) {
        pts.add(new double[] {neg == 0 ? 0 : fp / (double) neg, pos == 0 ? 0 : tp / (double) pos});
      }
    }
    return thin(pts);
  }

  /** Precision-recall points at every distinct threshold, thinned. */
  static double[][] prPoints(double[] scores, boolean[] truth) {
    int pos = 0;
    for (boolean t : truth) {
      pos += t ? 1 : 0;
    }
    List<double[]> pts = new ArrayList<>();
    int tp = 0;
    int seen = 0;
    Integer[] order = descending(scores);
    for (int k = 0; k < order.length; k++) {
      seen++;
      tp += truth[order[k]] ? 1 : 0;
      if (k == order.length - 1 || scores[order[k + 1]] != scores[order[k]]) {
        pts.add(new double[] {pos == 0 ? 0 : tp / (double) pos, tp / (double) seen});
      }
    }
    return thin(pts);
  }

  private static double[][] thin(List<double[]> pts) {
    int step = Math.max(1, pts.size() / MAX_POINTS);
    List<double[]> kept = new ArrayList<>();
    for (int i = 0; i < pts.size(); i += step) {
      kept.add(pts.get(i));
    }
    if (kept.get(kept.size() - 1) != pts.get(pts.size() - 1)) {
      kept.add(pts.get(pts.size() - 1));
    }
    double[][] out = new double[2][kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      out[0][i] = kept.get(i)[0];
      out[1][i] = kept.get(i)[1];
    }
    return out;
  }
}
