# Quick start: `make demo` and `make test`. Each target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
# Hypothesis replays fixed examples under `make test` (tests/conftest.py); pytest by hand explores.
export LINKSCREEN_DERANDOMIZE ?= 1

# The Matrix environment (Synapse, matrix-nio[e2e], linkscreen): its own venv, reused while
# examples/matrix/requirements.txt and the packaging files are unchanged.
MATRIX_VENV := build/matrix-venv

# The C core (one header, native/linkscreen.h); ls_wasm.c adds the WebAssembly exports.
NATIVE_SOURCES := native/ls_api.c native/ls_bundle.c native/ls_compile.c native/ls_delta.c native/ls_hash.c native/ls_psl.c native/ls_unicode.c native/ls_url.c
NATIVE_HEADERS := native/linkscreen.h native/ls_internal.h native/ls_unicode_data.h
WASI_SYSROOT ?= /usr
FUZZ_SECONDS ?= 600

.PHONY: demo test lint typecheck bench native-check wasm wasm-if-possible fuzz fuzz-python clean \
	test-matrix demo-matrix

$(STAMP): pyproject.toml setup.py native/build_native.py $(NATIVE_SOURCES) $(NATIVE_HEADERS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check sdk server tests benchmarks examples native/build_native.py setup.py \
		native/unicode/gen_tables.py
	$(BIN)/ruff format --check sdk server tests benchmarks examples native/build_native.py setup.py \
		native/unicode/gen_tables.py

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck native-check wasm-if-possible
	$(BIN)/python -m pytest -q
	$(BIN)/python tests/mutation/run.py -j 2 --min-score 0.95
	LINKSCREEN_PURE=1 $(BIN)/python -m pytest -q -m "not native_only" tests/test_matcher.py \
		tests/test_bundle_vectors.py tests/test_bundle_security.py tests/test_accuracy.py \
		tests/test_extraction_corpus.py tests/test_fail_closed.py tests/test_app_schemes.py tests/test_conversation.py tests/test_conversation_bounds.py tests/test_evidence.py \
		tests/test_bundle_delta.py tests/test_wrapper_shapes.py
	$(MAKE) --no-print-directory test-matrix

# End to end in a real E2EE messenger (tests/matrix). Skips, saying so, only when the package
# index cannot be reached to build the Matrix environment (exit 75 from environment.py).
test-matrix: $(STAMP)
	@$(BIN)/python examples/matrix/environment.py $(MATRIX_VENV); status=$$?; \
	if [ $$status -eq 75 ]; then \
		echo "SKIPPED tests/matrix: the package index is unreachable, so the Matrix environment could not be built"; \
		exit 0; \
	fi; \
	[ $$status -eq 0 ] || exit $$status; \
	$(MATRIX_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/matrix

demo-matrix: $(STAMP)
	@$(BIN)/python examples/matrix/environment.py $(MATRIX_VENV)
	$(MATRIX_VENV)/bin/python examples/matrix/demo.py

# The C core's own tests, under AddressSanitizer and UndefinedBehaviorSanitizer.
native-check:
	mkdir -p build
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-fno-omit-frame-pointer -fno-sanitize-recover=all -Inative \
		$(NATIVE_SOURCES) native/test_core.c -o build/test_core
	./build/test_core

# The core as a WebAssembly module with zero imports (Debian: clang, lld, wasi-libc,
# libclang-rt-14-dev-wasm32). tests/test_cross_language_vectors.py runs it in wasmtime.
build/linkscreen.wasm: $(NATIVE_SOURCES) $(NATIVE_HEADERS) native/ls_wasm.c
	mkdir -p build
	clang --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) -O2 -std=c99 -Wall -Wextra -Werror \
		-Inative -nostartfiles -Wl,--no-entry -Wl,--strip-all \
		$(NATIVE_SOURCES) native/ls_wasm.c -o $@
	@echo "build/linkscreen.wasm: $$(wc -c < $@) bytes"

wasm: build/linkscreen.wasm

# `make test` builds the WebAssembly module where the toolchain is installed (CI installs it);
# elsewhere the WebAssembly vector test says it was skipped and why.
wasm-if-possible:
	@if command -v clang >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1 \
		&& [ -e $(WASI_SYSROOT)/lib/wasm32-wasi/libc.a ]; then $(MAKE) --no-print-directory wasm; \
	else echo "make wasm skipped: clang, lld or wasi-libc missing"; fi

# A longer libFuzzer run than the 30 s one in `make test` (FUZZ_SECONDS, default 600).
fuzz: $(STAMP)
	LINKSCREEN_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -s tests/test_native_fuzz.py

# The Python parsers under atheris for FUZZ_SECONDS each (`make test` runs 8 s each).
fuzz-python: $(STAMP)
	LINKSCREEN_PY_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -s tests/test_fuzz_python.py

bench: $(BENCH_STAMP)
	$(BIN)/python -m pytest benchmarks -q -s -W ignore::DeprecationWarning --benchmark-enable \
		--benchmark-columns=median,mean,stddev,rounds -p no:cacheprovider

clean:
	rm -rf $(VENV) build *.egg-info sdk/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name '__pycache__' -prune -exec rm -rf {} +
	rm -f sdk/linkscreen/_native*.so
