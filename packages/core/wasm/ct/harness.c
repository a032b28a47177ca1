/*
 * Constant-time evidence for the secp256k1 WebAssembly module
 * (scripts/ct-check.mjs builds and runs this under valgrind).
 *
 * The shipped module is translated to C by wasm2c and linked with this
 * harness. Every secret input — the scalar of mv_mul_secret, the scalars of
 * mv_mul_secret_sum, the point mv_normalize brings to affine form, the key
 * and the entropy of mv_ecdsa_sign — is
 * marked undefined with VALGRIND_MAKE_MEM_UNDEFINED before the call, so
 * memcheck reports each branch ("Conditional jump or move depends on
 * uninitialised value") and each memory address ("Use of uninitialised
 * value") computed from it. Outputs are marked defined again before the
 * harness looks at them.
 */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "secp256k1.h"

static Z_secp256k1_instance_t module;

static unsigned char *memory(void) { return Z_secp256k1Z_memory(&module)->data; }

/* G and 2G, affine. */
static const unsigned char GX[32] = {
    0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
    0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98};
static const unsigned char GY[32] = {
    0x48, 0x3a, 0xda, 0x77, 0x26, 0xa3, 0xc4, 0x65, 0x5d, 0xa4, 0xfb, 0xfc, 0x0e, 0x11, 0x08, 0xa8,
    0xfd, 0x17, 0xb4, 0x48, 0xa6, 0x85, 0x54, 0x19, 0x9c, 0x47, 0xd0, 0x8f, 0xfb, 0x10, 0xd4, 0xb8};
static const unsigned char G2X[32] = {
    0xc6, 0x04, 0x7f, 0x94, 0x41, 0xed, 0x7d, 0x6d, 0x30, 0x45, 0x40, 0x6e, 0x95, 0xc0, 0x7c, 0xd8,
    0x5c, 0x77, 0x8e, 0x4b, 0x8c, 0xef, 0x3c, 0xa7, 0xab, 0xac, 0x09, 0xb9, 0x5c, 0x70, 0x9e, 0xe5};
static const unsigned char G2Y[32] = {
    0x1a, 0xe1, 0x68, 0xfe, 0xa6, 0x3d, 0xc3, 0x39, 0xa3, 0xc5, 0x84, 0x19, 0x46, 0x6c, 0xea, 0xee,
    0xf7, 0xf6, 0x32, 0x65, 0x32, 0x66, 0xd0, 0xe1, 0x23, 0x64, 0x31, 0xa9, 0x50, 0xcf, 0xe5, 0x2a};

/* Scalars of different shapes: small, large, n − 1, high bit set, random-looking. */
static const unsigned char SCALARS[][32] = {
    {[31] = 1},
    {[31] = 2},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
     0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x40},
    {0x80, [31] = 0x01},
    {0x4d, 0x65, 0x64, 0x56, 0x61, 0x75, 0x6c, 0x74, 0x20, 0x73, 0x65, 0x6c, 0x66, 0x2d, 0x74, 0x65,
     0x73, 0x74, 0x20, 0x31, 0x2c, 0x20, 0x61, 0x20, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x21, 0x21},
    {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
     0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0},
};
#define N_SCALARS (sizeof(SCALARS) / sizeof(SCALARS[0]))

static void put_point(unsigned char *at, const unsigned char *x, const unsigned char *y) {
    memcpy(at, x, 32);
    memcpy(at + 32, y, 32);
    memset(at + 64, 0, 32);
    at[95] = 1;
}

static unsigned checksum;

/* Marks the result defined (so the harness may read it) and folds it in. */
static void take(unsigned ok, unsigned io) {
    VALGRIND_MAKE_MEM_DEFINED(&ok, sizeof ok);
    VALGRIND_MAKE_MEM_DEFINED(memory() + io, 64);
    checksum = checksum * 31 + ok;
    for (int i = 0; i < 64; i++) checksum = checksum * 31 + memory()[io + i];
}

int main(void) {
    unsigned io, heap, ok;
    size_t i, j;
    wasm_rt_init();
    Z_secp256k1_init_module();
    Z_secp256k1_instantiate(&module);
    io = Z_secp256k1Z_mv_io(&module);

    /* k·P for secret k (mv_mul_secret). */
    for (i = 0; i < N_SCALARS; i++) {
        memcpy(memory() + io, SCALARS[i], 32);
        put_point(memory() + io + 32, i % 2 ? G2X : GX, i % 2 ? G2Y : GY);
        VALGRIND_MAKE_MEM_UNDEFINED(memory() + io, 32);
        ok = Z_secp256k1Z_mv_mul_secret(&module);
        take(ok, io);
    }

    /* Σ kᵢ·Pᵢ for secret kᵢ (mv_mul_secret_sum). */
    heap = Z_secp256k1Z_mv_reserve(&module, 3 * 128);
    for (j = 0; j < 3; j++) {
        memcpy(memory() + heap + j * 128, SCALARS[(j + 3) % N_SCALARS], 32);
        put_point(memory() + heap + j * 128 + 32, j % 2 ? G2X : GX, j % 2 ? G2Y : GY);
        VALGRIND_MAKE_MEM_UNDEFINED(memory() + heap + j * 128, 32);
    }
    ok = Z_secp256k1Z_mv_mul_secret_sum(&module, 3);
    take(ok, io);

    /* A secret point brought to affine form (mv_normalize). */
    memcpy(memory() + io, GX, 32);
    memcpy(memory() + io + 32, GY, 32);
    memcpy(memory() + io + 64, SCALARS[4], 32);
    VALGRIND_MAKE_MEM_UNDEFINED(memory() + io, 96);
    ok = Z_secp256k1Z_mv_normalize(&module);
    take(ok, io);

    /* An ECDSA signature under a secret key, with secret entropy (mv_ecdsa_sign). */
    for (i = 0; i < N_SCALARS; i++) {
        memcpy(memory() + io, SCALARS[i], 32);
        memcpy(memory() + io + 32, GX, 32); /* the digest: public */
        memcpy(memory() + io + 64, SCALARS[(i + 1) % N_SCALARS], 32);
        VALGRIND_MAKE_MEM_UNDEFINED(memory() + io, 32);
        VALGRIND_MAKE_MEM_UNDEFINED(memory() + io + 64, 32);
        ok = Z_secp256k1Z_mv_ecdsa_sign(&module);
        take(ok, io);
    }

    printf("calls: %zu, checksum: %08x\n", 2 * N_SCALARS + 2, checksum);
    Z_secp256k1_free(&module);
    wasm_rt_free();
    return 0;
}
