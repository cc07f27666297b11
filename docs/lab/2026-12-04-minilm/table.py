import json,re,sys
sys.argv=['x']; exec(open('auc.py').read().split('for f in sys.argv')[0])
runs=[('current','cv-current',{1:'current-f1.log',2:'current-f2.log'}),('MiniLM','cv-minilm',{1:'minilm-f1.log',2:'minilm-f2.log'})]
base={1:0.9796,2:0.9782,3:0.9752}
rows=[]; means={}
print('| fold | variant | toxic | severe_toxic | obscene | threat | insult | identity_hate | **mean** | disguised mean | epochs kept / ran | train min |')
print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for fold in (1,2):
  for name,d,logs in runs:
    try: j=json.load(open(f'{d}/fold-{fold}.json'))
    except FileNotFoundError: continue
    L=j['labels']; T=j['truth']
    a=[auc([r[k] for r in j['model']],[r[k] for r in T]) for k in range(6)]
    p=[auc([r[k] for r in j['modelPerturbed']],[r[k] for r in T]) for k in range(6)]
    ep=[(int(m.group(1)),m.group(2)) for m in re.finditer(r'fold %d: epoch (\d+) .*?\)( best)?\n'%fold, open(logs[fold]).read())]
    kept=max(e for e,b in ep if b); ran=len(ep)
    means.setdefault(name,[]).append((a,p))
    print(f"| {fold} | {name} | "+' | '.join('%.4f'%x for x in a)+f" | **{sum(a)/6:.4f}** | {sum(p)/6:.4f} | {kept} / {ran} | {j['modelTrainSeconds']/60:.1f} |")
  bj=json.load(open(f'cv-current/fold-{fold}.json')); T=bj['truth']
  b=[auc([r[k] for r in bj['baseline']],[r[k] for r in T]) for k in range(6)]
  bp=[auc([r[k] for r in bj['baselinePerturbed']],[r[k] for r in T]) for k in range(6)]
  print(f"| {fold} | baseline (TF-IDF + LR) | "+' | '.join('%.4f'%x for x in b)+f" | **{sum(b)/6:.4f}** | {sum(bp)/6:.4f} | - | {bj['baselineTrainSeconds']/60:.1f} |")
for name,v in means.items():
  n=len(v)
  a=[sum(x[0][k] for x in v)/n for k in range(6)]; p=[sum(sum(x[1])/6 for x in v)/n]
  print(f"| mean of folds {','.join(str(i+1) for i in range(n))} | {name} | "+' | '.join('%.4f'%x for x in a)+f" | **{sum(a)/6:.4f}** | {p[0]:.4f} | | |")
