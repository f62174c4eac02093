# The two commands a newcomer needs on a fresh clone:
#   make run    install, build, start the OMS on its embedded defaults
#   make test   install, build, run every test
# Plus: make test-fast (every test but *.slow, *.stress and *.crash ones: end-to-end
# suites of many seconds, stress and throughput, kill -9), make bench (the standard
# benchmark suite), make clean.

NPM ?= npm
NODE ?= node

.PHONY: all install build run test test-fast bench check-servers clean

all: build

# npm writes node_modules/.package-lock.json on every install; reinstall only when the lockfile changed.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

build: install
	$(NPM) exec -- tsc -p tsconfig.json

# MALLOC_MMAP_THRESHOLD_: see io/process/malloc_env.ts (resident memory after snapshots).
run: build
	MALLOC_MMAP_THRESHOLD_=$${MALLOC_MMAP_THRESHOLD_:-1048576} $(NODE) dist/io/main.js

# Tests start their own nats-server and redis-server on free ports: both binaries must exist.
check-servers:
	@command -v nats-server >/dev/null || { echo "make test: nats-server is not on PATH (tests start their own NATS with JetStream)"; exit 1; }
	@command -v redis-server >/dev/null || { echo "make test: redis-server is not on PATH (tests start their own Redis)"; exit 1; }

test: build check-servers
	$(NPM) exec -- tap

# A test file named *.slow.test.ts, *.stress.test.ts or *.crash.test.ts is left out here.
test-fast: build check-servers
	$(NPM) exec -- tap --exclude='dist/test/**/*.slow.test.js' --exclude='dist/test/**/*.stress.test.js' --exclude='dist/test/**/*.crash.test.js'

bench: build
	$(NODE) dist/bench/cli.js --suite standard

# A build leaves compiled tests behind for sources that were moved or removed: clean first.
clean:
	rm -rf dist
