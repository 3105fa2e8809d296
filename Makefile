# Quick start: `make demo` and `make test`. Each target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

# The Matrix environment (Synapse, matrix-nio[e2e], linkscreen): its own venv, reused while
# examples/matrix/requirements.txt and the packaging files are unchanged.
MATRIX_VENV := build/matrix-venv

.PHONY: demo test lint typecheck bench native-check clean test-matrix demo-matrix

$(STAMP): pyproject.toml setup.py native/build_native.py native/linkscreen_core.c native/linkscreen_core.h
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
	$(BIN)/ruff check sdk server tests benchmarks examples native/build_native.py setup.py
	$(BIN)/ruff format --check sdk server tests benchmarks examples native/build_native.py setup.py

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck native-check
	$(BIN)/python -m pytest -q
	LINKSCREEN_PURE=1 $(BIN)/python -m pytest -q -m "not native_only" tests/test_matcher.py \
		tests/test_bundle_vectors.py tests/test_bundle_security.py tests/test_accuracy.py \
		tests/test_extraction_corpus.py tests/test_fail_closed.py tests/test_conversation.py tests/test_evidence.py
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
		native/linkscreen_core.c native/test_core.c -o build/test_core
	./build/test_core

bench: $(BENCH_STAMP)
	$(BIN)/python -m pytest benchmarks -q -s -W ignore::DeprecationWarning --benchmark-enable \
		--benchmark-columns=median,mean,stddev,rounds -p no:cacheprovider

clean:
	rm -rf $(VENV) build *.egg-info sdk/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name '__pycache__' -prune -exec rm -rf {} +
	rm -f sdk/linkscreen/_native*.so
