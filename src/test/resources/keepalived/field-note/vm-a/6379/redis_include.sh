# Shared settings of the Redis on port 6379, sourced by the scripts next to it.
REDISCLI=/usr/bin/redis-cli
PORT=6379
PEER=192.0.2.12
LOGFILE=/var/log/keepalived-redis-6379.log
