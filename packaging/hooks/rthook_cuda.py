"""PyInstaller runtime hook (gpu build): make the bundled CUDA and cuDNN libraries findable.

Runs before the app. Never fails: a machine without a GPU simply ends up on the CPU, and
the self-test / About dialog show what was loaded. The outcome is left in
``$SAE_INSPECTOR_CUDA_PRELOAD`` for the diagnostics.
"""

import os
import sys


def _nvidia_lib_dirs(base):
    root = os.path.join(base, "nvidia")
    out = []
    if os.path.isdir(root):
        for sub in sorted(os.listdir(root)):
            for leaf in ("bin", "lib"):
                d = os.path.join(root, sub, leaf)
                if os.path.isdir(d):
                    out.append(d)
    torch_lib = os.path.join(base, "torch", "lib")
    if os.path.isdir(torch_lib):
        out.append(torch_lib)
    return out


def _preload():
    base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
    dirs = _nvidia_lib_dirs(base)
    if os.name == "nt":
        for d in dirs:
            try:
                os.add_dll_directory(d)
            except (OSError, AttributeError):
                pass
        os.environ["PATH"] = os.pathsep.join(dirs + [os.environ.get("PATH", "")])
    try:
        import onnxruntime
    except Exception as exc:  # noqa: BLE001
        return f"onnxruntime not importable: {exc}"
    pre = getattr(onnxruntime, "preload_dlls", None)
    if pre is None:
        return f"onnxruntime {onnxruntime.__version__} has no preload_dlls"
    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        return "onnxruntime has no CUDA provider"
    errors = []
    # the bundled nvidia wheels first ("" = nvidia site packages, then the default search path)
    for directory in ("", None):
        try:
            pre(cuda=True, cudnn=True, msvc=True, directory=directory)
            return f"preload_dlls(directory={directory!r}) ok"
        except Exception as exc:  # noqa: BLE001
            errors.append(str(exc))
    if sys.platform.startswith("linux"):  # last resort: load the sonames ourselves, globally
        import ctypes
        import glob

        loaded = 0
        for pattern in ("libcudart.so*", "libcublasLt.so*", "libcublas.so*", "libcufft.so*", "libcurand.so*",
                        "libnvJitLink.so*", "libcusparse.so*", "libcudnn.so*"):
            for d in dirs:
                for f in sorted(glob.glob(os.path.join(d, pattern)))[:1]:
                    try:
                        ctypes.CDLL(f, mode=ctypes.RTLD_GLOBAL)
                        loaded += 1
                    except OSError:
                        pass
        return f"preload_dlls failed ({'; '.join(errors)[:300]}); loaded {loaded} CUDA libraries directly"
    return f"preload_dlls failed: {'; '.join(errors)[:300]}"


try:
    os.environ["SAE_INSPECTOR_CUDA_PRELOAD"] = _preload()
except Exception as _exc:  # noqa: BLE001 - a runtime hook must never stop the app
    os.environ["SAE_INSPECTOR_CUDA_PRELOAD"] = f"error: {_exc}"
