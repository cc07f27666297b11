# Reference splits for Parity.java: Hugging Face tokenizers (pip) on the jar's tokenizer.json.
import gzip, csv, json
from tokenizers import Tokenizer
t = Tokenizer.from_file('/tmp/minilm-jar/all-minilm-l6-v2-tokenizer.json')
t.no_truncation(); t.no_padding()
rows = list(csv.DictReader(gzip.open('/work/shared/data/jigsaw/train.csv.gz', 'rt', encoding='utf-8')))
texts = [r['comment_text'] for r in rows[:3000]]
json.dump(texts, open('texts.json', 'w'))
with open('hf.txt', 'w') as f:
    for s in texts:
        toks = [x if x != '[UNK]' else '<unk>' for x in t.encode(s, add_special_tokens=False).tokens]
        f.write(json.dumps(toks) + '\n')
