# Thin wrappers over go commands, so CI runs exactly what a developer runs.
# `make` alone lists the targets.

GO        ?= go
BIN       ?= bin/mem0
PKG       := github.com/mem0dev/mem0
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
export CGO_ENABLED := 0

.DEFAULT_GOAL := help
.PHONY: help build install test test-race lint cross bench completions demo clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build a static binary into bin/mem0
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mem0

install: ## install mem0 into $GOBIN (or $GOPATH/bin)
	$(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/mem0

test: lint cross ## vet, gofmt check, cross-compile, and every test (set MEM0_TEST_NO_SKIP=1 to fail instead of skip)
	$(GO) test -count=1 -timeout 15m ./...

test-race: ## every test with the race detector (needs cgo)
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m ./...

lint: ## go vet and a gofmt check
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

cross: ## check that every package builds for macOS (arm64) and Windows (amd64)
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	GOOS=windows GOARCH=amd64 $(GO) vet ./...

bench: build ## measure the figures in docs/benchmarks.md (Go benchmarks + whole-process timings)
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./store/... ./semantic/
	./scripts/bench.sh $(BIN)
	MEM0_SYNC_BENCH=1 MEM0_BENCH_BIN=$(BIN) $(GO) test -run '^TestSyncFigures$$$$' -count 1 -v ./cmd/mem0/
	@if [ -x bench/server.sh ]; then ./bench/server.sh; fi
	@if [ -x bench/mcp.sh ]; then ./bench/mcp.sh $(BIN); fi
	./bench/semantic.sh $(BIN)
	python3 bench/shell.py $(BIN)

completions: ## write shell completion scripts into completions/
	$(GO) run ./cmd/mem0 completion bash > completions/mem0.bash
	$(GO) run ./cmd/mem0 completion zsh > completions/_mem0
	$(GO) run ./cmd/mem0 completion fish > completions/mem0.fish
	$(GO) run ./cmd/mem0 completion powershell > completions/mem0.ps1

demo: build ## a short real session in a throwaway MEM0_HOME
	./scripts/demo.sh $(BIN)

clean: ## remove build output
	rm -rf bin bench/out
