# Top-level wrapper around CMake. Targets:
#   make          build (build/)
#   make run      install missing packages, build, run the walkthrough
#   make check    install missing packages, build with -Werror, run every test,
#                 then the whole suite again under ASan+UBSan, then a fuzz smoke run
#   make bench    release build and benchmarks
#   make fuzz     libFuzzer targets (FUZZ_SECONDS per target, default 60)
#   make format   clang-format the tree

JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
BENCH_BUILD ?= build-release
FUZZ_SECONDS ?= 60
SMOKE_SECONDS ?= 10
CMAKE       ?= cmake

.PHONY: all build deps run check test asan fuzz-smoke fuzz bench format clean

all: build

deps:
	@./scripts/install-deps.sh

build:
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS) >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS) -- --no-print-directory

run: deps build
	@./scripts/walkthrough.sh $(BUILD)/vouch

check: deps
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug -DVOUCH_WERROR=ON >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS) -- --no-print-directory
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz-smoke

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan:
	@echo "== ASan+UBSan build: whole suite =="
	@$(CMAKE) -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVOUCH_WERROR=ON \
		-DVOUCH_SANITIZE=ON -DVOUCH_BENCH=OFF >/dev/null
	@$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS) -- --no-print-directory
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

$(FUZZ_BUILD)/.configured:
	@CC=clang CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -g" \
		$(CMAKE) -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVOUCH_FUZZ=ON \
		-DVOUCH_TESTS=OFF -DVOUCH_BENCH=OFF >/dev/null
	@touch $@

fuzz-build: $(FUZZ_BUILD)/.configured
	@$(CMAKE) --build $(FUZZ_BUILD) -j $(JOBS) -- --no-print-directory

fuzz-smoke: fuzz-build
	@./scripts/fuzz.sh $(FUZZ_BUILD) $(SMOKE_SECONDS)

fuzz: deps fuzz-build
	@./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: deps
	@$(CMAKE) -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DVOUCH_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(BENCH_BUILD) -j $(JOBS) -- --no-print-directory
	@./bench/bench.sh $(BENCH_BUILD)

format:
	@find include src tests bench -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
