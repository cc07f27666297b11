import io.modstream.model.EngineOptions;
import io.modstream.model.internal.LstmNetwork;
import io.modstream.model.internal.OnnxNetwork;
import io.modstream.model.internal.ScoringNetwork;
import io.modstream.model.training.TrainingConfig;
import java.util.*;
// Model-only scoring speed of the BiLSTM at embedding width 128 (vocab 50,000) vs 384 (vocab V384),
// untrained weights (speed does not depend on them), rows of 128 ids, DL4J and ONNX Runtime (CPU).
public class Speed {
  public static void main(String[] a) {
    int v384 = Integer.parseInt(a[0]);
    for (int rep = 0; rep < 2; rep++) {
      for (int e : new int[] {128, 384}) {
        TrainingConfig c = TrainingConfig.defaults();
        c = new TrainingConfig(e, c.lstmUnits(), c.denseUnits(), c.dropout(), c.maxLength(), 1, 50_000, 64, 1, 1, 1e-3, 42L, null);
        int vocab = e == 128 ? 50_000 : v384;
        LstmNetwork net = LstmNetwork.create(c, vocab, 6);
        for (String engine : new String[] {"dl4j", "onnx-fused", "onnx-folded"}) {
          ScoringNetwork s = engine.equals("dl4j") ? net : OnnxNetwork.replica(OnnxNetwork.load(net, false,
              new EngineOptions(engine.endsWith("fused") ? EngineOptions.Recurrence.FUSED : EngineOptions.Recurrence.FOLDED, List.of(), false)));
          for (int batch : new int[] {1, 256}) {
            Random r = new Random(1);
            int[][] rows = new int[batch][128];
            for (int[] row : rows) for (int t = 0; t < 128; t++) row[t] = 2 + r.nextInt(vocab - 2);
            for (int w = 0; w < 3; w++) s.predict(rows);
            int n = 0; long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < 4e9) { s.predict(rows); n += batch; }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "rep %d E %d %s batch %d: %.0f comments/s%n", rep, e, engine, batch, n / sec);
          }
        }
      }
    }
  }
}
