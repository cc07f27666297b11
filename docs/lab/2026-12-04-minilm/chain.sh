#!/bin/bash
cd /tmp/minilm-runs
while [ ! -f cv-current/fold-1.json ]; do sleep 5; done
date -u > current-f1.end
kill $(cat current.pid)
sleep 3
date -u > smoke.start
OMP_NUM_THREADS=1 java -Xmx3g -XX:+UseParallelGC -jar minilm.jar crossval --data /work/shared/data/jigsaw/train.csv.gz --out /tmp/minilm-runs/cv-smoke --no-linear --embeddings MINILM --vocab-min-frequency 1 --only-folds 1 --limit 1500 --epochs 1 > smoke.log 2>&1
echo "smoke rc $?" >> smoke.log
date -u > minilm-f1.start
OMP_NUM_THREADS=1 java -Xmx3g -XX:+UseParallelGC -jar minilm.jar crossval --data /work/shared/data/jigsaw/train.csv.gz --out /tmp/minilm-runs/cv-minilm --no-linear --embeddings MINILM --vocab-min-frequency 1 --only-folds 1 > minilm-f1.log 2>&1
echo "rc $?" >> minilm-f1.log
date -u > minilm-f1.end
