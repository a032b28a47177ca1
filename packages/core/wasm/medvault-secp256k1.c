/*
 * MedVault's WebAssembly interface to libsecp256k1 (packages/core/wasm).
 *
 * Compiled together with libsecp256k1's sources (from the `secp256k1` npm
 * package, MIT, see LICENSE-libsecp256k1) into one freestanding wasm32
 * module by scripts/build-wasm.mjs. JavaScript and this module talk through
 * linear memory: small calls read and write the 256-byte `io` area; a
 * multi-scalar multiplication reads its terms from the heap area returned by
 * `mv_reserve`.
 *
 * Formats, all big-endian:
 *   scalar  32 bytes
 *   point   96 bytes X ‖ Y ‖ Z in homogeneous projective coordinates
 *           (x = X/Z, y = Y/Z: how @noble/curves keeps points); Z = 1 for
 *           affine points. Never the identity.
 *   result  64 bytes x ‖ y, affine, normalized.
 *
 * Constant-time policy (docs/spec/pre.md §12): `mv_mul_secret`,
 * `mv_mul_secret_sum` and `mv_ecdsa_sign` treat their scalars (and
 * `mv_normalize` its point) as secret: libsecp256k1's
 * `secp256k1_ecmult_const`, constant-time inversion and normalization, and
 * no branch or memory address that depends on a scalar or on the result.
 * Every other function handles public data only and uses variable-time code.
 */
#include "include/secp256k1.h"
#include "util.h"
#include "num_impl.h"
#include "field_impl.h"
#include "scalar_impl.h"
#include "group_impl.h"
#include "ecmult_impl.h"

/*
 * At this version libsecp256k1's ecmult_const doubles with
 * secp256k1_gej_double_nonzero, which calls secp256k1_gej_double_var and so
 * branches on the point's infinity flag — a flag computed from the secret
 * scalar (upstream made the doubling branch-free in 2020). The flag is 0
 * unless a partial sum of the ladder is the identity, which a scalar in
 * [1, n−1] reaches with negligible probability; still, no branch may
 * depend on it. So ecmult_const's doublings are routed through this
 * function: the same formula, run with the flag cleared, and the flag
 * carried over to the result. A doubled identity stays flagged, and the
 * next complete addition (secp256k1_gej_add_ge) replaces it by its other
 * operand with a conditional move, as for any identity.
 */
static void ct_gej_double(secp256k1_gej *r, const secp256k1_gej *a, secp256k1_fe *rzr) {
    secp256k1_gej t = *a;
    int infinity = a->infinity;
    t.infinity = 0;
    secp256k1_gej_double_var(r, &t, rzr);
    r->infinity = infinity;
}
#define secp256k1_gej_double_nonzero ct_gej_double
#include "ecmult_const_impl.h"
#undef secp256k1_gej_double_nonzero
#include "hash_impl.h"        /* RFC 6979's HMAC-DRBG for mv_ecdsa_sign */
#include "ecmult_gen_impl.h"  /* unused; ecdsa_impl.h declares what it defines */
#include "ecdsa_impl.h"
#include "scratch_impl.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* The freestanding module has no libc: the compiler emits calls to these for
 * struct copies and clears. */
void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y) return *x - *y;
    }
    return 0;
}

/* libsecp256k1 calls this only for a misuse (a bad scratch space): trap, and
 * the JavaScript side treats the module as failed. */
static void trap_callback(const char *text, void *data) {
    (void)text;
    (void)data;
    __builtin_trap();
}
static const secp256k1_callback trap = { trap_callback, NULL };

#define IO_SIZE 256
static unsigned char io[IO_SIZE] __attribute__((aligned(16)));

/** The address of the io area. */
EXPORT(mv_io) unsigned char *mv_io(void) { return io; }

/* ---- the heap: one growable area after the module's data and stack ---- */

extern unsigned char __heap_base;
#define PAGE 65536u

/** Makes `bytes` bytes available at the heap's start and returns that address. */
EXPORT(mv_reserve) unsigned char *mv_reserve(size_t bytes) {
    size_t base = ((size_t)&__heap_base + 15u) & ~(size_t)15u;
    size_t need = base + bytes;
    size_t have = __builtin_wasm_memory_size(0) * PAGE;
    if (need > have) {
        size_t pages = (need - have + PAGE - 1) / PAGE;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return NULL;
    }
    return (unsigned char *)base;
}

/* ---- the table of G for variable-time work, built on first use ---- */

#define ECMULT_TABLE_BYTES \
    (2 * ROUND_TO_ALIGN(sizeof(secp256k1_ge_storage) * ECMULT_TABLE_SIZE(WINDOW_G)))
static unsigned char ecmult_memory[ECMULT_TABLE_BYTES] __attribute__((aligned(16)));
static secp256k1_ecmult_context ecmult_ctx;
static int ecmult_ready;

static const secp256k1_ecmult_context *ecmult_context(void) {
    if (!ecmult_ready) {
        void *prealloc = ecmult_memory;
        secp256k1_ecmult_context_init(&ecmult_ctx);
        secp256k1_ecmult_context_build(&ecmult_ctx, &prealloc);
        ecmult_ready = 1;
    }
    return &ecmult_ctx;
}

/* ---- points in and out ---- */

/* Reads a public point (X, Y, Z); 0 for Z = 0, a coordinate ≥ p or a point
 * off the curve. */
static int read_point(secp256k1_ge *r, const unsigned char *in) {
    static const secp256k1_fe one = SECP256K1_FE_CONST(0, 0, 0, 0, 0, 0, 0, 1);
    secp256k1_fe x, y, z, zi, zi_y;
    if (!secp256k1_fe_set_b32(&x, in) || !secp256k1_fe_set_b32(&y, in + 32) ||
        !secp256k1_fe_set_b32(&z, in + 64) || secp256k1_fe_is_zero(&z)) {
        return 0;
    }
    if (!secp256k1_fe_equal_var(&z, &one)) {
        secp256k1_fe_inv_var(&zi, &z);
        secp256k1_fe_mul(&x, &x, &zi);
        zi_y = y;
        secp256k1_fe_mul(&y, &zi_y, &zi);
    }
    secp256k1_fe_normalize_var(&x);
    secp256k1_fe_normalize_var(&y);
    secp256k1_ge_set_xy(r, &x, &y);
    return secp256k1_ge_is_valid_var(r);
}

/* Loads 32 big-endian bytes that may be secret as a field element, without
 * a branch (secp256k1_fe_set_b32 branches on its range check): through the
 * storage form, whose eight 32-bit words are little-endian in order. */
static void load_secret_fe(secp256k1_fe *r, const unsigned char *in) {
    secp256k1_fe_storage s;
    int i;
    for (i = 0; i < 8; i++) {
        const unsigned char *w = in + 28 - 4 * i;
        s.n[i] = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 | (uint32_t)w[2] << 8 | w[3];
    }
    secp256k1_fe_from_storage(r, &s);
}

/* Writes x ‖ y of a point that may be secret: constant-time normalization. */
static void write_point_secret(unsigned char *out, secp256k1_ge *p) {
    secp256k1_fe_normalize(&p->x);
    secp256k1_fe_normalize(&p->y);
    secp256k1_fe_get_b32(out, &p->x);
    secp256k1_fe_get_b32(out + 32, &p->y);
}

/* Writes x ‖ y of a public point in Jacobian coordinates; 0 for the identity. */
static int write_point_public(unsigned char *out, secp256k1_gej *p) {
    secp256k1_ge a;
    if (secp256k1_gej_is_infinity(p)) return 0;
    secp256k1_ge_set_gej_var(&a, p);
    secp256k1_fe_normalize_var(&a.x);
    secp256k1_fe_normalize_var(&a.y);
    secp256k1_fe_get_b32(out, &a.x);
    secp256k1_fe_get_b32(out + 32, &a.y);
    return 1;
}

/* ---- secret scalars: constant-time ---- */

/* k·P into r; *ok is cleared, without a branch, unless k is in [1, n−1]. */
static void mul_secret(secp256k1_gej *r, const secp256k1_ge *p, const unsigned char *k32, int *ok) {
    secp256k1_scalar k;
    int overflow;
    secp256k1_scalar_set_b32(&k, k32, &overflow);
    *ok &= (overflow == 0) & (secp256k1_scalar_is_zero(&k) == 0);
    secp256k1_ecmult_const(r, p, &k, 256);
    secp256k1_scalar_clear(&k);
}

/**
 * k·P for a secret k. io: k (32) ‖ P (96) → x ‖ y.
 * Returns 1; 0 for an invalid P, or k not in [1, n−1] (then the output is
 * meaningless). Nothing depends on k but the returned flag.
 */
EXPORT(mv_mul_secret) int mv_mul_secret(void) {
    secp256k1_ge p, out;
    secp256k1_gej r;
    int ok = 1;
    if (!read_point(&p, io + 32)) return 0;
    mul_secret(&r, &p, io, &ok);
    secp256k1_ge_set_gej(&out, &r);
    write_point_secret(io, &out);
    return ok;
}

/**
 * Σ kᵢ·Pᵢ for secret kᵢ, i < n. Heap at mv_reserve: n × (k (32) ‖ P (96)).
 * io ← x ‖ y. Returns 1; 0 for an invalid point, a kᵢ not in [1, n−1], or a
 * sum that is the identity. Each product is brought to affine form with a
 * constant-time inversion and added with the complete, constant-time
 * mixed addition, so no branch or address depends on a kᵢ.
 */
EXPORT(mv_mul_secret_sum) int mv_mul_secret_sum(size_t n) {
    const unsigned char *terms = mv_reserve(0);
    secp256k1_gej acc, r;
    secp256k1_ge p, product, out;
    size_t i;
    int ok = 1;
    secp256k1_gej_set_infinity(&acc);
    for (i = 0; i < n; i++) {
        if (!read_point(&p, terms + i * 128 + 32)) return 0;
        mul_secret(&r, &p, terms + i * 128, &ok);
        secp256k1_ge_set_gej(&product, &r);
        secp256k1_gej_add_ge(&acc, &acc, &product);
    }
    ok &= (acc.infinity == 0);
    secp256k1_ge_set_gej(&out, &acc);
    write_point_secret(io, &out);
    return ok;
}

/**
 * Normalizes a point that may be secret to affine form with a
 * constant-time inversion. io: P (X, Y, Z) → x ‖ y, coordinates below p
 * (as JavaScript keeps them). Returns 1; 0 for Z = 0, without a branch.
 */
EXPORT(mv_normalize) int mv_normalize(void) {
    secp256k1_fe x, y, z, zi;
    secp256k1_ge out;
    int ok;
    load_secret_fe(&x, io);
    load_secret_fe(&y, io + 32);
    load_secret_fe(&z, io + 64);
    ok = secp256k1_fe_normalizes_to_zero(&z) == 0;
    secp256k1_fe_inv(&zi, &z);
    secp256k1_fe_mul(&out.x, &x, &zi);
    secp256k1_fe_mul(&out.y, &y, &zi);
    out.infinity = 0;
    write_point_secret(io, &out);
    return ok;
}

/**
 * ECDSA signature as Umbral makes it, for a secret key: the nonce by
 * RFC 6979's HMAC-DRBG seeded with key ‖ digest ‖ 32 bytes of fresh entropy
 * (hedged, as @noble/curves does with `extraEntropy`), R = k·G by the
 * constant-time ecmult_const, s = k⁻¹·(digest + r·key) mod n with
 * constant-time scalar arithmetic, low-S by a conditional negation.
 * io: key (32) ‖ digest (32) ‖ entropy (32) → r ‖ s.
 * Returns 1; 0 (computed without a branch) for a key not in [1, n−1], or
 * with negligible probability for a nonce or signature that must be
 * redrawn: call again with new entropy.
 */
EXPORT(mv_ecdsa_sign) int mv_ecdsa_sign(void) {
    secp256k1_rfc6979_hmac_sha256 rng;
    unsigned char nonce[32], rx[32];
    secp256k1_scalar key, msg, k, k_inv, r, s;
    secp256k1_gej rj;
    secp256k1_ge rp;
    int overflow, ok;
    secp256k1_rfc6979_hmac_sha256_initialize(&rng, io, 96);
    secp256k1_rfc6979_hmac_sha256_generate(&rng, nonce, 32);
    secp256k1_rfc6979_hmac_sha256_finalize(&rng);
    secp256k1_scalar_set_b32(&k, nonce, &overflow);
    ok = (overflow == 0) & (secp256k1_scalar_is_zero(&k) == 0);
    secp256k1_scalar_set_b32(&key, io, &overflow);
    ok &= (overflow == 0) & (secp256k1_scalar_is_zero(&key) == 0);
    secp256k1_scalar_set_b32(&msg, io + 32, NULL);
    secp256k1_ecmult_const(&rj, &secp256k1_ge_const_g, &k, 256);
    secp256k1_ge_set_gej(&rp, &rj);
    secp256k1_fe_normalize(&rp.x);
    secp256k1_fe_get_b32(rx, &rp.x);
    secp256k1_scalar_set_b32(&r, rx, NULL);
    secp256k1_scalar_mul(&s, &r, &key);
    secp256k1_scalar_add(&s, &s, &msg);
    secp256k1_scalar_inverse(&k_inv, &k);
    secp256k1_scalar_mul(&s, &s, &k_inv);
    secp256k1_scalar_cond_negate(&s, secp256k1_scalar_is_high(&s));
    ok &= (secp256k1_scalar_is_zero(&r) == 0) & (secp256k1_scalar_is_zero(&s) == 0);
    secp256k1_scalar_get_b32(io, &r);
    secp256k1_scalar_get_b32(io + 32, &s);
    memset(io + 64, 0, 32);
    memset(nonce, 0, sizeof(nonce));
    secp256k1_scalar_clear(&key);
    secp256k1_scalar_clear(&k);
    secp256k1_scalar_clear(&k_inv);
    return ok;
}

/* ---- public data: variable-time ---- */

/**
 * a·P + g·G for public scalars (a or g may be zero; P is read only when
 * `with_point`). io: a (32) ‖ g (32) ‖ P (96) → x ‖ y.
 * Returns 1; 0 when the result is the identity; -1 for invalid input.
 */
EXPORT(mv_mul_public) int mv_mul_public(int with_point) {
    secp256k1_scalar a, g;
    secp256k1_ge p;
    secp256k1_gej pj, r;
    int overflow_a, overflow_g;
    secp256k1_scalar_set_b32(&a, io, &overflow_a);
    secp256k1_scalar_set_b32(&g, io + 32, &overflow_g);
    if (overflow_a || overflow_g) return -1;
    if (with_point) {
        if (!read_point(&p, io + 64)) return -1;
        secp256k1_gej_set_ge(&pj, &p);
    } else {
        secp256k1_gej_set_infinity(&pj);
        secp256k1_scalar_set_int(&a, 0);
    }
    secp256k1_ecmult(ecmult_context(), &r, &pj, &a, &g);
    return write_point_public(io, &r);
}

static int msm_term(secp256k1_scalar *sc, secp256k1_ge *pt, size_t idx, void *data) {
    const unsigned char *term = (const unsigned char *)data + idx * 128;
    int overflow;
    secp256k1_scalar_set_b32(sc, term, &overflow);
    return !overflow && read_point(pt, term + 32);
}

/**
 * Σ kᵢ·Pᵢ over public terms, i < n: libsecp256k1's variable-time
 * multi-scalar multiplication (Strauss below 88 terms, Pippenger above).
 * Heap at mv_reserve: n × (k (32) ‖ P (96)), reserved with room for the
 * scratch space (mv_msm_bytes). io ← x ‖ y.
 * Returns 1; 0 when the sum is the identity; -1 for invalid input.
 */
EXPORT(mv_msm) int mv_msm(size_t n) {
    unsigned char *terms = mv_reserve(0);
    secp256k1_scratch scratch;
    secp256k1_gej r;
    size_t space = n < ECMULT_PIPPENGER_THRESHOLD
        ? secp256k1_strauss_scratch_size(n)
        : secp256k1_pippenger_scratch_size(n, secp256k1_pippenger_bucket_window(n));
    space += 16 * ALIGNMENT;
    memset(&scratch, 0, sizeof(scratch));
    memcpy(scratch.magic, "scratch", 8);
    scratch.data = terms + ROUND_TO_ALIGN(n * 128);
    scratch.max_size = space;
    if (!secp256k1_ecmult_multi_var(&trap, ecmult_context(), &scratch, &r, NULL, msm_term, terms, n)) {
        return -1;
    }
    return write_point_public(io, &r);
}

/** Heap bytes mv_msm needs for n terms (the terms and the scratch space). */
EXPORT(mv_msm_bytes) size_t mv_msm_bytes(size_t n) {
    size_t space = n < ECMULT_PIPPENGER_THRESHOLD
        ? secp256k1_strauss_scratch_size(n)
        : secp256k1_pippenger_scratch_size(n, secp256k1_pippenger_bucket_window(n));
    return ROUND_TO_ALIGN(n * 128) + space + 16 * ALIGNMENT;
}

/**
 * Decodes a compressed SEC1 point. io: 33 bytes → x ‖ y.
 * Returns 1; 0 for a bad prefix, x ≥ p, or an x with no point.
 */
EXPORT(mv_decode) int mv_decode(void) {
    secp256k1_fe x;
    secp256k1_ge p;
    secp256k1_gej pj;
    if (io[0] != 0x02 && io[0] != 0x03) return 0;
    if (!secp256k1_fe_set_b32(&x, io + 1)) return 0;
    if (!secp256k1_ge_set_xo_var(&p, &x, io[0] == 0x03)) return 0;
    secp256k1_gej_set_ge(&pj, &p);
    return write_point_public(io, &pj);
}

/**
 * ECDSA verification as Umbral uses it: low-S only, r and s in [1, n−1],
 * the 32-byte digest taken mod n. io: r (32) ‖ s (32) ‖ digest (32) ‖ P (96).
 * Returns 1 if valid, 0 if not.
 */
EXPORT(mv_ecdsa_verify) int mv_ecdsa_verify(void) {
    secp256k1_scalar r, s, m;
    secp256k1_ge p;
    int overflow_r, overflow_s;
    secp256k1_scalar_set_b32(&r, io, &overflow_r);
    secp256k1_scalar_set_b32(&s, io + 32, &overflow_s);
    if (overflow_r || overflow_s || secp256k1_scalar_is_high(&s)) return 0;
    secp256k1_scalar_set_b32(&m, io + 64, NULL);
    if (!read_point(&p, io + 96)) return 0;
    return secp256k1_ecdsa_sig_verify(ecmult_context(), &r, &s, &p, &m);
}
