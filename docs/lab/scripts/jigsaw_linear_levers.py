#!/usr/bin/python3
"""Linear levers for the served recipe on Jigsaw: NB-LR (log-count-ratio scaled features), its
logit average with the plain recipe (one linear model when served), and C = 1, 2, 8 against the
plain recipe (word 1-2-grams 50k, char_wb 2-5-grams 100k, sublinear TF, accents stripped, C = 4,
liblinear). Folds: scikit-learn KFold(5, shuffle, seed 42) over the CSV's rows; every variant is
scored on the same held-out fold, so the differences are paired.

Usage: /usr/bin/python3 jigsaw_linear_levers.py ../shared/data/jigsaw/train.csv.gz 1,2,3,4,5
Debian: apt-get install python3-sklearn.
"""
import csv, gzip, sys, time, numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
LABELS = ["toxic","severe_toxic","obscene","threat","insult","identity_hate"]
with gzip.open(sys.argv[1],"rt",encoding="utf-8",newline="") as f:
    rows=list(csv.DictReader(f))
text=[r["comment_text"] for r in rows]; Y=np.array([[int(r[l]) for l in LABELS] for r in rows])
folds=[int(a) for a in sys.argv[2].split(",")]
kf=list(KFold(5,shuffle=True,random_state=42).split(text))
res={}
def add(name,k,j,s,yt):
    res.setdefault(name,{}).setdefault(k,[None]*6)[j]=roc_auc_score(yt,s)
for k in folds:
    tr,te=kf[k-1]; t0=time.time()
    word=TfidfVectorizer(analyzer="word",ngram_range=(1,2),max_features=50000,sublinear_tf=True,strip_accents="unicode")
    char=TfidfVectorizer(analyzer="char_wb",ngram_range=(2,5),max_features=100000,sublinear_tf=True,strip_accents="unicode")
    trt=[text[i] for i in tr]; tet=[text[i] for i in te]
    Xtr=sp.hstack([word.fit_transform(trt),char.fit_transform(trt)]).tocsr(); Xte=sp.hstack([word.transform(tet),char.transform(tet)]).tocsr()
    for j,l in enumerate(LABELS):
        y=Y[tr,j]; yt=Y[te,j]
        m=LogisticRegression(C=4,solver="liblinear").fit(Xtr,y)
        z0=m.decision_function(Xte); add("baseline",k,j,z0,yt)
        p=np.asarray(Xtr[y==1].sum(0)).ravel()+1; q=np.asarray(Xtr[y==0].sum(0)).ravel()+1
        r=np.log((p/p.sum())/(q/q.sum()))
        R=sp.diags(r)
        for c in (1,4):
            mn=LogisticRegression(C=c,solver="liblinear").fit(Xtr@R,y)
            z1=mn.decision_function(Xte@R); add(f"nblr C{c}",k,j,z1,yt)
            add(f"logit avg base+nblr C{c}",k,j,z0+z1,yt)
        for c in (1,2,8):
            mc=LogisticRegression(C=c,solver="liblinear").fit(Xtr,y); add(f"C{c}",k,j,mc.decision_function(Xte),yt)
    print(f"fold {k} {time.time()-t0:.0f}s",file=sys.stderr)
    for n,d in res.items():
        print(f"{n:28s} fold {k}: mean {np.mean(d[k]):.4f}  "+" ".join(f"{a:.4f}" for a in d[k]),flush=True)
print("== means over folds", folds)
base=np.mean([np.mean(res["baseline"][k]) for k in folds])
for n,d in res.items():
    m=np.mean([np.mean(d[k]) for k in folds]); per=np.mean([d[k] for k in folds],axis=0)
    print(f"{n:28s} {m:.4f} ({m-base:+.4f})  "+" ".join(f"{a:.4f}" for a in per))
