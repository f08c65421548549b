#!/bin/bash
. /etc/keepalived/6389/redis_include.sh
echo "$(date) [fault]" >> $LOGFILE
