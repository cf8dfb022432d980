# Argus container image: `docker build -t argus .` (or `docker compose up`, docker-compose.yml).
# Stage 1 builds the shaded jar with the Maven wrapper; stage 2 is a JRE 21 on Ubuntu (glibc, which
# ONNX Runtime's native library needs), runs as user 10001 (the Kubernetes Deployment's runAsUser)
# and carries the bundled models. Checked by ContainerFilesTest; docs/deployment.md.

FROM eclipse-temurin:21-jdk-noble AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true package \
 && cp target/argus-*-all.jar /src/argus.jar

FROM eclipse-temurin:21-jre-noble
# curl for the HEALTHCHECK only; libturbojpeg decodes JPEGs about 4x faster than ImageIO
# (images.jpeg_decoder: turbojpeg in argus.yaml makes its absence a startup error); the user
# matches the Deployment's securityContext.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libturbojpeg \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 argus \
 && useradd --system --uid 10001 --gid argus --home-dir /nonexistent --shell /usr/sbin/nologin argus
COPY --from=build /src/argus.jar /opt/argus/argus.jar
COPY models/ /models/
COPY deploy/docker/argus.yaml /etc/argus/argus.yaml
USER 10001:10001
# HTTP (REST, probes, /metrics), then the Open Inference Protocol over gRPC.
EXPOSE 8080 8081
# The heap is half the container's memory limit; ONNX Runtime's native memory (model weights and
# arenas), thread stacks, code and the decoders' buffers need the rest (docs/operations.md).
ENV JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50 -XX:G1HeapRegionSize=2m -Djava.io.tmpdir=/tmp"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/argus/argus.jar"]
CMD ["serve", "--config", "/etc/argus/argus.yaml"]
