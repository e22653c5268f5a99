#!/usr/bin/env bash
# The CUDA check, for a machine with an NVIDIA GPU (this project's CI has none).
#
#   packaging/gpu_check.sh                                  # from source, in a venv from `make setup GPU=1`
#   packaging/gpu_check.sh dist/sae-inspector-gpu/sae-inspector   # the built gpu package
#
# Prints the GPU, what torch and ONNX Runtime can load, the providers each backend really
# uses, then runs the self-test with CUDA made mandatory for both backends
# (SAE_INSPECTOR_REQUIRE_CUDA=1): exit 0 only if torch-cuda and the CUDA execution provider
# both ran and agree with the CPU backends within 1e-4.
# Environment: BUNDLE (default model_store/metal, the app's default bundle), PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE="${BUNDLE:-model_store/metal}"
PYTHON="${PYTHON:-.venv/bin/python}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export SAE_INSPECTOR_REQUIRE_CUDA=1

echo "== GPU"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv,noheader
else
  echo "nvidia-smi not found (no NVIDIA driver?)"
fi

if [ $# -ge 1 ]; then
  exe=("$1")
  echo "== package $1"
else
  exe=("$PYTHON" main.py)
  echo "== runtimes in $PYTHON"
  BUNDLE="$BUNDLE" "$PYTHON" - <<'PY'
import os
import sys

try:
    import torch
    print(f"torch {torch.__version__}: built for CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
          f"cuda available: {torch.cuda.is_available()}")
    if torch.cuda.is_available():
        print(f"  device 0: {torch.cuda.get_device_name(0)}")
except Exception as exc:  # noqa: BLE001
    print(f"torch: not usable ({exc})")
import onnxruntime as ort

print(f"onnxruntime {ort.__version__} ({ort.get_device()}): available {ort.get_available_providers()}")
if hasattr(ort, "preload_dlls"):
    try:
        ort.preload_dlls()
        print("  preload_dlls(): ok")
    except Exception as exc:  # noqa: BLE001
        print(f"  preload_dlls(): {exc}")
suffix = os.path.join(os.environ["BUNDLE"], "suffix.onnx")
if os.path.isfile(suffix):
    s = ort.InferenceSession(suffix, providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    print(f"  providers actually loaded for {suffix}: {s.get_providers()}")
    if s.get_providers()[0] != "CUDAExecutionProvider":
        print("  WARNING: ONNX Runtime fell back to the CPU")
else:
    sys.exit(f"no bundle at {os.environ['BUNDLE']}")
PY
fi

status=0
for backend in torch onnx; do
  echo "== self-test, $backend (CPU and CUDA)"
  "${exe[@]}" --self-test --bundle "$BUNDLE" --backend "$backend" || status=1
done
echo "== self-test, all backends (parity between torch and ONNX Runtime, CPU and CUDA)"
"${exe[@]}" --self-test --bundle "$BUNDLE" || status=1
if [ $status -eq 0 ]; then echo "gpu check passed"; else echo "gpu check FAILED" >&2; fi
exit $status
