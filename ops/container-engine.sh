# Shared by ops/build-images and ops/compose-check: which container engine to use.
# shellcheck shell=bash

# Prints docker when a Docker engine answers, else podman when installed; else says what to install.
# (A docker client without a daemon, as on machines that only have the CLI, does not count.)
container_engine() {
  if command -v docker > /dev/null && timeout 10 docker info > /dev/null 2>&1; then
    echo docker
  elif command -v podman > /dev/null; then
    echo podman
  else
    echo "no container engine: neither a Docker engine that answers nor podman (docker/README.md: the Podman recipe)" >&2
    return 1
  fi
}

# Prints the compose command for ENGINE: docker compose, else docker-compose, else podman-compose.
compose_command() {
  if [ "$1" = docker ] && docker compose version > /dev/null 2>&1; then
    echo "docker compose"
  elif [ "$1" = docker ] && command -v docker-compose > /dev/null; then
    echo docker-compose
  elif command -v podman-compose > /dev/null; then
    echo podman-compose
  else
    echo "no compose tool for $1: install the docker compose plugin or podman-compose" >&2
    return 1
  fi
}
