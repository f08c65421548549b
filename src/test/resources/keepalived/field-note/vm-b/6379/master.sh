#!/bin/bash
. /etc/keepalived/6379/redis_include.sh
echo "$(date) [master] sync from $PEER, then REPLICAOF NO ONE" >> $LOGFILE
$REDISCLI -p $PORT REPLICAOF $PEER $PORT >> $LOGFILE 2>&1
sleep 10
$REDISCLI -p $PORT REPLICAOF NO ONE >> $LOGFILE 2>&1
