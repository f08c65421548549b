# Shared settings of the Redis on port 6389, sourced by the scripts next to it.
REDISCLI=/usr/bin/redis-cli
PORT=6389
PEER=192.0.2.11
LOGFILE=/var/log/keepalived-redis-6389.log
