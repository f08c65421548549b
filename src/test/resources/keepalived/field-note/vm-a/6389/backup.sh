#!/bin/bash
. /etc/keepalived/6389/redis_include.sh
echo "$(date) [backup] REPLICAOF $PEER $PORT" >> $LOGFILE
sleep 15
$REDISCLI -p $PORT REPLICAOF $PEER $PORT >> $LOGFILE 2>&1
