#!/usr/bin/env bash
# Builds target/redisha_<version>_amd64.deb from the jar and its libraries: a trimmed Java runtime
# (jlink, only the modules jdeps finds in use), the command, the systemd unit, the man page.
# Called by Maven in the package phase:  build-deb.sh <project version> <target dir>
set -euo pipefail
version_maven=$1
target=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:?JAVA_HOME must point at the JDK that builds the package}
# Debian orders 0.1.0~snapshot before 0.1.0, as a snapshot should be.
version=$(printf '%s' "$version_maven" | sed 's/-SNAPSHOT$/~snapshot/; s/-/~/g')
stage="$target/deb/root"
rm -rf "$target/deb"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/redisha" "$stage/lib/systemd/system" \
  "$stage/usr/share/man/man1" "$stage/usr/share/doc/redisha" "$stage/etc/redisha" "$stage/etc/default" \
  "$stage/var/lib/redisha"

# The VM runs the agent (and validate, import, vrrp): the operator's own libraries stay out
# (java-operator-sdk and what only it pulls in); `redisha operator` then says so in one line.
mkdir -p "$stage/usr/lib/redisha/lib"
for jar in "$target"/lib/*.jar; do
  case $(basename "$jar") in
    operator-framework-*|java-diff-utils-*|commons-lang3-*|javapoet-*) ;;
    *) cp "$jar" "$stage/usr/lib/redisha/lib/" ;;
  esac
done
cp "$target/redisha.jar" "$stage/usr/lib/redisha/redisha.jar"
modules=$("$java_home/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
  "$target/redisha.jar" "$stage/usr/lib/redisha/lib"/*.jar 2>/dev/null | tail -1)
# jdeps also lists modules that only optional code paths name; none of them runs in the package's
# commands, and each costs memory in every process (classes, the runtime image): java.desktop
# (Jackson's java.beans annotations and SnakeYAML's bean mapping, which Jackson's YAML parser does
# not use), java.sql (Jackson's handlers for java.sql types), jdk.jfr (lettuce's and netty's flight
# recorder events: lettuce then starts without them, as it does on a runtime without JFR).
modules=$(printf '%s' "$modules" | tr ',' '\n' | grep -v -x -E 'java.desktop|java.sql|jdk.jfr' | paste -sd, -)
runtime="$stage/usr/lib/redisha/runtime"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$runtime"
# The class-data archive for the launcher's settings: with compact object headers the JVM maps only
# classes_coh.jsa (jlink's --generate-cds-archive makes the plain and no-compressed-oops ones,
# which these settings never map, so the agent ran without class sharing). Dumped with the launcher's
# --enable-native-access: a module option that differs from the dump's turns off the archived
# module graph at every start ("optimized module handling" disabled).
"$runtime/bin/java" -XX:+UseSerialGC -XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED \
  -Xshare:dump >/dev/null
test -f "$runtime/lib/server/classes_coh.jsa"

install -m 0755 "$here/redisha" "$stage/usr/bin/redisha"
install -m 0644 "$here/redisha-agent.service" "$stage/lib/systemd/system/redisha-agent.service"
sed "s/@VERSION@/$version/" "$here/redisha.1" | gzip -9n > "$stage/usr/share/man/man1/redisha.1.gz"
install -m 0640 "$here/pair.yaml" "$stage/etc/redisha/pair.yaml"
install -m 0644 "$here/default" "$stage/etc/default/redisha"
printf 'redisha %s\nThe runtime under /usr/lib/redisha/runtime is a jlink image of the JDK (%s).\n' \
  "$version" "$modules" > "$stage/usr/share/doc/redisha/README"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done
printf '/etc/redisha/pair.yaml\n/etc/default/redisha\n' > "$stage/DEBIAN/conffiles"
installed_kib=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: redisha
Version: $version
Architecture: amd64
Maintainer: redisha developers <redisha@example.invalid>
Installed-Size: $installed_kib
Depends: libc6, adduser
Recommends: redis-server
Section: net
Priority: optional
Homepage: https://redisha.io
Description: virtual IPs with fast, safe failover for Redis pairs
 redisha keeps a virtual IP on whichever of two hosts runs the Redis master of a
 group and moves it, with the master role, when a Redis, a host or a link fails.
 The hosts speak unicast VRRP to each other (wire-compatible with keepalived), so
 it works in cloud networks that drop multicast. Ships its own Java runtime.
CONTROL
deb="$target/redisha_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$deb" >/dev/null
echo "redisha: built $deb ($(du -h "$deb" | cut -f1); runtime modules: $modules)"
