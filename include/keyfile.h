/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pre-shared key files: one base64 line holding 32 random bytes, readable by the owner only. */
#ifndef NETAGG_KEYFILE_H
#define NETAGG_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYFILE_KEY_LEN 32
#define KEYFILE_TEXT_LEN 45 /* base64 of 32 bytes, NUL included */

/* Reads the key at path; refuses a file that group or others may read. False with err. */
bool keyfile_load(const char *path, uint8_t key[KEYFILE_KEY_LEN], char *err, size_t errlen);

/* Writes a new random key as base64 text into text. */
void keyfile_generate(char text[KEYFILE_TEXT_LEN]);

#endif
