# Liaison: the two commands are `make demo` (the main job on the embedded stack) and `make test`.
SHELL := /bin/bash
LIAISON := node bin/liaison.mjs

PHONY_EXTRA := demo adapter contact-point ops-console
.PHONY: help prerequisites install $(PHONY_EXTRA) up down status gateway audit-verify bench bench-history test test-unit test-integration typecheck clean-stack

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

prerequisites: ## install Node.js, Java, Maven, PostgreSQL and Prometheus with apt-get when missing
	@infra/local/prerequisites.sh

node_modules/.liaison-installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: prerequisites node_modules/.liaison-installed ## install the npm packages (npm ci)

demo: install ## THE MAIN JOB: stack + gateway + adapter + contact points, plays ~50 notices, prints what happened; Ctrl-C stops
	@$(LIAISON) demo

up: install ## start the embedded stack (Kafka + schema registry + PostgreSQL on loopback); idempotent
	@$(LIAISON) stack up

down: install ## stop exactly what `make up` started
	@$(LIAISON) stack down

status: install ## show whether the embedded stack runs
	@$(LIAISON) stack status

gateway: up ## run the gateway on the embedded stack (metrics on http://127.0.0.1:18090/metrics); Ctrl-C stops it
	node --import tsx services/gateway/main.ts

adapter: up ## run the national adapter (REST API, http://127.0.0.1:18100/openapi.json); Ctrl-C stops it
	node --import tsx services/national-adapter/main.ts

contact-point: up ## run the contact points of every party (officers' page http://127.0.0.1:18200/); Ctrl-C stops it
	node --import tsx services/contact-point/main.ts

ops-console: up ## run the operations console (http://127.0.0.1:18300/, ops token in .liaison/api-tokens.json); Ctrl-C stops it
	node --import tsx services/ops-console/main.ts

audit-verify: install ## verify every chain of the audit trail
	@$(LIAISON) audit verify

bench: up ## benchmarks (never part of make test): the policy engine, then the gateway end to end against a passthrough on the embedded stack; compare the ratios within one run
	npx vitest bench --run --config bench/vitest.bench.config.ts
	node --import tsx bench/gateway-e2e.ts

N ?= 1000000
bench-history: up ## start, memory and query p99 of each service after N notices of history (default 1,000,000), at N/10 and N; never part of make test
	node --import tsx bench/history.ts $(N)

typecheck: install ## TypeScript, strict
	npx tsc -p tsconfig.json

test-unit: install ## unit tests (no Kafka)
	npx vitest run --project unit

test-integration: install ## integration tests on a real broker and registry (started if needed, stopped after)
	@infra/local/prerequisites.sh --browser
	npx vitest run --project integration

test: typecheck test-unit test-integration ## everything CI runs

clean-stack: down ## drop the embedded stack's data, logs and credentials (keeps downloads); the tests' stacks (.liaison-test/, .liaison-test-cluster/) too
	rm -rf .liaison/kafka .liaison/postgres .liaison/logs .liaison/run .liaison/credentials.json .liaison/stack.json .liaison/api-keys.json .liaison/api-tokens.json .liaison/registry-release
	@LIAISON_HOME=.liaison-test $(LIAISON) stack down >/dev/null 2>&1 || true
	rm -rf .liaison-test/kafka .liaison-test/postgres .liaison-test/logs .liaison-test/run .liaison-test/credentials.json .liaison-test/stack.json .liaison-test/api-keys.json .liaison-test/api-tokens.json .liaison-test/registry-release
	@LIAISON_HOME=.liaison-test-cluster $(LIAISON) stack down >/dev/null 2>&1 || true
	rm -rf .liaison-test-cluster
