import json,sys
def auc(s,t):
    # Mann-Whitney with ties
    pairs=sorted(zip(s,t))
    n=len(pairs); ranks=[0]*n; i=0
    while i<n:
        j=i
        while j+1<n and pairs[j+1][0]==pairs[i][0]: j+=1
        r=(i+j)/2+1
        for k in range(i,j+1): ranks[k]=r
        i=j+1
    pos=sum(1 for _,x in pairs if x); neg=n-pos
    rs=sum(r for r,(_,x) in zip(ranks,pairs) if x)
    return (rs-pos*(pos+1)/2)/(pos*neg)
for f in sys.argv[1:]:
    d=json.load(open(f)); L=d['labels']; T=d['truth']
    for sysname in ['model','modelPerturbed','baseline','baselinePerturbed']:
        a=[auc([row[j] for row in d[sysname]],[row[j] for row in T]) for j in range(len(L))]
        print(f, sysname, 'mean %.4f'%(sum(a)/len(a)), ' '.join('%s %.4f'%(l,x) for l,x in zip(L,a)))
    print('train minutes %.1f, baseline %.1f'%(d['modelTrainSeconds']/60, d['baselineTrainSeconds']/60))
