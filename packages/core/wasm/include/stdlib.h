/* Freestanding stand-in for <stdlib.h>: libsecp256k1's util.h includes it
 * for helpers this module never calls (no allocation, no exit). */
#ifndef MEDVAULT_STDLIB_H
#define MEDVAULT_STDLIB_H
#include <stddef.h>
void *malloc(size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
void abort(void);
#endif
