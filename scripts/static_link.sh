#!/bin/sh
# The CXX_LINKER_LAUNCHER of the chainkg CLI (cli/CMakeLists.txt): runs the
# link command it is given with every shared library that has a static
# archive beside it (Debian's gRPC, protobuf, Abseil, OpenSSL, c-ares, re2,
# zlib, ICU with its data) replaced by that archive, all of them in one
# --start-group/--end-group at the end of the line, and libstdc++ and
# libgcc linked statically too; relative relocations are packed (DT_RELR,
# glibc 2.36) when the linker can. Only libc and libm stay shared.
# Why: the dynamic CLI spends most of its ~11 ms start resolving symbols
# across 59 shared libraries; linked this way it starts in ~4 ms, and every
# planner's script and benchmark calling it pays that once per call.
# (Static ICU and libstdc++ and packed relocations took another 0.4-1 ms
# off each call, up to 15% of a one-key `chainkg get`; the binary grows
# from ~19 MB to ~52 MB, ICU's data. Figures in bench/README.md.)
set -e
archives=""
libdir=""
icu_data=""
for arg do
  shift
  archive=""
  case "$arg" in
    /*/libicu*.so | /*/libicu*.so.[0-9]*)
      if [ -f "${arg%%.so*}.a" ] && [ -f "${arg%/*}/libicudata.a" ]; then
        archive="${arg%%.so*}.a"
        icu_data="${arg%/*}/libicudata.a"
      fi
      ;;
    /*/lib*.so | /*/lib*.so.[0-9]*)
      libdir=${arg%/*}
      if [ -f "${arg%%.so*}.a" ]; then archive="${arg%%.so*}.a"; fi
      ;;
    -lre2)
      if [ -n "$libdir" ] && [ -f "$libdir/libre2.a" ]; then
        archive="$libdir/libre2.a"
      fi
      ;;
  esac
  if [ -n "$archive" ]; then
    archives="$archives $archive"
  else
    set -- "$@" "$arg"
  fi
done
# The archives go last, after every library of ours that needs them.
# Word splitting of $archives is intended: Debian's paths hold no spaces.
if [ -n "$archives" ]; then
  # shellcheck disable=SC2086
  set -- "$@" -Wl,--start-group $archives $icu_data -Wl,--end-group
fi
extra="-static-libstdc++ -static-libgcc"
if "$1" -Wl,--help 2>/dev/null | grep -q pack-relative-relocs; then
  extra="$extra -Wl,-z,pack-relative-relocs"
fi
# shellcheck disable=SC2086
exec "$@" $extra
