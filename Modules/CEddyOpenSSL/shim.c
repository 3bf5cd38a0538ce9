// Everything the TLS layer needs from OpenSSL is declared inline in the header; this file
// gives the C target a translation unit of its own.
#include "CEddyOpenSSL.h"
