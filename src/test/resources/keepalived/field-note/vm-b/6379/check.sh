#!/bin/bash
. /etc/keepalived/6379/redis_include.sh
ALIVE=$($REDISCLI -p $PORT PING)
if [ "$ALIVE" == "PONG" ]; then
  exit 0
else
  echo "$(date) redis on $PORT did not answer PING" >> $LOGFILE
  exit 1
fi
