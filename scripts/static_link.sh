#!/bin/sh
# The CXX_LINKER_LAUNCHER of the chainkg CLI (cli/CMakeLists.txt): runs the
# link command it is given with every shared library that has a static
# archive beside it (Debian's gRPC, protobuf, Abseil, OpenSSL, c-ares, re2,
# zlib) replaced by that archive, all of them in one
# --start-group/--end-group where the first one was. ICU stays shared.
# Why: the dynamic CLI spends most of its ~11 ms start resolving symbols
# across 59 shared libraries; linked this way it starts in ~4 ms, and every
# planner's script and benchmark calling it pays that once per call.
set -e
archives=""
libdir=""
marked=0
for arg do
  shift
  archive=""
  case "$arg" in
    */libicu*) ;;
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
    if [ "$marked" -eq 0 ]; then
      set -- "$@" "@chainkg-static-archives@"
      marked=1
    fi
  else
    set -- "$@" "$arg"
  fi
done
for arg do
  shift
  if [ "$arg" = "@chainkg-static-archives@" ]; then
    # Word splitting of $archives is intended: Debian's paths hold no spaces.
    # shellcheck disable=SC2086
    set -- "$@" -Wl,--start-group $archives -Wl,--end-group
  else
    set -- "$@" "$arg"
  fi
done
exec "$@"
