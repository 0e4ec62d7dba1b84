# reach-tools: reachctl on the database's own image (REACH_PG_IMAGE, default postgres:15): pg_dump,
# pg_basebackup and the server programs of the same major version as the database, for `reachctl admin
# backup [--base]` and `admin restore [--to-time]` inside the compose network:
#
#   docker-compose -f docker/docker-compose.yml --profile tools run --rm reachctl admin backup --base
#
# A file of its own: the legacy builder (docker-compose 1.29) builds every stage of a Dockerfile, so in
# docker/Dockerfile this stage would be built, and its base pulled, for each service image.
# It runs as root; the scratch server of a point-in-time restore runs as the image's postgres user (setpriv).
# Built from the jar Maven produced (cli/target/reachctl.jar); the build context is the repository root.
ARG REACH_PG_IMAGE=postgres:15
FROM ${REACH_PG_IMAGE}
RUN set -eu; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless; \
    rm -rf /var/lib/apt/lists/*; \
    for tool in java tar setpriv pg_basebackup pg_dump pg_restore postgres; do \
      command -v "$tool" >/dev/null || [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/$tool" ] \
        || { echo "tools image lacks $tool" >&2; exit 1; }; \
    done; \
    mkdir -p /opt/reach /backups
COPY cli/target/reachctl.jar /opt/reach/reachctl.jar
ENV REACH_PG_BIN=/usr/lib/postgresql/${PG_MAJOR}/bin \
    REACH_BACKUP_DIR=/backups
WORKDIR /backups
ENTRYPOINT ["java", "-jar", "/opt/reach/reachctl.jar"]
CMD ["--help"]
