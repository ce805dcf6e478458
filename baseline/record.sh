#!/usr/bin/env bash
# Records the group-author API as built now (kapi-api and kapi-machinery from their target/ folders)
# as the released baseline VERSION in this folder, a Maven repository the build's baseline check
# reads (see the kapi.api.baseline property of the root pom). Run at a release, after `mvn install`:
#   baseline/record.sh 0.2.0   and then set <kapi.api.baseline>0.2.0</kapi.api.baseline>
set -euo pipefail
version=${1:?usage: baseline/record.sh VERSION}
cd "$(dirname "$0")/.."
for module in kapi-api kapi-machinery; do
  jar=$(ls bundles/$module/target/$module-*.jar | grep -v -e sources -e javadoc | head -1)
  dir=baseline/io/kapi/$module/$version
  mkdir -p "$dir"
  cp "$jar" "$dir/$module-$version.jar"
  cat > "$dir/$module-$version.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.kapi</groupId>
  <artifactId>$module</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <description>The group-author API as released in $version: the reference of the build's baseline check.</description>
</project>
POM
  for f in "$dir/$module-$version.jar" "$dir/$module-$version.pom"; do
    sha1sum "$f" | cut -d' ' -f1 > "$f.sha1"   # what Maven checks a download against
  done
  echo "recorded $jar as io.kapi:$module:$version"
done
