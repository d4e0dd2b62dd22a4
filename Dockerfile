# syntax=docker/dockerfile:1
# Build the jar first: ./mvnw -B -DskipTests package
FROM eclipse-temurin:25-jre AS layers
WORKDIR /build
COPY target/partner-center-bff-*.jar app.jar
# Spring Boot's layers: dependencies change rarely, the application often, so releases reuse cached layers.
# Without --launcher: application/app.jar names its dependencies in lib/ on its Class-Path, the layout an AOT
# cache needs (the JDK only caches classes loaded from plain jars on the class path, not from nested jars).
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

FROM eclipse-temurin:25-jre
# A fixed numeric non-root user, so Kubernetes can check runAsNonRoot without a name lookup.
RUN echo "app:x:10001:10001:partner-center-bff:/app:/bin/false" >> /etc/passwd \
 && echo "app:x:10001:" >> /etc/group
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# The heap follows the container's memory limit; an out-of-memory JVM exits so Kubernetes restarts it.
# SerialGC is what the JVM picks by itself under the chart's 768 MiB limit; said here so the benchmark, which
# runs outside a container, uses the same collector (G1 measured about the same throughput, 30 MB more memory).
# Set before the training run below: an AOT cache is only used by a JVM started with compatible flags.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=25 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError" \
    SERVER_SHUTDOWN=graceful
# Spring Boot's documented AOT cache procedure (JEP 483/514/515): a training run that starts the application
# context and exits, after which the JVM writes the classes it loaded, linked, into app.aot. It calls nothing
# (no network is needed): the credentials are placeholders only because startup requires them, the token and
# the JWK set are fetched lazily, and the URLs point at a closed port. docs/performance.md has the figures
# (readiness with and without the cache) and why the training does not serve requests.
RUN java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -jar app.jar \
      --partner-center.auth.tenant-id=training --partner-center.auth.client-id=training \
      --partner-center.auth.client-secret=training --partner-center.auth.refresh-token=training \
      --partner-center.base-url=http://127.0.0.1:9 \
      --spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks
USER 10001:10001
EXPOSE 8080 8081
# With a cache made under other flags (say -XX:+UseZGC in JAVA_TOOL_OPTIONS) the JVM warns and starts without it.
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "app.jar"]
