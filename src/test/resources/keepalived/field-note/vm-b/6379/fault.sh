#!/bin/bash
. /etc/keepalived/6379/redis_include.sh
echo "$(date) [fault]" >> $LOGFILE
