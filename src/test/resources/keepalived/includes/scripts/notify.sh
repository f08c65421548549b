#!/bin/sh
# notify.sh PORT TYPE NAME STATE PRIORITY (keepalived appends the last four)
case "$4" in
  MASTER) redis-cli -p $1 replicaof no one ;;
  *)      redis-cli -p $1 replicaof 203.0.113.2 $1 ;;
esac
