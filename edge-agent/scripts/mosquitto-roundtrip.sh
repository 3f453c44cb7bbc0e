#!/usr/bin/env bash
# End-to-end check with stock Mosquitto tools: starts Mosquitto on a free loopback port and a
# demo device (the agent core with the real job engine and the softmax-regression algorithm),
# then starts a training job with mosquitto_pub and waits, with mosquitto_sub, for the reply,
# progress and completion. Exits 0 on success. Needs mosquitto and mosquitto-clients.
#
#   edge-agent/scripts/mosquitto-roundtrip.sh            # builds what it needs first
#   MVN_FLAGS=-o edge-agent/scripts/mosquitto-roundtrip.sh
set -euo pipefail

edge=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$edge/.." && pwd)
mosquitto=${MOSQUITTO:-/usr/sbin/mosquitto}
device=gw-script
for tool in "$mosquitto" mosquitto_pub mosquitto_sub java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool (apt-get install mosquitto mosquitto-clients)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Free port: let the kernel pick one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)

echo "building the agent and its test classes"
(cd "$repo" && mvn -B -q ${MVN_FLAGS:-} install -pl edge-agent/agent -am -DskipTests >/dev/null)
(cd "$edge/agent" && mvn -B -q ${MVN_FLAGS:-} test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" >/dev/null)

printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)

java -cp "$edge/agent/target/classes:$edge/agent/target/test-classes:$(cat "$work/classpath")" \
  dev.neurite.edge.core.DemoDevice "tcp://127.0.0.1:$port" "$device" "$work/home" > "$work/device.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q "connected" "$work/device.log" && break
  sleep 0.1
done
grep -q "connected" "$work/device.log" || { echo "device did not connect:"; cat "$work/device.log"; exit 1; }

root="neurite/v1/$device"
mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -v -t "$root/reply/#" -t "$root/events" -t "$root/jobs/#" \
  > "$work/messages" 2>&1 &
pids+=($!)
sleep 0.5

mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$root/cmd/jobs/start" -m \
  '{"id":"script-1","args":{"algorithm":"softmax-regression","dataset":"blobs/train","testDataset":"blobs/test","hyperparameters":{"epochs":3}}}'

ok=0
for _ in $(seq 1 1200); do
  if grep -q '"state":"SUCCEEDED"' "$work/messages"; then ok=1; break; fi
  if grep -q '"state":"FAILED"' "$work/messages"; then break; fi
  sleep 0.1
done

reply=$(grep "^$root/reply/script-1 " "$work/messages" | head -1 || true)
progress=$(grep -c "^$root/jobs/.*/progress " "$work/messages" || true)
echo "reply:    ${reply:0:160}"
echo "progress: $progress messages"
grep '"type":"job.state"' "$work/messages" | sed 's/^/event:    /' | cut -c1-200
if [ "$ok" = 1 ] && [[ "$reply" == *'"status":200'* ]] && [ "$progress" -ge 1 ]; then
  echo "mosquitto round trip: OK"
else
  echo "mosquitto round trip: FAILED"; echo "--- device log"; tail -20 "$work/device.log"; exit 1
fi
