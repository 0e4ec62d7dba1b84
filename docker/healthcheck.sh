#!/bin/bash
# Docker HEALTHCHECK of every Reach image: GET /health/ready on this container's own HTTP port
# (REACH_HTTP_PORT); healthy only on a 200. Plain bash (/dev/tcp), so the image needs no curl.
port=${REACH_HTTP_PORT:?REACH_HTTP_PORT is not set}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || { echo "no answer on port $port"; exit 1; }
status=${status%$'\r'}
echo "$status"
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
esac
exit 1
