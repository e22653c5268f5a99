# SAE Inspector. `make run` opens the app; `make test` runs the whole suite headless.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GPU ?= 0

.PHONY: setup run test test-quick lint bench bench-hostile bundle clean package package-test

# Idempotent: reinstalls only when a requirements file changed.
setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-gpu.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
ifeq ($(GPU),1)
	# the CUDA torch build and onnxruntime-gpu; never onnxruntime and onnxruntime-gpu together
	$(BIN)/python -m pip uninstall -y -q onnxruntime || true
	$(BIN)/python -m pip install -q -r requirements-gpu.txt
	grep -v '^onnxruntime==' requirements.txt > $(VENV)/requirements-nogpu.txt
	$(BIN)/python -m pip install -q -r $(VENV)/requirements-nogpu.txt -r requirements-dev.txt
else
	# torch first and alone: the CPU build on this disk (an unpinned torch pulls CUDA)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-dev.txt
endif
	touch $(STAMP)

run: setup
	$(BIN)/python main.py

# The whole suite (README and CI); the 15 slowest tests are listed at the end.
test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=15

# The edit loop: everything not marked slow (builds, training, whole-bundle runs) or xvfb.
test-quick: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow and not xvfb" --durations=5

lint: setup
	$(BIN)/ruff check app tests bench main.py

bench: setup
	$(BIN)/python bench/latency.py

# Peak memory of analyze on hostile files (bench/RESULTS.md, "Hostile inputs").
bench-hostile: setup
	$(BIN)/python bench/hostile_inputs.py

bundle: setup
	$(BIN)/python main.py build-bundle --preset metal

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# One-folder cpu-lite build (ONNX Runtime only, no torch) in dist/sae-inspector-cpu-lite/.
package: setup
	packaging/build.sh cpu-lite

# Build cpu-lite and run the packaged executable's self-test offscreen (what CI checks last).
package-test: setup
	@start=$$(date +%s); \
	packaging/build.sh cpu-lite && \
	QT_QPA_PLATFORM=offscreen dist/sae-inspector-cpu-lite/sae-inspector --self-test; \
	rc=$$?; echo "package-test: exit $$rc in $$(( $$(date +%s) - start )) s"; exit $$rc
