# Granary: one node, data in /data, S3 on 9000, admin API and /metrics on 9001.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -DskipITs package -pl api-server -am

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/api-server/target/granary.jar /opt/granary/granary.jar
# Class data sharing archive of what start-up loads: start-up is mostly class loading.
RUN java -XX:ArchiveClassesAtExit=/opt/granary/granary.jsa -jar /opt/granary/granary.jar warmup
VOLUME /data
EXPOSE 9000 9001
ENV GRANARY_DATA=/data GRANARY_ADDRESS=0.0.0.0 GRANARY_PORT=9000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:9000/health || exit 1
# SIGTERM triggers the graceful shutdown: in-flight requests finish, RocksDB closes cleanly.
STOPSIGNAL SIGTERM
# As ./granary server does: on up to 4 CPUs, more JIT compiler threads (the one C2 thread starves under load).
ENTRYPOINT ["sh", "-c", "if [ \"$(nproc)\" -le 4 ]; then jit=-XX:CICompilerCount=4; fi; exec java $jit -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/opt/granary/granary.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -jar /opt/granary/granary.jar server \"$@\"", "granary"]
