import io.modstream.model.data.*;
import io.modstream.model.internal.MiniLmEmbeddings;
import io.modstream.model.text.*;
import java.nio.file.Path;
import java.util.*;
// Fold 1's inner training rows (as crossval splits them): vocabulary sizes and the share of held-out
// tokens each encoder maps to <unk>, clean and disguised.
public class Vocab {
  public static void main(String[] a) throws Exception {
    LabelledDataset data = LabelledCsv.read(Path.of("/work/shared/data/jigsaw/train.csv.gz"));
    LabelledDataset.Split fold = data.stratifiedFolds(5, 42).get(0);
    LabelledDataset train = fold.train().stratifiedSplit(0.2, 42).train();
    List<String> held = fold.validation().texts();
    Perturbations p = new Perturbations(7);
    List<String> disguised = new ArrayList<>();
    boolean[][] truth = fold.validation().truth();
    for (int i = 0; i < held.size(); i++) { boolean any = false; for (boolean t : truth[i]) any |= t; if (any) disguised.add(p.perturb(held.get(i))); }
    List<String> pieces = MiniLmEmbeddings.load().pieces();
    Object[][] variants = {{"learned", Tokenizer.standard(), 2}, {"minilm", Tokenizer.wordPiece(pieces), 1}};
    for (Object[] v : variants) {
      Tokenizer tok = (Tokenizer) v[1];
      VocabularyBuilder b = new VocabularyBuilder((Integer) v[2], 50_000);
      for (String t : train.texts()) b.add(tok.tokenize(t, 128));
      Vocabulary vocab = b.build();
      Tokenizer enc = v[0].equals("minilm") ? Tokenizer.forScheme(3, vocab) : tok;
      for (Object[] set : new Object[][] {{"held-out", held}, {"disguised", disguised}}) {
        long n = 0, unk = 0, len = 0;
        @SuppressWarnings("unchecked") List<String> texts = (List<String>) set[1];
        for (String t : texts) { for (String s : enc.tokenize(t, 128)) { n++; if (vocab.id(vocab.resolve(s)) == Vocabulary.UNKNOWN_ID) unk++; } }
        for (String t : texts) len += enc.tokenize(t).size();
        System.out.printf(Locale.ROOT, "%s: vocabulary %d; %s %d texts: %.2f%% of tokens unknown (first 128), mean %.1f tokens per text (uncut)%n",
            v[0], vocab.size(), set[0], texts.size(), 100.0 * unk / n, (double) len / texts.size());
      }
    }
  }
}
