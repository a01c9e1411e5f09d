# Thin wrapper over scripts/ and CMake. See README.md.
BUILD ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-release
FUZZ_BUILD ?= build-fuzz

.PHONY: setup build run test asan bench bench-postgres fuzz format format-check clean

setup build:
	scripts/setup.sh $(BUILD)

# Set up, then run the server on ./var/chainkg-db (demo data on first start).
run: setup
	scripts/run.sh

# Set up, then run every test (unit, integration, e2e).
test: setup
	cd $(BUILD) && ctest --output-on-failure -j 2

# ASan + UBSan build running the unit and integration tests.
asan:
	scripts/setup.sh $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCHAINKG_SANITIZE=ON -DCHAINKG_WERROR=ON
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j 2 -L 'unit|integration'

# Release build, then the load benchmarks (bench/README.md). SCALE=national
# for the full-size figures.
SCALE ?= city
bench:
	scripts/setup.sh $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
	bench/load_bench.sh $(SCALE) $(BENCH_BUILD)

# chainkg against PostgreSQL 15 on the same data (installs and runs a
# throwaway PostgreSQL; builds the three binaries it needs when missing).
bench-postgres:
	bench/postgres_bench.sh $(SCALE) $(BENCH_BUILD)

# clang + libFuzzer build (ASan+UBSan), then each fuzz target for
# FUZZ_SECONDS from its corpus (fuzz/run.sh; CI runs 60 s each).
FUZZ_SECONDS ?= 300
fuzz:
	scripts/setup.sh $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAINKG_FUZZ=ON -DBUILD_TESTING=OFF
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD)

format:
	git ls-files '*.h' '*.cc' '*.proto' | xargs clang-format -i

format-check:
	git ls-files '*.h' '*.cc' '*.proto' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(FUZZ_BUILD)
