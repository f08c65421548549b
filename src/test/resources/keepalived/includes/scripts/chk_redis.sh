#!/bin/sh
for port in 7000 7001; do redis-cli -p $port ping | grep -q PONG || exit 1; done
