# The worker image of the ECS/Fargate fleet (ecs-workers.yaml; docs/ecs.md): the server jar on a
# pinned Java 21 JRE, run as a non-root user, as `ingest serve --backend aws` with its role and
# settings from the environment (INGEST_ROLE=workers by default; the task definition sets
# INGEST_QUEUE_URL, INGEST_TABLE, ... and the task role gives the AWS credentials).
# Build the jar first (./ingest builds it on first use, or
#   mvn -B -pl runtimes/local -am package -DskipTests), then: docker build -t ingest .
FROM eclipse-temurin:21.0.8_9-jre-noble

RUN groupadd --system --gid 10001 ingest \
 && useradd --system --uid 10001 --gid ingest --home-dir /app --shell /usr/sbin/nologin ingest \
 && mkdir -p /app/data \
 && chown ingest:ingest /app/data

WORKDIR /app
COPY runtimes/local/target/ingest.jar /app/ingest.jar

# role and listener: workers only by default; INGEST_ROLE=both|api (with INGEST_ISSUER and
# INGEST_CLIENT_ID) answers the HTTP API on 8080 as well
ENV INGEST_ROLE=workers \
    INGEST_HOST=0.0.0.0 \
    INGEST_PORT=8080 \
    INGEST_DATA_DIR=/app/data
EXPOSE 8080

USER 10001:10001
# the heap follows the task's memory; SIGTERM (ECS stopping a task) reaches the JVM directly
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-XX:MaxRAMPercentage=75", "-jar", "/app/ingest.jar", "serve", "--backend", "aws"]
