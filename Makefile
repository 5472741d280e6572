# Used by `sam build`: every function in template.yaml has `Metadata: BuildMethod: makefile` and
# `CodeUri: .`, so SAM runs `make build-<FunctionLogicalId>` here with ARTIFACTS_DIR set to that
# function's build folder. All functions share one artifact: the shaded jar of the lambda module,
# built once by Maven (a file target, rebuilt only when a pom or a main source changed) and copied
# to ARTIFACTS_DIR/lib/ (Lambda's Java runtime puts every jar under lib/ on the class path).
# SAM's own Java/Maven builder cannot be used: it builds each CodeUri folder as a standalone Maven
# project and breaks on a multi-module reactor with a parent POM.
#   make lambda-jar            just build runtimes/lambda/target/qbi-runtime-lambda.jar
SHELL := /bin/bash
JAR := runtimes/lambda/target/qbi-runtime-lambda.jar
FUNCTIONS := AuthorizerFunction JobProcessorFunction BatchSimulatorFunction JobStatusFunction ListJobsFunction CancelJobFunction
SOURCES := $(shell find pom.xml core/pom.xml adapters/aws/pom.xml runtimes/lambda/pom.xml core/src/main adapters/aws/src/main runtimes/lambda/src/main -type f 2>/dev/null)

.PHONY: lambda-jar $(addprefix build-,$(FUNCTIONS))

lambda-jar: $(JAR)

$(JAR): $(SOURCES)
	. scripts/jdk.sh && use_jdk make && require_maven make && \
	  mvn -q -B -DskipTests -Dspotless.check.skip=true -pl runtimes/lambda -am package
	@test -f $@ || { echo "make: $@ was not built; the lambda module must shade its jar to that name" >&2; exit 1; }
	@touch $@

$(addprefix build-,$(FUNCTIONS)): $(JAR)
	@test -n "$(ARTIFACTS_DIR)" || { echo "make: ARTIFACTS_DIR is not set; run this through sam build" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(JAR) "$(ARTIFACTS_DIR)/lib/"
