#ifndef CSYSTEMZLIB_H
#define CSYSTEMZLIB_H

#include <zlib.h>

/* deflateInit2 and inflateInit2 are macros, which Swift cannot call; these wrappers can be. */

static inline int csystemzlib_deflateInit2(z_streamp stream, int level, int windowBits) {
  return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

static inline int csystemzlib_inflateInit2(z_streamp stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}

#endif
