#!/bin/bash
cd /tmp/minilm-runs
while [ ! -f minilm-f1.end ]; do sleep 5; done
OMP_NUM_THREADS=1 java -Xmx2g -XX:+UseParallelGC -cp minilm.jar:. Speed 19866 > speed.log 2>&1
date -u > current-f2.start
OMP_NUM_THREADS=1 java -Xmx3g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar current.jar crossval --data /work/shared/data/jigsaw/train.csv.gz --out /tmp/minilm-runs/cv-current --no-linear > current-f2.log 2>&1 &
pid=$!
while [ ! -f cv-current/fold-2.json ] && kill -0 $pid 2>/dev/null; do sleep 5; done
kill $pid 2>/dev/null
date -u > current-f2.end
sleep 3
date -u > minilm-f2.start
OMP_NUM_THREADS=1 java -Xmx3g -XX:+UseParallelGC -jar minilm.jar crossval --data /work/shared/data/jigsaw/train.csv.gz --out /tmp/minilm-runs/cv-minilm --no-linear --embeddings MINILM --vocab-min-frequency 1 --only-folds 2 > minilm-f2.log 2>&1
echo "rc $?" >> minilm-f2.log
date -u > minilm-f2.end
