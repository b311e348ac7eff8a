# The reference clinic as an image, one per release: "update = swap the image".
#   ./mvnw -q -DskipTests package
#   docker build --build-arg RELEASE=1.4.0 -t cordon/reference-clinic:1.4.0 .
#   docker build --build-arg RELEASE=2.0.0 -t cordon/reference-clinic:2.0.0 .
# Where no registry is reachable, build on a local JRE 17 image (ci/images/build-offline-images.sh):
#   docker build --build-arg BASE_IMAGE=cordon-offline/jre17:bookworm --build-arg RELEASE=2.0.0 ...
# Configuration is the clinic's own environment variables (docs/reference-clinic.md): CLINIC_DB_URL,
# CLINIC_DB_USER, CLINIC_DB_PASSWORD, CLINIC_PORT, CLINIC_BIND, CLINIC_FAULTS, CLINIC_OPERATOR_SECRET, ...
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
LABEL dev.cordon.image="reference-clinic"
# The dependencies change less often than the clinic: their layer is reused across rebuilds and releases.
COPY target/lib/ /opt/clinic/lib/
COPY target/reference-clinic.jar /opt/clinic/reference-clinic.jar
# Last, so both releases share every layer above.
ARG RELEASE=2.0.0
LABEL dev.cordon.release="${RELEASE}"
ENV CLINIC_RELEASE="${RELEASE}" \
    CLINIC_BIND=0.0.0.0 \
    CLINIC_PORT=8080 \
    CLINIC_ACCESS_LOG=stdout
EXPOSE 8080
# nobody: the clinic writes nothing to its filesystem when its database is PostgreSQL.
USER 65534:65534
WORKDIR /tmp
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/clinic/reference-clinic.jar"]
