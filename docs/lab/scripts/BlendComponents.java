import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.internal.*;
import io.modstream.model.text.*;
import io.modstream.trainer.experiment.DomainData;
import java.nio.file.*;
import java.util.*;

public class BlendComponents {
  static double auc(double[] s, boolean[] y) {
    Integer[] idx = new Integer[s.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, Comparator.comparingDouble(i -> s[i]));
    double rankSum = 0; long pos = 0;
    int i = 0;
    while (i < idx.length) {
      int j = i; while (j + 1 < idx.length && s[idx[j + 1]] == s[idx[i]]) j++;
      double r = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) if (y[idx[k]]) { rankSum += r; pos++; }
      i = j + 1;
    }
    long neg = s.length - pos;
    return (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
  }
  public static void main(String[] a) throws Exception {
    DomainData data = DomainData.read(Path.of(a[0]), DomainData.Format.parse(a[1]));
    List<DomainData.Row> hold = data.split(0.2, 42).holdout();
    for (int b = 2; b < a.length; b++) {
      ModelBundle bundle = ModelBundle.load(Path.of(a[b]));
      Tokenizer tok = Tokenizer.forScheme(bundle.info().tokenizerScheme(), bundle.vocabulary());
      TextEncoder enc = new TextEncoder(tok, bundle.vocabulary(), bundle.info().maxLength());
      int[][] rows = new int[hold.size()][];
      for (int i = 0; i < rows.length; i++) rows[i] = enc.encode(hold.get(i).text());
      List<String> labels = bundle.info().labels();
      float[][] net = Scoring.score(bundle.network(), rows, 256, labels.size());
      var cal = bundle.info().calibration();
      for (String label : data.format().labels()) {
        int j = labels.indexOf(label);
        double[] sn = new double[rows.length], sl = new double[rows.length], sb = new double[rows.length];
        boolean[] y = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
          List<String> t = tok.tokenize(hold.get(i).text(), ModerationModel.LINEAR_MAX_TOKENS).stream().map(bundle.vocabulary()::resolve).toList();
          sn[i] = net[i][j]; sl[i] = bundle.linear().logits(t)[j];
          sb[i] = cal.apply(j, net[i][j], sl[i]); y[i] = hold.get(i).labels().get(label);
        }
        System.out.printf("%s %s lstm %.4f linear %.4f blend %.4f (w %.2f)%n", a[b], label, auc(sn, y), auc(sl, y), auc(sb, y), cal.networkWeight());
      }
    }
  }
}
