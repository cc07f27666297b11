# The secured variant of ops/run-local (--secure), sourced by it: the broker with SASL_SSL
# (SCRAM-SHA-512), TLS and an authorizer that denies what no ACL allows, one SCRAM user per
# principal (admin, scorer, trainer, producer) with passwords generated on the first start, the
# least-privilege ACLs (ops/kafka-acls), and a client config file per principal in
# $state/clients/ (mode 600) that each process is given: the streams app as scorer (kafka.* keys),
# topic creation as admin, the trainer, console and releases as trainer, the demo producer and
# ops/produce / ops/feedback as producer, ops/tail as trainer (its console ACLs read the labels).
# shellcheck shell=bash

# The stack's processes connect with its own client configs, never the caller's.
unset MODSTREAM_CLIENT_CONFIG

# The client options of each principal, empty on a plaintext stack.
as_admin=() as_trainer=() as_producer=() as_reader=()

# Sets kafka_args, the local-kafka arguments for the broker: DATA_DIR PORT, or the secured
# broker's, whose data lives apart from the plaintext one's (its users are made when its directory
# is formatted). Usage: broker_args STATE PORT SECURE
broker_args() {
  local state="$1" port="$2" secure="$3"
  if [ "$secure" = 1 ]; then
    kafka_args=(--secure "$state/clients" "$state/kafka-secure" "$port")
  else
    kafka_args=("$state/kafka" "$port")
  fi
}

# After the secured broker is up: sets the principals' client options, records in the stack file
# which client config each kind of tool follows the stack with, and says where the files are.
# Usage: secure_stack_ready STATE STACK_FILE
secure_stack_ready() {
  local state="$1" stack_file="$2" clients="$1/clients"
  for who in admin scorer trainer producer; do
    [ -f "$clients/$who.properties" ] || { echo "run-local: the secured broker wrote no $clients/$who.properties; see $state/kafka.out" >&2; exit 1; }
  done
  as_admin=(--client-config "$clients/admin.properties")
  as_trainer=(--client-config "$clients/trainer.properties")
  as_producer=(--client-config "$clients/producer.properties")
  as_reader=(--client-config "$clients/trainer.properties")
  {
    echo "# secured: SASL_SSL, SCRAM-SHA-512; the tools connect with these client configs"
    echo "client.config.produce=$clients/producer.properties"
    echo "client.config.read=$clients/trainer.properties"
    echo "client.config.admin=$clients/admin.properties"
  } >> "$stack_file"
  echo "==> secured broker (SASL_SSL, SCRAM-SHA-512, ACLs); client configs of admin, scorer, trainer, producer in $clients/ (mode 600)" >&2
}

# Appends the scorer's client settings to the streams app's properties as kafka.* keys (the file
# then holds its password: owner-only).
# Usage: secure_streams_config STATE CONFIG
secure_streams_config() {
  local state="$1" config="$2"
  chmod 600 "$config"
  grep -v '^#' "$state/clients/scorer.properties" | sed -n 's/^\([^=]*\)=/kafka.\1=/p' >> "$config"
}
