#!/usr/bin/env bash
# Build a one-folder SAE Inspector package with PyInstaller.
#
#   packaging/build.sh cpu-lite   # ONNX Runtime only, no torch (~a tenth of the gpu build)
#   packaging/build.sh gpu        # CUDA torch + onnxruntime-gpu (venv from `make setup GPU=1`)
#
# Output: dist/sae-inspector-<variant>/sae-inspector  (run it with --self-test).
# Embeds every bundle folder of model_store/ (each with its resources/samples/<name>/); the app's default is
# model_store/metal, and SAE_BUNDLE_DIR=DIR embeds another bundle in its place.
# Environment: PYTHON (default .venv/bin/python), DIST (default dist), WORK (default build/pyinstaller).
set -euo pipefail
cd "$(dirname "$0")/.."

variant="${1:-}"
case "$variant" in
  cpu-lite) spec=packaging/sae_inspector_cpu_lite.spec ;;
  gpu)      spec=packaging/sae_inspector_gpu.spec ;;
  *) echo "usage: packaging/build.sh cpu-lite|gpu" >&2; exit 2 ;;
esac

PYTHON="${PYTHON:-.venv/bin/python}"
DIST="${DIST:-dist}"
WORK="${WORK:-build/pyinstaller}"
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
  echo "error: PyInstaller is not installed in $PYTHON (make setup installs requirements-dev.txt)" >&2
  exit 2
fi

if [ "$variant" = gpu ]; then
  # torch and onnxruntime-gpu must share the CUDA and cuDNN majors, or the CUDA provider fails to load
  "$PYTHON" - <<'PY'
import sys
import onnxruntime as ort
import torch
cuda = torch.version.cuda
if not cuda:
    sys.exit("error: this torch is a CPU build; the gpu package needs the CUDA build (make setup GPU=1)")
if "CUDAExecutionProvider" not in ort.get_available_providers():
    sys.exit("error: onnxruntime has no CUDA provider; install onnxruntime-gpu (not onnxruntime)")
print(f"torch {torch.__version__} (CUDA {cuda}, cuDNN {torch.backends.cudnn.version()}), onnxruntime-gpu {ort.__version__}")
if cuda.split(".")[0] != "12":
    sys.exit(f"error: torch is built for CUDA {cuda}; onnxruntime-gpu from PyPI needs CUDA 12")
cudnn = torch.backends.cudnn.version() or 0
major = cudnn // 10000 if cudnn >= 10000 else cudnn // 1000
if major != 9:
    sys.exit(f"error: torch ships cuDNN {cudnn}; onnxruntime-gpu needs cuDNN 9")
PY
else
  if "$PYTHON" -c 'import onnxruntime as o, sys; sys.exit("CUDAExecutionProvider" not in o.get_available_providers())' 2>/dev/null; then
    echo "note: this venv has onnxruntime-gpu; the cpu-lite package will carry its CUDA provider too" >&2
  fi
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK" "$spec"
out="$DIST/sae-inspector-$variant"
exe="$out/sae-inspector"
[ -x "$exe" ] || exe="$exe.exe"
if [ "$variant" = cpu-lite ] && find "$out" -path '*/torch/*' -print -quit | grep -q .; then
  echo "error: torch ended up in the cpu-lite package" >&2
  exit 1
fi
echo "built $exe in $(( $(date +%s) - start )) s; $(du -sh "$out" | cut -f1) in $out"
