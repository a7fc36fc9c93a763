#!/usr/bin/env bash
# Executes the Java notebooks in notebooks/ headless, as CI does (.ci/run):
#
#   notebooks/run-notebooks.sh [notebooks/NAME.ipynb]...     (default: every notebook)
#
# 1. installs Jupyter's nbconvert and client and a font for the charts (Debian packages) when they are missing;
# 2. builds the project (mvn package) when the launcher's build is missing or older than the sources;
# 3. fetches the Java kernel, rapaio-jupyter-kernel, from Maven Central and writes its kernelspec
#    "spark-encoders-java" under target/notebooks/jupyter: the kernel runs on a JDK 21+ with the project's classes
#    and dependencies (Spark included) on its class path;
# 4. executes each notebook into target/notebooks/executed/, failing when a cell fails, and checks that each
#    executed copy shows at least one image/png chart and that the committed copy holds no outputs.
#
# Environment: NOTEBOOKS_JAVA, a java executable of JDK 21 or newer for the kernel (default: the newest found in
# JAVA_HOME, on the PATH or under /usr/lib/jvm); NOTEBOOKS_HEAP (default 4g), the kernel's heap.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kernel_version=3.0.1
kernel_name=spark-encoders-java
work="$root/target/notebooks"
export JUPYTER_PATH="$work/jupyter"

fail() {
  echo "run-notebooks: $*" >&2
  exit 1
}

install_jupyter() {
  local packages=(jupyter-nbconvert jupyter-client fontconfig fonts-dejavu-core)
  if jupyter nbconvert --version >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null)" ]; then
    return
  fi
  local apt=(apt-get)
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "Cannot install ${packages[*]}: not root and no sudo (install them first)"
    apt=(sudo -n apt-get)
  fi
  command -v apt-get >/dev/null || fail "Cannot install ${packages[*]}: no apt-get (install them first)"
  echo "run-notebooks: installing ${packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
}

# Sets java and java_version: NOTEBOOKS_JAVA, else the newest java of version 21 or later found, else fails.
find_java() {
  local candidate version
  java="" java_version=0
  for candidate in "${NOTEBOOKS_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
      /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    version="$("$candidate" -XshowSettings:properties -version 2>&1 \
      | awk -F' = ' '/java.specification.version/ {print $2}')"
    version="${version%%.*}"
    if [ -n "${NOTEBOOKS_JAVA:-}" ]; then
      [ "${version:-0}" -ge 21 ] \
        || fail "Cannot use NOTEBOOKS_JAVA=$NOTEBOOKS_JAVA: it is Java ${version:-?}, the kernel needs 21 or newer"
      java="$candidate" java_version="$version"
      return
    fi
    if [ "${version:-0}" -ge 21 ] && [ "$version" -gt "$java_version" ]; then
      java="$(readlink -f "$candidate")" java_version="$version"
    fi
  done
  [ -n "$java" ] || fail "Cannot start the Java kernel: no JDK 21 or newer found in NOTEBOOKS_JAVA, JAVA_HOME, the PATH or /usr/lib/jvm (install one, or set NOTEBOOKS_JAVA)"
}

# JVM options that let Spark 4.1's Hadoop 3.4 read and write files on this JDK: Subject.getSubject, which Hadoop
# calls for the current user, needs java.security.manager=allow on JDK 23 and is gone from JDK 24 on, where
# kernel/HadoopSubjectAgent.java (built here) rewrites Hadoop's calls to Subject.current().
hadoop_options() {
  if [ "$java_version" -ge 24 ]; then
    local jdk agent="$work/kernel/hadoop-subject-agent.jar"
    jdk="$(dirname "$java")"
    if [ ! -f "$agent" ] || [ notebooks/kernel/HadoopSubjectAgent.java -nt "$agent" ]; then
      rm -rf "$work/kernel/agent-classes"
      "$jdk/javac" -d "$work/kernel/agent-classes" notebooks/kernel/HadoopSubjectAgent.java
      printf 'Premain-Class: HadoopSubjectAgent\n' >"$work/kernel/agent-manifest.txt"
      "$jdk/jar" --create --file "$agent" --manifest "$work/kernel/agent-manifest.txt" -C "$work/kernel/agent-classes" .
    fi
    echo "-javaagent:$agent"
  elif [ "$java_version" -ge 23 ]; then
    echo "-Djava.security.manager=allow"
  fi
}

build_project() {
  local jar=jobs/target/spark-encoders-jobs.jar
  if [ ! -f "$jar" ] || [ ! -f jobs/target/launcher/classpath.txt ] || [ ! -f jobs/target/launcher/jvm-options.txt ] \
      || [ -n "$(find pom.xml udfs/pom.xml jobs/pom.xml udfs/src/main jobs/src/main jobs/src/launcher -newer "$jar" \
        -type f -print -quit)" ]; then
    echo "run-notebooks: building the project (mvn package)" >&2
    mvn -B -q -DskipTests package >&2
  fi
}

write_kernelspec() {
  local jar="$work/kernel/rapaio-jupyter-kernel-$kernel_version.jar" jvm_options
  if [ ! -f "$jar" ]; then
    mvn -B -q -N dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" \
      -DoutputDirectory="$work/kernel" >&2
  fi
  # The kernel reads java.util.logging's configuration from the resource logging.properties, its own (every logger at
  # FINEST) unless a folder ahead of its jar holds one. At FINEST, Spark's JUL-to-SLF4J bridge formats Janino's
  # trace messages, which throws inside Janino and turns off Spark's code generation.
  mkdir -p "$work/kernel/conf" "$JUPYTER_PATH/kernels/$kernel_name"
  printf '%s\n' 'handlers = java.util.logging.ConsoleHandler' '.level = INFO' \
    'java.util.logging.ConsoleHandler.level = WARNING' >"$work/kernel/conf/logging.properties"
  jvm_options="$(cat jobs/target/launcher/jvm-options.txt) $(hadoop_options)"
  KERNEL_JAVA="$java" KERNEL_CLASS_PATH="$work/kernel/conf:$jar" HEAP="${NOTEBOOKS_HEAP:-4g}" \
    CLASS_PATH="$root/jobs/target/spark-encoders-jobs.jar:$(cat jobs/target/launcher/classpath.txt)" \
    JVM_OPTIONS="$jvm_options" LOG_CONFIG="$root/conf/log4j2.properties" \
    python3 - >"$JUPYTER_PATH/kernels/$kernel_name/kernel.json" <<'EOF'
import json, os
argv = [os.environ["KERNEL_JAVA"], "-Xmx" + os.environ["HEAP"], *os.environ["JVM_OPTIONS"].split(),
        "-Dai.djl.offline=true", "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + os.environ["LOG_CONFIG"],
        "-cp", os.environ["KERNEL_CLASS_PATH"], "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"]
env = {"RJK_CLASSPATH": ";".join(os.environ["CLASS_PATH"].split(":")), "RJK_TIMEOUT_MILLIS": "-1",
       "SPARK_LOCAL_IP": "127.0.0.1", "DJL_OFFLINE": "true"}
print(json.dumps({"argv": argv, "display_name": "Java (spark-encoders)", "language": "java",
                  "interrupt_mode": "message", "env": env}, indent=1))
EOF
}

# Checks the committed notebook (no outputs) and its executed copy (at least one image/png output).
check_outputs() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
committed, executed = (json.load(open(path)) for path in sys.argv[1:3])
code = [c for c in committed["cells"] if c["cell_type"] == "code"]
if any(c.get("outputs") or c.get("execution_count") for c in code):
    sys.exit(f"run-notebooks: {sys.argv[1]} is committed with outputs (clear them: executed copies go to target/)")
charts = sum("image/png" in o.get("data", {}) for c in executed["cells"] for o in c.get("outputs", []))
if charts == 0:
    sys.exit(f"run-notebooks: {sys.argv[2]} shows no image/png chart")
print(f"{charts} chart(s)", end="")
EOF
}

install_jupyter
find_java
build_project
write_kernelspec

notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)
mkdir -p "$work/executed"
total_start=$SECONDS
for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook")"
  start=$SECONDS
  log="$work/executed/${name%.ipynb}.log"
  if ! PYTHONPATH="$root/notebooks/kernel${PYTHONPATH:+:$PYTHONPATH}" jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name="$kernel_name" \
      --ExecutePreprocessor.kernel_manager_class=listening_kernel_manager.ListeningKernelManager \
      --ExecutePreprocessor.startup_timeout=120 --ExecutePreprocessor.timeout=1800 \
      --output-dir "$work/executed" "$notebook" >"$log" 2>&1; then
    grep -v -e '^Parsing classpath: ' -e '^Add .* to classpath$' "$log" | tail -n 60 >&2
    fail "Cannot execute $notebook: a cell failed or the kernel did not start (above: the end of $log)"
  fi
  echo "run-notebooks: $name: $(check_outputs "$notebook" "$work/executed/$name"), $((SECONDS - start)) s"
done
echo "run-notebooks: ${#notebooks[@]} notebook(s) in $((SECONDS - total_start)) s (kernel: $java)"
