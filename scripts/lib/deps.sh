# Installs the Debian packages the project needs, and only those missing.
# Sourced by scripts/test and scripts/demo; call ensure_dependencies.
# Fast when everything is there: one dpkg-query, no apt-get at all.

POETRY_PACKAGES=(
    g++ cmake ninja-build
    libboost1.81-dev libboost-program-options1.81-dev libboost-stacktrace1.81-dev
    libgtest-dev googletest
    doxygen graphviz gnuplot-nox           # docs/: Doxygen, its diagrams, the timelines
    python3                                # the docs tests (HTML check, README runs)
    libbenchmark-dev python3-twisted time  # bench/: micro-benchmarks, Twisted, GNU time
    clang-14 libclang-rt-14-dev            # fuzz/: libFuzzer
)

ensure_dependencies() {
    local missing=() pkg
    for pkg in "${POETRY_PACKAGES[@]}"; do
        if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    echo "Installing missing packages: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}
