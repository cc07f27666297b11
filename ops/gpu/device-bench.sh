#!/usr/bin/env bash
# The GPU measurements of docs/gpu.md, run on the GPU host after ops/gpu-kit's parts are in
# /root/kit (run from the repository root; writes logs under $OUT when set, else .gpukit/logs):
#   ops/gpu/device-bench.sh verify                 # trainer verify-engine --engine onnx-cuda, against
#                                                  # DL4J and against DL4J in double precision
#   ops/gpu/device-bench.sh model-only B,.. R,..   # benchmark.jar, model-only, each batch x replicas
#   ops/gpu/device-bench.sh e2e B R T P [ENGINE]   # ops/bench end to end: batch, replicas, stream
#                                                  # threads, partitions, engine (default onnx-cuda);
#                                                  # PROFILE=1: ops/bench --profile (app-*.collapsed.xz)
# Each also samples the GPU (nvidia-smi dmon, one line a second) into dmon-*.log.
set -uo pipefail
source "$(dirname "$0")/device-env.sh" || exit 1
logs=${OUT:-.gpukit/logs}
mkdir -p "$logs"
what=${1:-}
shift || true
nvidia-smi dmon -s um -d 1 > "$logs/dmon-$what.log" 2>&1 &
dmon=$!
trap 'kill $dmon 2>/dev/null' EXIT
case "$what" in
  verify)
    for reference in dl4j dl4j-float64; do
      java -jar trainer/target/trainer.jar verify-engine --model models/v2 --data "$KIT_DATA" --engine onnx-cuda \
        --reference "$reference" 2>&1 | grep -v '^\s*at ' | tee -a "$logs/verify.log" | tail -5
    done ;;
  model-only)
    for b in ${1//,/ }; do for r in ${2//,/ }; do
      echo "== ${ENGINE:-onnx-cuda} batch $b replicas $r"
      java -jar ops/benchmark/target/benchmark.jar --model models/v2 --data "$KIT_DATA" --bootstrap= \
        --count 20000 --warm-up-seconds 4 --model-only-seconds 8 --single-count 500 \
        --engine "${ENGINE:-onnx-cuda}" --batch-size "$b" --replicas "$r" 2>&1 \
        | tee -a "$logs/model-only.log" | grep -E 'model-only|batch of 1|Exception'
    done; done ;;
  e2e)
    b=$1 r=$2 t=$3 p=$4 engine=${5:-onnx-cuda}
    echo "== e2e $engine batch $b replicas $r stream threads $t partitions $p"
    profile=()
    [[ ${PROFILE:-0} == 1 ]] && profile=(--profile "$logs/app-$b-$r-$t-$p")
    MODSTREAM_PARTITIONS=$p MODSTREAM_SCORING_ENGINE=$engine MODSTREAM_BATCH_SIZE=$b MODSTREAM_SCORING_REPLICAS=$r \
      MODSTREAM_KAFKA_NUM_STREAM_THREADS=$t ops/bench --model models/v2 --data "$KIT_DATA" --count 200000 "${profile[@]}" -- \
      --engine "$engine" --batch-size "$b" --replicas "$r" --warm-up-comments 100000 --warm-up-round-comments 100000 \
      --warm-up-max-seconds 90 --half-load-seconds 20 \
      --half-load-warm-up-seconds 10 --single-count 500 --model-only-seconds 8 2>&1 | tee -a "$logs/e2e.log" | grep -v '^\s*at '
    cp .local/bench/streams-app.log "$logs/app-$b-$r-$t-$p.log" 2>/dev/null
    # Collapsed stacks can be too large to bring back from the host as they are; xz shrinks them many times over.
    for f in "$logs/app-$b-$r-$t-$p".*.collapsed; do [[ -f $f ]] && xz -T0 -6 "$f"; done ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
