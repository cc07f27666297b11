import io.modstream.model.internal.MiniLmEmbeddings;
import io.modstream.model.text.Tokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*; import java.util.*;
public class Parity {
  public static void main(String[] a) throws Exception {
    ObjectMapper om = new ObjectMapper();
    String[] texts = om.readValue(Files.readString(Path.of("texts.json")), String[].class);
    List<String> hf = Files.readAllLines(Path.of("hf.txt"));
    Tokenizer tok = Tokenizer.wordPiece(MiniLmEmbeddings.load().pieces());
    int same = 0; int shown = 0;
    for (int i = 0; i < texts.length; i++) {
      String j = om.writeValueAsString(tok.tokenize(texts[i]));
      List<?> h = om.readValue(hf.get(i), List.class);
      if (om.writeValueAsString(h).equals(j)) same++; else if (shown++ < 3) System.out.println(i + "\nJ " + j + "\nH " + hf.get(i));
    }
    System.out.println("identical " + same + " / " + texts.length);
  }
}
