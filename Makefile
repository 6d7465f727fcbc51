# Thin front end over CMake. Every target installs missing system packages first (scripts/deps.sh).
# Build trees: build/ (RelWithDebInfo), build-asan/ (ASan+UBSan), build-fuzz/ (clang + libFuzzer).
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX   ?= /usr/local
FUZZ_SECONDS ?= 30
CTEST_ARGS ?=

.PHONY: all build deps test demo bench fuzz fuzz-build asan install clean

all: build

deps:
	@bash scripts/deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build build -j $(JOBS)

test: build
	@cd build && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	@bash scripts/demo.sh build

bench: build
	@bash scripts/bench.sh build

asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DXC_SANITIZE=ON -DXC_BENCH=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

fuzz-build: deps
	@cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DXC_SANITIZE=ON -DXC_FUZZ=ON \
	  -DXC_TESTS=OFF -DXC_BENCH=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

fuzz: fuzz-build
	@bash scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

install: build
	@cmake --install build --prefix $(PREFIX)

clean:
	@rm -rf build build-asan build-fuzz
