# One image for both parts of redisha: `redisha operator` (the Deployment) and `redisha agent`
# (the DaemonSets the operator creates). Build the jar first: ./mvnw -B package -DskipTests
# then: docker build -t redisha/redisha:0.1.0 .   (or ./mvnw -B package -Pimage)
FROM eclipse-temurin:25-jre
COPY target/lib/ /opt/redisha/lib/
COPY target/redisha.jar /opt/redisha/redisha.jar
# The agent opens raw sockets through java.lang.foreign; the operator runs as a non-root user
# (its Deployment sets runAsUser), the agent as root with only NET_ADMIN and NET_RAW.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/opt/redisha/redisha.jar"]
