# Convenience wrapper around CMake: `make demo` runs bootmm's built-in
# example, `make test` runs the whole test suite. Installs the build tools
# first when they are missing and we are root (a fresh Debian machine).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEPS := cmake gcc make libfdt-dev device-tree-compiler

.PHONY: all deps configure demo test asan tsan freestanding bench clean fuzz

all: configure
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "please install:$$missing (apt-get install$$missing)"; exit 1; fi; \
	fi

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

# Only the command: the demo needs no test binaries.
demo: configure
	cmake --build $(BUILD) -j$(JOBS) --target bootmm
	./$(BUILD)/bootmm

test: all
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBOOTMM_SANITIZE=address,undefined >/dev/null
	cmake --build build-asan -j$(JOBS)
	ctest --test-dir build-asan --output-on-failure -j$(JOBS)

tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DBOOTMM_SANITIZE=thread >/dev/null
	cmake --build build-tsan -j$(JOBS)
	ctest --test-dir build-tsan --output-on-failure -L threads

freestanding:
	./tools/check-freestanding.sh

bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBOOTMM_BENCH=ON -DBOOTMM_CHECKS=OFF >/dev/null
	cmake --build build-bench -j$(JOBS)
	./tools/run-benchmarks.sh build-bench

# Every libFuzzer harness for SECONDS seconds each with random seeds
# (FUZZ_JOBS=2 runs two at once); findings are kept in fuzz-findings/ (not
# tracked, kept by make clean), the grown corpus in build-fuzz/corpus/.
SECONDS ?= 600
FUZZ_JOBS ?= 1
fuzz:
	FUZZ_JOBS=$(FUZZ_JOBS) FUZZ_FINDINGS=$(CURDIR)/fuzz-findings ./tools/fuzz-smoke.sh $(SECONDS)

clean:
	rm -rf build build-asan build-tsan build-bench

# Produce a new oracle log with a real kernel under QEMU (not part of the
# tests): make oracle ARGS="--mem 1G --numa 2 --efi"
.PHONY: oracle
oracle:
	bash tools/qemu-oracle.sh $(ARGS)
