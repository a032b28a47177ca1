/* Freestanding stand-in for <string.h>: medvault-secp256k1.c defines these three. */
#ifndef MEDVAULT_STRING_H
#define MEDVAULT_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
