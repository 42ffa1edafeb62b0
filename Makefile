# Thin wrapper over CMake. `make demo` and `make test` do all set-up on a fresh Debian machine.
BUILD      ?= build
BUILD_SAN  ?= build-asan
BUILD_TSAN ?= build-tsan
JOBS       ?= $(shell nproc)
# The developer build: tests, examples and benchmarks (a user's plain cmake build is Release,
# library and CLI only).
CMAKE_GEN  := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCQ_DEVELOPER=ON

.PHONY: all deps build build-asan build-tsan demo docs test test-normal test-asan test-tsan bench clean format

all: build

deps:
	@./scripts/setup-deps

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DCQ_DEVELOPER=ON -DCQ_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)

# ThreadSanitizer: only the library and the threaded tests (CTest label "threads").
build-tsan: deps
	@cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=Debug -DCQ_TSAN=ON -DCQ_BUILD_TESTS=ON -DCQ_BUILD_EXAMPLES=OFF \
		-DCQ_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(BUILD_TSAN) -j $(JOBS) --target test_threads_handles test_pool_sqlite test_pool_postgres \
		test_pool_mysql test_find_or_create test_failover_postgres

demo: build
	@./$(BUILD)/examples/quickstart
	@echo
	@echo "== cequel run examples/scripts/tour.json =="
	@./$(BUILD)/cequel run examples/scripts/tour.json

# The API reference (Doxygen) in $(BUILD)/docs/html/index.html.
docs: build
	@cmake --build $(BUILD) --target docs

# Each test run gets throwaway database servers (scripts/test-servers: PostgreSQL, PgBouncer in
# front of it (CQ_TEST_PGBOUNCER_URL) and MariaDB
# on free loopback ports, exported as CQ_TEST_POSTGRES_URL and CQ_TEST_MYSQL_URL); the server
# tests skip when none can start (except under CI).
test-normal: build
	@cd $(BUILD) && $(CURDIR)/scripts/test-servers ctest --output-on-failure -j $(JOBS)
	@grep -h '^conformance:' $(BUILD)/Testing/Temporary/LastTest.log || true

test-asan: build-asan
	@cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(CURDIR)/scripts/test-servers ctest --output-on-failure -j $(JOBS)

# halt_on_error: any report fails the test. The stress test runs fewer operations per thread
# (TSan slows every memory access; the interleavings are what it checks).
test-tsan: build-tsan
	@cd $(BUILD_TSAN) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 CQ_STRESS_OPS=100 \
		$(CURDIR)/scripts/test-servers ctest --output-on-failure -j $(JOBS) -L threads

test: test-normal test-asan test-tsan

# The benchmark (bench/README.md): Release build in build-bench, raw-c vs cequel, ratios.
bench: deps
	@./bench/run.sh $(BENCH_ARGS)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_TSAN) build-bench
