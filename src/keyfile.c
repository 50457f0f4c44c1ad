/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loads and makes pre-shared keys; the only place that reads key material from disk. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "key file %s: %s", path, what);
	return false;
}

bool keyfile_load(const char *path, uint8_t key[KEYFILE_KEY_LEN], char *err, size_t errlen)
{
	char text[128], why[96];
	struct stat st;
	size_t bin_len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok;

	if (fd < 0)
		return fail(err, errlen, path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, path, "not a regular file");
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		snprintf(why, sizeof(why), "readable by group or others (mode %04o); run chmod 600 on it",
			 (unsigned)(st.st_mode & 07777));
		return fail(err, errlen, path, why);
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return fail(err, errlen, path, strerror(errno));
	text[n] = '\0';
	text[strcspn(text, " \t\r\n")] = '\0';
	ok = sodium_base642bin(key, KEYFILE_KEY_LEN, text, strlen(text), NULL, &bin_len, NULL,
			       sodium_base64_VARIANT_ORIGINAL) == 0 &&
	     bin_len == KEYFILE_KEY_LEN;
	sodium_memzero(text, sizeof(text));
	if (!ok)
		return fail(err, errlen, path, "not a key (expected the base64 of 32 bytes, as netagg genkey prints)");
	return true;
}

void keyfile_generate(char text[KEYFILE_TEXT_LEN])
{
	uint8_t key[KEYFILE_KEY_LEN];

	randombytes_buf(key, sizeof(key));
	sodium_bin2base64(text, KEYFILE_TEXT_LEN, key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
}
