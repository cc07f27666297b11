# Sourced, from the repository root, on a GPU host that has CUDA 13, cuDNN 9 and no JDK
# (docs/gpu.md, "The GPU kit"): unpacks the kit that ops/gpu-kit made (its parts copied to $KIT_PARTS, default
# /root/kit) into .gpukit/ once, puts the jars where ops/ expects them, and sets PATH (the kit's JRE),
# LD_LIBRARY_PATH (the CUDA 12 runtime and cuBLAS stand-ins, then CUDA 13) and JAVA_TOOL_OPTIONS
# (ONNX Runtime's CUDA natives). Then ops/bench and the jars run as usual, e.g.
#   MODSTREAM_SCORING_ENGINE=onnx-cuda ... ops/bench --model models/v2 --data "$KIT_DATA" -- --engine onnx-cuda
# shellcheck shell=bash
kit_root=$PWD
if [ ! -x .gpukit/jre/bin/java ]; then
  zstd_cmd=zstd
  if ! command -v zstd > /dev/null; then
    zstd_cmd=$kit_root/.gpukit/run/bin/zstd
    export LD_LIBRARY_PATH=$kit_root/.gpukit/run/bin
  fi
  mkdir -p .gpukit
  cat "${KIT_PARTS:-/root/kit}"/p* | "$zstd_cmd" -d --long=31 | tar -C .gpukit -xf - \
    || { echo "device-env: could not unpack the kit from ${KIT_PARTS:-/root/kit} (all parts copied?)" >&2; return 1; }
  mkdir -p streams-app/target trainer/target ops/local-kafka/target ops/tools/target ops/benchmark/target
  cp .gpukit/jars/streams-app.jar streams-app/target/
  cp .gpukit/jars/modstream-tools.jar ops/tools/target/
  cp .gpukit/jars/benchmark.jar ops/benchmark/target/
  cp .gpukit/jars/trainer.jar trainer/target/
  cp .gpukit/jars/local-kafka.jar ops/local-kafka/target/
  rm -rf ops/local-kafka/target/lib && cp -r .gpukit/kafka-lib ops/local-kafka/target/lib
fi
export PATH=$kit_root/.gpukit/jre/bin:$PATH
export LD_LIBRARY_PATH=$kit_root/.gpukit/cuda:/usr/local/cuda/lib64
export JAVA_TOOL_OPTIONS="-Donnxruntime.native.path=$kit_root/.gpukit/ort ${JAVA_TOOL_OPTIONS:-}"
KIT_DATA=$(ls "$kit_root"/.gpukit/data/* | head -1)
export KIT_DATA
export MODSTREAM_ASYNC_PROFILER_LIB=$kit_root/.gpukit/ap/libasyncProfiler.so
