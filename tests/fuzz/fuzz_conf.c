/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the config parser; whatever it accepts must print and read back unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf a, b;
	char err[CONF_ERR_MAX], *text = malloc(size + 1), *printed = NULL;
	size_t len = 0;
	FILE *out;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_parse(text, "fuzz.conf", &a, err, sizeof(err))) {
		out = open_memstream(&printed, &len);
		conf_print(out, &a);
		fclose(out);
		if (!conf_parse(printed, "printed.conf", &b, err, sizeof(err)) || memcmp(&a, &b, sizeof(a)) != 0)
			abort(); /* the normal form must be a fixed point */
		free(printed);
	} else if (strncmp(err, "fuzz.conf", 9) != 0) {
		abort(); /* every error names the file */
	}
	free(text);
	return 0;
}
