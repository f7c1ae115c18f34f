/* SHA-256 (FIPS 180-4), for fingerprints that must not reveal what they were made from. */
#ifndef BILLTAP_UTIL_SHA256_H
#define BILLTAP_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct bt_sha256 {
	uint32_t h[8];
	uint64_t len;        /* bytes hashed so far */
	unsigned char block[64];
	size_t used;         /* bytes waiting in block */
} bt_sha256;

void bt_sha256_init(bt_sha256 *s);
void bt_sha256_update(bt_sha256 *s, const void *data, size_t len);
void bt_sha256_final(bt_sha256 *s, unsigned char out[32]);

#endif
