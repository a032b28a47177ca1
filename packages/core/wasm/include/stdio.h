/* Freestanding stand-in for <stdio.h>: libsecp256k1 prints only from test
 * macros and default callbacks this module never uses. */
#ifndef MEDVAULT_STDIO_H
#define MEDVAULT_STDIO_H
typedef struct medvault_file FILE;
extern FILE *stderr;
int fprintf(FILE *stream, const char *format, ...);
#endif
