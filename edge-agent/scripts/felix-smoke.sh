#!/usr/bin/env bash
# Resolves and starts the agent and the embedded broker in a bare Felix 7.0.5 with exactly the
# bundles listed below (what a runtime image must add for them), and checks that the agent
# connects to the embedded broker. Needs port 1883 free on loopback.
#
#   edge-agent/scripts/felix-smoke.sh            # MVN_FLAGS=-o to stay offline
set -euo pipefail
edge=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$edge/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bundles=(
  # the runtime services the agent uses
  org.apache.felix:org.apache.felix.scr:2.2.18
  org.osgi:org.osgi.service.component:1.5.1
  org.osgi:org.osgi.util.function:1.2.0
  org.osgi:org.osgi.util.promise:1.3.0
  org.apache.felix:org.apache.felix.configadmin:1.9.26
  org.apache.felix:org.apache.felix.eventadmin:1.6.4
  org.apache.felix:org.apache.felix.metatype:1.2.4
  org.apache.felix:org.apache.felix.log:1.3.0
  org.osgi:org.osgi.service.log:1.5.0
  com.google.code.gson:gson:2.13.2
  # the agent
  org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5
  com.github.oshi:oshi-core:6.9.1
  net.java.dev.jna:jna:5.18.1
  net.java.dev.jna:jna-platform:5.18.1
  org.slf4j:slf4j-api:2.0.16
  org.slf4j:slf4j-simple:2.0.16
  org.apache.aries.spifly:org.apache.aries.spifly.dynamic.framework.extension:1.3.7
  # the embedded broker
  io.netty:netty-common:4.1.93.Final
  io.netty:netty-buffer:4.1.93.Final
  io.netty:netty-transport:4.1.93.Final
  io.netty:netty-resolver:4.1.93.Final
  io.netty:netty-handler:4.1.93.Final
  io.netty:netty-codec:4.1.93.Final
  io.netty:netty-codec-mqtt:4.1.93.Final
  io.netty:netty-transport-native-unix-common:4.1.93.Final
  com.h2database:h2-mvstore:2.1.212
)

(cd "$repo" && mvn -B -q ${MVN_FLAGS:-} install -pl edge-agent/broker,edge-agent/agent -am -DskipTests >/dev/null)
for coordinates in "${bundles[@]}"; do
  mvn -B -q ${MVN_FLAGS:-} dependency:copy -Dartifact="$coordinates" -DoutputDirectory="$work/bundles" >/dev/null
done
mvn -B -q ${MVN_FLAGS:-} dependency:copy -Dartifact=org.apache.felix:org.apache.felix.framework:7.0.5 \
  -DoutputDirectory="$work" >/dev/null
cp "$repo"/api/target/neurite-api-*.jar "$edge"/agent/target/neurite-edge-agent-*.jar \
  "$edge"/broker/target/neurite-edge-broker-*.jar "$work/bundles/"
rm -f "$work"/bundles/*-sources.jar "$work"/bundles/*-tests.jar

cd "$work"
java -Dneurite.home="$work" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$work/org.apache.felix.framework-7.0.5.jar" "$edge/scripts/FelixSmoke.java" "$work/bundles"
