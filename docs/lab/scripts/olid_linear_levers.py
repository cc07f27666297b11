import gzip, csv, sys, numpy as np, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from scipy.sparse import hstack, vstack
rng = np.random.RandomState(42)
base = []
with gzip.open('../shared/data/jigsaw/train.csv.gz','rt') as f:
    r = csv.DictReader(f)
    for row in r: base.append((row['comment_text'], int(row['toxic'])))
olid = []
with open('../shared/data/olid/olid-training-v1.0.tsv') as f:
    r = csv.reader(f, delimiter='\t'); next(r)
    for row in r: olid.append((row[1], 1 if row[2]=='OFF' else 0))
print(len(base), len(olid), file=sys.stderr)
bt = [t for t,_ in base]; by = np.array([y for _,y in base])
ot = np.array([t for t,_ in olid], dtype=object); oy = np.array([y for _,y in olid])
idx = rng.permutation(len(olid)); folds = np.array_split(idx, 5)
N = int(sys.argv[1]) if len(sys.argv)>1 else 2000
res = {}
def add(k,v): res.setdefault(k,[]).append(v)
for fi in range(3):
    test = folds[fi]; rest = np.concatenate([folds[j] for j in range(5) if j!=fi])
    pick = rest[:N]; ntr = int(0.8*N); tr, cal = pick[:ntr], pick[ntr:]
    t0=time.time()
    w = TfidfVectorizer(sublinear_tf=True, strip_accents='unicode', ngram_range=(1,2), max_features=50000)
    c = TfidfVectorizer(sublinear_tf=True, strip_accents='unicode', analyzer='char_wb', ngram_range=(2,5), max_features=100000)
    docs = bt + list(ot[tr])
    Xw = w.fit_transform(docs); Xc = c.fit_transform(docs); X = hstack([Xw,Xc]).tocsr()
    def tf(t): return hstack([w.transform(t), c.transform(t)]).tocsr()
    Xt = tf(list(ot[test])); Xcal = tf(list(ot[cal]))
    nb = len(bt); Xb, Xv = X[:nb], X[nb:]
    yv = oy[tr]; yt = oy[test]
    def fit(Xs, ys, sw):
        m = LogisticRegression(C=4, solver='liblinear'); m.fit(Xs, ys, sample_weight=sw); return m
    mb = fit(Xb, by, None)
    base_auc = roc_auc_score(yt, mb.decision_function(Xt)); add('base', base_auc)
    for wt in [1,4,16]:
        m = fit(vstack([Xb,Xv]), np.concatenate([by,yv]), np.concatenate([np.ones(nb), np.full(len(tr), wt)]))
        add(f'w{wt}', roc_auc_score(yt, m.decision_function(Xt)) - base_auc)
        if wt==4: m4 = m
    mv = fit(Xv, yv, None)
    add('only', roc_auc_score(yt, mv.decision_function(Xt)) - base_auc)
    # stack: alpha chosen on cal
    for name, mm in [('stack_base', mb), ('stack_w4', m4)]:
        best=None
        for a in np.linspace(0,1,21):
            s = a*mm.decision_function(Xcal) + (1-a)*mv.decision_function(Xcal)
            au = roc_auc_score(oy[cal], s)
            if best is None or au>best[0]: best=(au,a)
        a=best[1]; s = a*mm.decision_function(Xt)+(1-a)*mv.decision_function(Xt)
        add(name, roc_auc_score(yt, s)-base_auc); add(name+'_a', a)
    print(fi, {k: round(v[-1],4) for k,v in res.items()}, round(time.time()-t0), file=sys.stderr, flush=True)
print({k: round(float(np.mean(v)),4) for k,v in res.items()})
